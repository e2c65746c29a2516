// SPDX-License-Identifier: GPL-2.0
/*
 * kipc rings: shared-memory rings whose memory and sleeping the kernel owns.
 *
 * Producers and consumers move messages through the mapping on their own
 * (the protocol is in include/uapi/linux/kipc_ring.h); the kernel only
 * allocates and maps the pages, puts waiters to sleep and wakes them, tells
 * each side when the other is gone, and publishes empty the slots a dead
 * MPSC producer claimed.
 *
 * This file is the ring as an object. What reads or writes the mapping,
 * which nothing here trusts, is in ring_shared.c.
 */
#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/hrtimer.h>
#include <linux/ipc_namespace.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include <linux/vmalloc.h>
#include "compat.h"
#include "kipc_internal.h"
#include "ring.h"
#include "trace.h"

static unsigned int kipc_ring_slots_max = BIT(20);
module_param_named(ring_slots_max, kipc_ring_slots_max, uint, 0644);
MODULE_PARM_DESC(ring_slots_max, "Maximum slots in one ring (default 1048576)");

static unsigned int kipc_ring_slot_size_max = BIT(20);
module_param_named(ring_slot_size_max, kipc_ring_slot_size_max, uint, 0644);
MODULE_PARM_DESC(ring_slot_size_max, "Maximum slot size in bytes (default 1 MiB)");

static unsigned long kipc_ring_bytes_max = 64UL << 20;
module_param_named(ring_bytes_max, kipc_ring_bytes_max, ulong, 0644);
MODULE_PARM_DESC(ring_bytes_max, "Maximum memory of one ring in bytes (default 64 MiB)");

/*
 * How long a waiter sleeps before looking at the ring again on its own. A
 * process that clears the other side's sleeping word can delay a wake-up
 * by this much, never lose it.
 */
#define KIPC_RING_RECHECK_NS	(1000 * NSEC_PER_MSEC)

/* Absolute hard limits, whatever the parameters say. */
#define KIPC_RING_SLOTS_HARD_MAX	BIT(30)
#define KIPC_RING_SLOT_SIZE_HARD_MAX	BIT(26)
#define KIPC_RING_BYTES_HARD_MAX	BIT_ULL(32)

static struct kipc_kring *kipc_obj_ring(struct kipc_obj *obj)
{
	return container_of(obj, struct kipc_kring, obj);
}

static void kring_free(struct kipc_obj *obj)
{
	struct kipc_kring *r = kipc_obj_ring(obj);
	unsigned int i;

	if (r->vaddr)
		vunmap(r->vaddr);
	for (i = 0; r->pages && i < r->nr_pages; i++)
		if (r->pages[i])
			__free_page(r->pages[i]);
	kvfree(r->pages);
	mutex_destroy(&r->lock);
}

static void kring_put(struct kipc_kring *r)
{
	kipc_obj_put(&r->obj);
}

/**
 * struct kring_wait_op - one RING_WAIT in progress
 * @rf:		the waiting side
 * @n:		producer: slots wanted
 * @slept:	been asleep: whoever woke us cleared our sleeping word
 */
struct kring_wait_op {
	struct kipc_kring_file *rf;
	u32 n;
	bool slept;
};

/* kipc_wait() condition of RING_WAIT; lockless. */
static int kring_wait_ready(void *arg)
{
	struct kring_wait_op *op = arg;
	struct kipc_kring_file *rf = op->rf;

	/* Whoever woke us cleared our word; say again that we sleep. */
	if (op->slept)
		kring_sleepers(rf->ring, rf->role == KIPC_RING_ROLE_CONSUMER, 0);
	op->slept = true;
	/* Pairs with the publisher's barrier before it reads our word. */
	smp_mb();
	return kring_check(rf, op->n);
}

/**
 * kipc_ioc_ring_wait() - KIPC_IOC_RING_WAIT
 * @ctx:	a ring fd
 * @arg:	struct kipc_ring_wait
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_ring_wait(struct kipc_ctx *ctx, void *arg)
{
	struct kipc_kring_file *rf = ctx->ring_file;
	struct kipc_kring *r = rf->ring;
	bool consumer = rf->role == KIPC_RING_ROLE_CONSUMER;
	wait_queue_head_t *wq = consumer ? &r->cons_wq : &r->prod_wq;
	u32 want = consumer ? KIPC_RING_WAIT_READABLE : KIPC_RING_WAIT_WRITABLE;
	struct kipc_ring_wait *karg = arg;
	struct kring_wait_op op = { .rf = rf, .n = karg->n };
	bool mpsc_consumer = consumer && r->mode == KIPC_RING_MPSC;
	bool reaped_gone = false;
	struct kipc_deadline dl;
	int ret;

	if ((karg->flags & ~(KIPC_NONBLOCK | KIPC_TIMEOUT | KIPC_ABSTIME |
			     want)) || !(karg->flags & want) || karg->reserved)
		return -EINVAL;
	if (consumer ? karg->n : (!karg->n || karg->n > r->count))
		return -EINVAL;
	ret = kipc_deadline_init(&dl, karg->flags & ~want, &karg->timeout);
	if (ret)
		return ret;
	dl.recheck = KIPC_RING_RECHECK_NS;

	kring_sleepers(r, consumer, 1);
	do {
		/* A dead producer's claim may be all the consumer waits for. */
		if (mpsc_consumer)
			kring_reap_head(r);
		ret = kipc_wait(wq, &dl, kring_wait_ready, &op);
		/*
		 * The last producer left after the reap above looked. With
		 * none live, the reap makes empty whatever dead claim stands
		 * before what they published: reap once more before saying
		 * there is no more.
		 */
		if (ret == -EPIPE && mpsc_consumer && !reaped_gone) {
			reaped_gone = true;
			ret = 0;
		}
	} while (!ret);
	kring_sleepers(r, consumer, -1);
	trace_kipc_ring_wait(r->obj.id, consumer, karg->n, ret > 0 ? 0 : ret);
	if (ret == -ERESTARTSYS &&
	    kipc_deadline_save(&dl, ctx->uarg +
			       offsetof(struct kipc_ring_wait, timeout)))
		ret = -EINTR;
	return ret > 0 ? 0 : ret;
}

/**
 * kipc_ioc_ring_wake() - KIPC_IOC_RING_WAKE
 * @ctx:	a ring fd
 * @arg:	none
 *
 * Return: 0.
 */
int kipc_ioc_ring_wake(struct kipc_ctx *ctx, void *arg)
{
	struct kipc_kring_file *rf = ctx->ring_file;
	struct kipc_kring *r = rf->ring;

	trace_kipc_ring_wake(r->obj.id, rf->role == KIPC_RING_ROLE_CONSUMER);
	if (rf->role == KIPC_RING_ROLE_PRODUCER)
		wake_up_interruptible_all(&r->cons_wq);
	else
		wake_up_interruptible_all(&r->prod_wq);
	return 0;
}

static long kring_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kipc_ctx ctx = {
		.file = file,
		.ring_file = file->private_data,
	};

	return kipc_ioctl(&ctx, cmd, arg);
}

static __poll_t kring_poll(struct file *file, struct poll_table_struct *pt)
{
	struct kipc_kring_file *rf = file->private_data;
	struct kipc_kring *r = rf->ring;
	bool consumer = rf->role == KIPC_RING_ROLE_CONSUMER;

	poll_wait(file, consumer ? &r->cons_wq : &r->prod_wq, pt);
	return kring_poll_mask(rf);
}

static int kring_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct kipc_kring_file *rf = file->private_data;
	struct kipc_kring *r = rf->ring;

	if (vma->vm_pgoff || vma_pages(vma) != r->nr_pages)
		return -EINVAL;
	/* A private copy of the ring would silently stop being the ring. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	kipc_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP | VM_DONTCOPY);
	return vm_map_pages(vma, r->pages, r->nr_pages);
}

/* Give up @rf's role and free it: the ring fd is closed, or never was. */
static void kring_detach(struct kipc_kring_file *rf)
{
	struct kipc_kring *r = rf->ring;

	mutex_lock(&r->lock);
	if (rf->role == KIPC_RING_ROLE_CONSUMER) {
		r->consumer = false;
		kring_set_state(r, KIPC_RING_CONSUMER_GONE, 0);
	} else {
		r->producers &= ~BIT_ULL(rf->producer);
		if (r->mode == KIPC_RING_MPSC)
			kring_producer_detached(r, rf->producer);
		if (!r->producers)
			kring_set_state(r, KIPC_RING_PRODUCER_GONE, 0);
	}
	mutex_unlock(&r->lock);
	wake_up_interruptible_all(&r->cons_wq);
	wake_up_interruptible_all(&r->prod_wq);
	kring_put(r);
	kfree(rf);
}

static int kring_release(struct inode *inode, struct file *file)
{
	struct kipc_kring_file *rf = file->private_data;

	kipc_ns_file_close(rf->ring->obj.ns);
	kring_detach(rf);
	return 0;
}

static const struct file_operations kring_fops = {
	.owner		= THIS_MODULE,
	.release	= kring_release,
	.poll		= kring_poll,
	.mmap		= kring_mmap,
	.unlocked_ioctl	= kring_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/* Deleted: tell everyone attached. */
static void kring_kill(struct kipc_obj *obj)
{
	struct kipc_kring *r = kipc_obj_ring(obj);

	mutex_lock(&r->lock);
	WRITE_ONCE(r->deleted, true);
	kring_set_state(r, KIPC_RING_DELETED, 0);
	mutex_unlock(&r->lock);
	wake_up_interruptible_all(&r->cons_wq);
	wake_up_interruptible_all(&r->prod_wq);
}

static void kring_info(struct kipc_obj *obj, struct kipc_info *info);

static const struct kipc_obj_ops kring_ops = {
	.type = KIPC_TYPE_RING,
	.kill = kring_kill,
	.free = kring_free,
	.info = kring_info,
};

/* Allocate and lay out the ring's memory. */
static int kring_alloc(struct kipc_kring *r)
{
	unsigned int i;

	r->pages = kvcalloc(r->nr_pages, sizeof(*r->pages), KIPC_GFP_HELD);
	if (!r->pages)
		return -ENOMEM;
	for (i = 0; i < r->nr_pages; i++) {
		r->pages[i] = alloc_page(KIPC_GFP_HELD | __GFP_ZERO);
		if (!r->pages[i])
			return -ENOMEM;
	}
	r->vaddr = vmap(r->pages, r->nr_pages, VM_MAP, PAGE_KERNEL);
	if (!r->vaddr)
		return -ENOMEM;
	kring_shared_init(r);
	return 0;
}

static int kring_geometry(const struct kipc_ring_create *c, size_t *size)
{
	u64 bytes;

	if (c->mode != KIPC_RING_SPSC && c->mode != KIPC_RING_MPSC)
		return -EINVAL;
	if (!is_power_of_2(c->slots) || c->slots < 2 ||
	    c->slots > min(READ_ONCE(kipc_ring_slots_max), KIPC_RING_SLOTS_HARD_MAX))
		return -EINVAL;
	if (!is_power_of_2(c->slot_size) ||
	    c->slot_size < KIPC_RING_SLOT_SIZE_MIN ||
	    c->slot_size > min(READ_ONCE(kipc_ring_slot_size_max),
			       KIPC_RING_SLOT_SIZE_HARD_MAX))
		return -EINVAL;
	bytes = KIPC_RING_HDR_SIZE + (u64)c->slots * c->slot_size;
	if (bytes > min_t(u64, READ_ONCE(kipc_ring_bytes_max),
			  KIPC_RING_BYTES_HARD_MAX))
		return -EINVAL;
	*size = bytes;
	return 0;
}

/**
 * kipc_ioc_ring_create() - KIPC_IOC_RING_CREATE
 * @ctx:	an endpoint fd
 * @arg:	struct kipc_ring_create
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_ring_create(struct kipc_ctx *ctx, void *arg)
{
	struct kipc_ring_create *karg = arg;
	struct kipc_kring *r;
	size_t size;
	int ret;

	BUILD_BUG_ON(KIPC_RING_HDR_SIZE != PAGE_SIZE);
	BUILD_BUG_ON(sizeof(struct kipc_ring_hdr) > KIPC_RING_HDR_SIZE);
	BUILD_BUG_ON(offsetof(struct kipc_ring_hdr, head) != 2 * KIPC_RING_CACHELINE);
	BUILD_BUG_ON(offsetof(struct kipc_ring_hdr, resv) != 5 * KIPC_RING_CACHELINE);
	BUILD_BUG_ON(offsetof(struct kipc_kring, obj) != 0);

	if ((karg->flags & ~KIPC_RING_CREATE_V2) || (karg->perm & ~0777))
		return -EINVAL;
	ret = kring_geometry(karg, &size);
	if (ret)
		return ret;

	r = kzalloc(sizeof(*r), KIPC_GFP_HELD);
	if (!r)
		return -ENOMEM;
	ret = kipc_obj_init(&r->obj, &kring_ops, kipc_ctx_ns(ctx), karg->name,
			    karg->perm, ctx->ep->obj.id);
	if (ret) {
		kfree(r);
		return ret;
	}
	mutex_init(&r->lock);
	spin_lock_init(&r->wait_lock);
	init_waitqueue_head(&r->cons_wq);
	init_waitqueue_head(&r->prod_wq);
	r->count = karg->slots;
	r->mask = karg->slots - 1;
	r->slot_size = karg->slot_size;
	r->slot_shift = ilog2(karg->slot_size);
	r->mode = karg->mode;
	r->version = karg->flags & KIPC_RING_CREATE_V2 ? KIPC_RING_VERSION_2 :
							 KIPC_RING_VERSION_1;
	r->nr_pages = DIV_ROUND_UP(size, PAGE_SIZE);

	/*
	 * Charged before the pages are allocated: otherwise a user could
	 * pin ring_bytes_max for each of ring_max rings in every IPC
	 * namespace it can create.
	 */
	ret = kipc_obj_charge(&r->obj, KIPC_CHARGE_RING,
			      ((size_t)r->nr_pages << PAGE_SHIFT) +
			      kmalloc_size_roundup(sizeof(*r)) +
			      kmalloc_size_roundup(r->nr_pages *
						   sizeof(*r->pages)));
	if (!ret)
		ret = kring_alloc(r);
	if (!ret)
		ret = kipc_obj_register(&r->obj);
	if (ret) {
		kring_put(r);
		return ret;
	}

	karg->id = r->obj.id;
	if (kipc_copy_out(ctx, karg)) {
		/* The caller cannot learn the id: take the ring back. */
		kipc_obj_delete(&r->obj, false);
		kring_put(r);
		return -EFAULT;
	}
	kring_put(r);
	return 0;
}

/* Take a role in @r for @rf; the caller holds r->lock. */
static int kring_take_role(struct kipc_kring *r, struct kipc_kring_file *rf)
{
	unsigned int nr, p;

	lockdep_assert_held(&r->lock);
	if (r->deleted)
		return -EIDRM;
	if (rf->role == KIPC_RING_ROLE_CONSUMER) {
		if (r->consumer)
			return -EBUSY;
		r->consumer = true;
		r->had_consumer = true;
		kring_set_state(r, 0, KIPC_RING_CONSUMER_GONE);
		return 0;
	}
	nr = r->mode == KIPC_RING_SPSC ? 1 : KIPC_RING_PRODUCERS_MAX;
	for (p = 0; p < nr && (r->producers & BIT_ULL(p)); p++)
		;
	if (p == nr)
		return -EBUSY;
	r->producers |= BIT_ULL(p);
	r->had_producer = true;
	rf->producer = p;
	kring_producer_attached(r, p);
	kring_set_state(r, 0, KIPC_RING_PRODUCER_GONE);
	return 0;
}

/**
 * kipc_ioc_ring_attach() - KIPC_IOC_RING_ATTACH
 * @ctx:	an endpoint fd
 * @arg:	struct kipc_ring_attach
 *
 * Return: the new ring fd or a negative errno as documented in the uapi
 * header.
 */
int kipc_ioc_ring_attach(struct kipc_ctx *ctx, void *arg)
{
	struct kipc_ring_attach *karg = arg;
	struct kipc_kring_file *rf;
	struct kipc_obj *obj;
	struct kipc_kring *r;
	char name[KIPC_NAME_MAX];
	struct file *file;
	int ret, fd;

	if (karg->role != KIPC_RING_ROLE_PRODUCER &&
	    karg->role != KIPC_RING_ROLE_CONSUMER)
		return -EINVAL;
	if (karg->producer || karg->slots || karg->slot_size || karg->mode ||
	    karg->map_size || karg->reserved)
		return -EINVAL;
	ret = kipc_name_copy(name, karg->name);
	if (ret)
		return ret;
	if (!karg->id == !name[0])
		return -EINVAL;

	obj = kipc_obj_lookup(kipc_ctx_ns(ctx), KIPC_TYPE_RING, karg->id, name);
	if (!obj)
		return -ENOENT;
	r = kipc_obj_ring(obj);
	ret = kipc_perm_check(obj, karg->role == KIPC_RING_ROLE_PRODUCER ?
			      MAY_WRITE : MAY_READ);
	if (ret)
		goto put_ring;
	/*
	 * Its consumer would wait on slots such a producer never marks: the
	 * producer's code is older than the ring. MPSC producers mark them
	 * in every version.
	 */
	ret = -EPROTONOSUPPORT;
	if (karg->role == KIPC_RING_ROLE_PRODUCER && r->mode == KIPC_RING_SPSC &&
	    max(karg->version, KIPC_RING_VERSION_1) < r->version)
		goto put_ring;

	ret = -ENOMEM;
	rf = kzalloc(sizeof(*rf), GFP_KERNEL_ACCOUNT);
	if (!rf)
		goto put_ring;
	rf->ring = r;
	rf->role = karg->role;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto free_rf;
	}
	ret = mutex_lock_killable(&r->lock);
	if (ret)
		goto put_fd;
	ret = kring_take_role(r, rf);
	mutex_unlock(&r->lock);
	if (ret)
		goto put_fd;
	/* From here the file owns rf and the ring reference: release undoes the role. */
	kipc_ns_file_open(obj->ns);
	file = anon_inode_getfile("[kipc-ring]", &kring_fops, rf, O_RDWR);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		kipc_ns_file_close(obj->ns);
		kring_detach(rf);
		put_unused_fd(fd);
		return ret;
	}

	karg->id = obj->id;
	karg->producer = rf->producer;
	karg->slots = r->count;
	karg->slot_size = r->slot_size;
	karg->mode = r->mode;
	karg->map_size = (u64)r->nr_pages << PAGE_SHIFT;
	karg->version = r->version;
	if (kipc_copy_out(ctx, karg)) {
		fput(file);
		put_unused_fd(fd);
		return -EFAULT;
	}
	fd_install(fd, file);
	return fd;

put_fd:
	put_unused_fd(fd);
free_rf:
	kfree(rf);
put_ring:
	kring_put(r);
	return ret;
}

/**
 * kipc_ioc_ring_delete() - KIPC_IOC_RING_DELETE
 * @ctx:	an endpoint fd
 * @arg:	struct kipc_mbox_ref naming the ring
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_ring_delete(struct kipc_ctx *ctx, void *arg)
{
	struct kipc_mbox_ref *karg = arg;
	struct kipc_obj *obj;
	int ret;

	/* No ring fd can name itself here: an id or a name is needed. */
	if (!karg->id && !karg->name[0])
		return -EINVAL;
	obj = kipc_obj_lookup_ref(kipc_ctx_ns(ctx), KIPC_TYPE_RING, karg, NULL);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	ret = kipc_owner_check(obj);
	if (!ret)
		ret = kipc_obj_delete(obj, true);
	if (!ret)
		ret = -ENOENT;
	else if (ret > 0)
		ret = 0;
	kipc_obj_put(obj);
	return ret;
}

/* Describe a ring for STAT and LIST; the caller holds a reference. */
static void kring_info(struct kipc_obj *obj, struct kipc_info *info)
{
	struct kipc_kring *r = kipc_obj_ring(obj);
	u64 cap = (u64)r->count * (r->slot_size - sizeof(struct kipc_ring_slot));

	info->depth = kring_depth(r);
	info->max_msgs = r->count;
	info->max_bytes = min_t(u64, cap, U32_MAX);
	info->msg_max = r->slot_size - sizeof(struct kipc_ring_slot);
	info->nr_senders = READ_ONCE(r->nr_prod_wait);
	info->nr_receivers = READ_ONCE(r->nr_cons_wait);
}
