// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/kipc itself: opening makes an endpoint with a fresh id, the version
 * ioctl answers, unknown ioctls and bad pointers are refused cleanly.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libkipc.h>

#include "../kselftest_harness.h"

TEST(device_is_world_usable)
{
	struct stat st;

	ASSERT_EQ(0, stat(KIPC_DEVICE, &st));
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0666, st.st_mode & 0777);
}

TEST(version_reports_abi_and_endpoint)
{
	struct kipc_version v;
	int fd;

	fd = kipc_open(0);
	ASSERT_GE(fd, 0);
	memset(&v, 0xa5, sizeof(v));
	ASSERT_EQ(0, kipc_version(fd, &v));
	EXPECT_EQ(KIPC_ABI_VERSION, v.abi);
	EXPECT_EQ(KIPC_VERSION_CODE(KIPC_VERSION_MAJOR, KIPC_VERSION_MINOR,
				    KIPC_VERSION_PATCH), v.version);
	EXPECT_NE(0, v.endpoint_id);
	close(fd);
}

TEST(endpoint_ids_are_never_reused)
{
	struct kipc_version a, b;
	int fd;

	fd = kipc_open(0);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, kipc_version(fd, &a));
	close(fd);

	fd = kipc_open(0);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, kipc_version(fd, &b));
	close(fd);
	EXPECT_GT(b.endpoint_id, a.endpoint_id);
}

TEST(unknown_ioctl_is_enotty)
{
	int fd = kipc_open(0);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(-1, ioctl(fd, _IO(KIPC_IOC_MAGIC, 0xff)));
	EXPECT_EQ(ENOTTY, errno);
	close(fd);
}

TEST(bad_pointer_is_efault)
{
	int fd = kipc_open(0);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(-1, ioctl(fd, KIPC_IOC_VERSION, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
}

TEST(open_flags)
{
	int fd = kipc_open(KIPC_OPEN_NONBLOCK);

	ASSERT_GE(fd, 0);
	EXPECT_TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK);
	EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
	EXPECT_EQ(-EINVAL, kipc_open(~0u));
}

TEST_HARNESS_MAIN
