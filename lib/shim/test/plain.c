// SPDX-License-Identifier: MIT
/*
 * An ordinary program using a POSIX queue and a SysV queue, built
 * without any kipc header: "plain create" makes /kipc-plain and the SysV
 * queue of key 0x4b1d0001, sends one message through each and receives it
 * back; "plain remove" removes both. Run under LD_PRELOAD in the test VM,
 * its queues must show up in kipcctl ls in between.
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>

#define MQ_NAME		"/kipc-plain"
#define MSG_KEY		0x4b1d0001

struct m {
	long mtype;
	char mtext[16];
};

static int create(void)
{
	struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 16 };
	struct m m = { .mtype = 3, .mtext = "sysv" };
	char buf[16];
	unsigned int prio;
	mqd_t q;
	int id;

	q = mq_open(MQ_NAME, O_CREAT | O_RDWR, 0600, &attr);
	if (q == (mqd_t)-1 || mq_send(q, "posix", 5, 9) ||
	    mq_receive(q, buf, sizeof(buf), &prio) != 5 || prio != 9) {
		perror("mq");
		return 1;
	}
	id = msgget(MSG_KEY, IPC_CREAT | 0600);
	if (id < 0 || msgsnd(id, &m, 4, 0) ||
	    msgrcv(id, &m, sizeof(m.mtext), 3, 0) != 4) {
		perror("msg");
		return 1;
	}
	printf("plain: %s and SysV key 0x%x work\n", MQ_NAME, MSG_KEY);
	return 0;
}

static int remove_both(void)
{
	int id = msgget(MSG_KEY, 0);

	if (mq_unlink(MQ_NAME) || id < 0 || msgctl(id, IPC_RMID, NULL)) {
		perror("remove");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "create"))
		return create();
	if (argc == 2 && !strcmp(argv[1], "remove"))
		return remove_both();
	fprintf(stderr, "usage: plain create|remove\n");
	return 2;
}
