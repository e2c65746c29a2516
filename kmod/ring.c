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
#include "kipc.h"
#include "ring.h"

static unsigned int kipc_ring_max = 64;
module_param_named(ring_max, kipc_ring_max, uint, 0644);
MODULE_PARM_DESC(ring_max, "Maximum rings per IPC namespace (default 64)");

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

static void kring_free(struct kref *ref)
{
	struct kipc_kring *r = container_of(ref, struct kipc_kring, ref);
	unsigned int i;

	if (r->vaddr)
		vunmap(r->vaddr);
	for (i = 0; r->pages && i < r->nr_pages; i++)
		if (r->pages[i])
			__free_page(r->pages[i]);
	kvfree(r->pages);
	if (r->user)
		kipc_user_uncharge_bytes(r->user,
					 (size_t)r->nr_pages << PAGE_SHIFT);
	kipc_ns_put(r->obj.ns);
	kfree(r);
}

static void kring_put(struct kipc_kring *r)
{
	kref_put(&r->ref, kring_free);
}

static int kring_ioc_wait(struct kipc_kring_file *rf, void __user *uarg)
{
	struct kipc_kring *r = rf->ring;
	bool consumer = rf->role == KIPC_RING_ROLE_CONSUMER;
	wait_queue_head_t *wq = consumer ? &r->cons_wq : &r->prod_wq;
	u32 want = consumer ? KIPC_RING_WAIT_READABLE : KIPC_RING_WAIT_WRITABLE;
	struct kipc_deadline dl;
	struct kipc_ring_wait karg;
	DEFINE_WAIT(wait);
	size_t usize;
	ktime_t until;
	bool reaped_gone = false;
	int ret;

	ret = kipc_copy_arg(&karg, sizeof(karg), KIPC_RING_WAIT_SIZE_VER0,
			    uarg, &usize);
	if (ret)
		return ret;
	if ((karg.flags & ~(KIPC_NONBLOCK | KIPC_TIMEOUT | KIPC_ABSTIME |
			    want)) || !(karg.flags & want) || karg.reserved)
		return -EINVAL;
	if (consumer ? karg.n : (!karg.n || karg.n > r->count))
		return -EINVAL;
	ret = kipc_deadline_init(&dl, karg.flags & ~want, &karg.timeout, false);
	if (ret)
		return ret;

	kring_sleepers(r, consumer, 1);
	for (;;) {
		/* A dead producer's claim may be all the consumer waits for. */
		if (consumer && r->mode == KIPC_RING_MPSC)
			kring_reap_head(r);
		prepare_to_wait(wq, &wait, TASK_INTERRUPTIBLE);
		/* Pairs with the publisher's barrier before it reads our word. */
		smp_mb();
		ret = kring_check(rf, karg.n);
		if (ret == -EPIPE && consumer && r->mode == KIPC_RING_MPSC &&
		    !reaped_gone) {
			/*
			 * The last producer left after the reap above looked.
			 * With none live, the reap makes empty whatever dead
			 * claim stands before what they published: reap once
			 * more before saying there is no more.
			 */
			__set_current_state(TASK_RUNNING);
			reaped_gone = true;
			continue;
		}
		if (ret)
			break;
		if (dl.nonblock) {
			ret = -EAGAIN;
			break;
		}
		if (signal_pending(current)) {
			/*
			 * Task work alone (io_uring) is no reason to fail: the
			 * wait restarts after it, unless its timeout is
			 * relative (a restart would start it again).
			 */
			ret = !task_sigpending(current) &&
			      (!dl.timed || (karg.flags & KIPC_ABSTIME)) ?
			      -ERESTARTSYS : -EINTR;
			break;
		}
		until = ktime_add_ns(ktime_get(), KIPC_RING_RECHECK_NS);
		if (dl.timed) {
			if (ktime_compare(ktime_get(), dl.expires) >= 0) {
				ret = -ETIMEDOUT;
				break;
			}
			if (ktime_before(dl.expires, until))
				until = dl.expires;
		}
		schedule_hrtimeout(&until, HRTIMER_MODE_ABS);
		/* Whoever woke us cleared our word; say again that we sleep. */
		kring_sleepers(r, consumer, 0);
	}
	finish_wait(wq, &wait);
	kring_sleepers(r, consumer, -1);
	return ret > 0 ? 0 : ret;
}

static int kring_ioc_wake(struct kipc_kring_file *rf)
{
	struct kipc_kring *r = rf->ring;

	if (rf->role == KIPC_RING_ROLE_PRODUCER)
		wake_up_interruptible_all(&r->cons_wq);
	else
		wake_up_interruptible_all(&r->prod_wq);
	return 0;
}

static long kring_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kipc_kring_file *rf = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (KIPC_CMD(cmd)) {
	case KIPC_CMD(KIPC_IOC_RING_WAIT):
		return kring_ioc_wait(rf, uarg);
	case KIPC_CMD(KIPC_IOC_RING_WAKE):
		return kring_ioc_wake(rf);
	default:
		return -ENOTTY;
	}
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
	kring_detach(file->private_data);
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

/*
 * Unregister @r and tell everyone attached; the caller holds a reference.
 * Return: true if this call deleted it.
 */
static bool kring_kill(struct kipc_kring *r)
{
	struct kipc_ns *ns = r->obj.ns;
	bool was;

	mutex_lock(&ns->lock);
	was = r->registered;
	if (was) {
		kipc_obj_unhash(&r->obj);
		r->registered = false;
		ns->nr_rings--;
	}
	mutex_unlock(&ns->lock);
	if (!was)
		return false;
	mutex_lock(&r->lock);
	WRITE_ONCE(r->deleted, true);
	kring_set_state(r, KIPC_RING_DELETED, 0);
	mutex_unlock(&r->lock);
	wake_up_interruptible_all(&r->cons_wq);
	wake_up_interruptible_all(&r->prod_wq);
	kring_put(r);	/* the registry's reference */
	return true;
}

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
 * @uarg:	struct kipc_ring_create
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_ring_create(struct kipc_ctx *ctx, void __user *uarg)
{
	struct kipc_ns *ns = ctx->ep->obj.ns;
	struct kipc_ring_create karg;
	struct kipc_kring *r;
	size_t usize, size;
	int ret;

	BUILD_BUG_ON(KIPC_RING_HDR_SIZE != PAGE_SIZE);
	BUILD_BUG_ON(sizeof(struct kipc_ring_hdr) > KIPC_RING_HDR_SIZE);
	BUILD_BUG_ON(offsetof(struct kipc_ring_hdr, head) != 2 * KIPC_RING_CACHELINE);
	BUILD_BUG_ON(offsetof(struct kipc_ring_hdr, resv) != 5 * KIPC_RING_CACHELINE);
	BUILD_BUG_ON(sizeof(struct kipc_ring_create) != KIPC_RING_CREATE_SIZE_VER0);

	if (ctx->mb)
		return -ENOTTY;
	ret = kipc_copy_arg(&karg, sizeof(karg), KIPC_RING_CREATE_SIZE_VER0,
			    uarg, &usize);
	if (ret)
		return ret;
	if (karg.flags || (karg.perm & ~0777))
		return -EINVAL;
	ret = kring_geometry(&karg, &size);
	if (ret)
		return ret;

	r = kzalloc(sizeof(*r), KIPC_GFP_HELD);
	if (!r)
		return -ENOMEM;
	ret = kipc_name_copy(r->obj.name, karg.name);
	if (ret) {
		kfree(r);
		return ret;
	}
	r->obj.id = kipc_next_id();
	r->obj.type = KIPC_TYPE_RING;
	r->obj.ns = ns;
	refcount_inc(&ns->refs);
	kref_init(&r->ref);		/* the registry's reference */
	mutex_init(&r->lock);
	spin_lock_init(&r->wait_lock);
	init_waitqueue_head(&r->cons_wq);
	init_waitqueue_head(&r->prod_wq);
	r->count = karg.slots;
	r->mask = karg.slots - 1;
	r->slot_size = karg.slot_size;
	r->slot_shift = ilog2(karg.slot_size);
	r->mode = karg.mode;
	r->nr_pages = DIV_ROUND_UP(size, PAGE_SIZE);
	r->uid = current_euid();
	r->cuid = r->uid;
	r->gid = current_egid();
	r->cgid = r->gid;
	r->perm = karg.perm;
	r->creator_ep = ctx->ep->obj.id;

	/*
	 * Charged to the creator like queued messages: otherwise a user could
	 * pin ring_bytes_max for each of ring_max rings in every IPC
	 * namespace it can create.
	 */
	r->user = kipc_user_charge_bytes(r->cuid,
					 (size_t)r->nr_pages << PAGE_SHIFT);
	if (IS_ERR(r->user)) {
		ret = PTR_ERR(r->user);
		r->user = NULL;
		kring_put(r);
		return ret;
	}

	ret = kring_alloc(r);
	if (ret) {
		kring_put(r);
		return ret;
	}

	mutex_lock(&ns->lock);
	if (ns->nr_rings >= READ_ONCE(kipc_ring_max))
		ret = -ENOSPC;
	else if (r->obj.name[0] &&
		 kipc_name_find(ns, KIPC_TYPE_RING, r->obj.name))
		ret = -EEXIST;
	else
		ret = xa_insert(&ns->objs, r->obj.id, &r->obj,
				GFP_KERNEL_ACCOUNT);
	if (!ret) {
		if (r->obj.name[0])
			kipc_obj_hash(&r->obj);
		ns->nr_rings++;
		r->registered = true;
	}
	mutex_unlock(&ns->lock);
	if (ret) {
		kring_put(r);
		return ret;
	}

	karg.id = r->obj.id;
	if (copy_to_user(uarg, &karg, usize)) {
		/* The caller cannot learn the id: take the ring back. */
		kref_get(&r->ref);
		kring_kill(r);
		kring_put(r);
		return -EFAULT;
	}
	return 0;
}

/* Find a ring by id, or by name when @id is 0; returns a reference. */
static struct kipc_kring *kring_lookup(struct kipc_ns *ns, u64 id,
				       const char *name)
{
	struct kipc_kring *r = NULL;
	struct kipc_obj *obj;

	mutex_lock(&ns->lock);
	if (id)
		obj = xa_load(&ns->objs, id);
	else
		obj = kipc_name_find(ns, KIPC_TYPE_RING, name);
	if (obj && obj->type == KIPC_TYPE_RING) {
		r = container_of(obj, struct kipc_kring, obj);
		kref_get(&r->ref);
	}
	mutex_unlock(&ns->lock);
	return r;
}

/* ipcperms() for rings: MAY_WRITE to produce, MAY_READ to consume. */
static int kring_perm(struct kipc_kring *r, int want)
{
	kuid_t euid = current_euid();
	int granted;

	mutex_lock(&r->lock);
	granted = r->perm;
	if (uid_eq(euid, r->uid) || uid_eq(euid, r->cuid))
		granted >>= 6;
	else if (in_group_p(r->gid) || in_group_p(r->cgid))
		granted >>= 3;
	mutex_unlock(&r->lock);

	if ((granted & want & 7) == want)
		return 0;
	if (ns_capable(r->obj.ns->ipc_ns->user_ns, CAP_IPC_OWNER))
		return 0;
	return -EACCES;
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
 * @uarg:	struct kipc_ring_attach
 *
 * Return: the new ring fd or a negative errno as documented in the uapi
 * header.
 */
int kipc_ioc_ring_attach(struct kipc_ctx *ctx, void __user *uarg)
{
	struct kipc_ns *ns = ctx->ep->obj.ns;
	struct kipc_ring_attach karg;
	struct kipc_kring_file *rf;
	struct kipc_kring *r;
	char name[KIPC_NAME_MAX];
	struct file *file;
	size_t usize;
	int ret, fd;

	BUILD_BUG_ON(sizeof(struct kipc_ring_attach) != KIPC_RING_ATTACH_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct kipc_ring_wait) != KIPC_RING_WAIT_SIZE_VER0);

	if (ctx->mb)
		return -ENOTTY;
	ret = kipc_copy_arg(&karg, sizeof(karg), KIPC_RING_ATTACH_SIZE_VER0,
			    uarg, &usize);
	if (ret)
		return ret;
	if (karg.role != KIPC_RING_ROLE_PRODUCER &&
	    karg.role != KIPC_RING_ROLE_CONSUMER)
		return -EINVAL;
	if (karg.producer || karg.slots || karg.slot_size || karg.mode ||
	    karg.map_size)
		return -EINVAL;
	ret = kipc_name_copy(name, karg.name);
	if (ret)
		return ret;
	if (!karg.id == !name[0])
		return -EINVAL;

	r = kring_lookup(ns, karg.id, name);
	if (!r)
		return -ENOENT;
	ret = kring_perm(r, karg.role == KIPC_RING_ROLE_PRODUCER ?
			 MAY_WRITE : MAY_READ);
	if (ret)
		goto put_ring;

	ret = -ENOMEM;
	rf = kzalloc(sizeof(*rf), GFP_KERNEL_ACCOUNT);
	if (!rf)
		goto put_ring;
	rf->ring = r;
	rf->role = karg.role;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto free_rf;
	}
	mutex_lock(&r->lock);
	ret = kring_take_role(r, rf);
	mutex_unlock(&r->lock);
	if (ret)
		goto put_fd;
	/* From here the file owns rf and the ring reference: release undoes the role. */
	file = anon_inode_getfile("[kipc-ring]", &kring_fops, rf, O_RDWR);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		kring_detach(rf);
		put_unused_fd(fd);
		return ret;
	}

	karg.id = r->obj.id;
	karg.producer = rf->producer;
	karg.slots = r->count;
	karg.slot_size = r->slot_size;
	karg.mode = r->mode;
	karg.map_size = (u64)r->nr_pages << PAGE_SHIFT;
	if (copy_to_user(uarg, &karg, usize)) {
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
 * kipc_ring_get() - take a reference on a registered ring
 * @obj:	the ring's registry part; the caller holds obj->ns->lock
 */
void kipc_ring_get(struct kipc_obj *obj)
{
	kref_get(&container_of(obj, struct kipc_kring, obj)->ref);
}

/**
 * kipc_ring_put() - drop a reference from kipc_ring_get()
 * @obj:	the ring's registry part
 */
void kipc_ring_put(struct kipc_obj *obj)
{
	kring_put(container_of(obj, struct kipc_kring, obj));
}

/**
 * kipc_ring_kill_put() - delete a ring, then drop the caller's reference
 * @obj:	the ring's registry part, from kipc_ring_get()
 */
void kipc_ring_kill_put(struct kipc_obj *obj)
{
	struct kipc_kring *r = container_of(obj, struct kipc_kring, obj);

	kring_kill(r);
	kring_put(r);
}

/**
 * kipc_ioc_ring_delete() - KIPC_IOC_RING_DELETE
 * @ctx:	an endpoint fd
 * @uarg:	struct kipc_mbox_ref naming the ring
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_ring_delete(struct kipc_ctx *ctx, void __user *uarg)
{
	struct kipc_ns *ns = ctx->ep->obj.ns;
	struct kipc_mbox_ref karg;
	struct kipc_kring *r;
	char name[KIPC_NAME_MAX];
	kuid_t euid = current_euid();
	bool owner, was;
	size_t usize;
	int ret;

	if (ctx->mb)
		return -ENOTTY;
	ret = kipc_copy_arg(&karg, sizeof(karg), KIPC_MBOX_REF_SIZE_VER0,
			    uarg, &usize);
	if (ret)
		return ret;
	if (karg.flags)
		return -EINVAL;
	ret = kipc_name_copy(name, karg.name);
	if (ret)
		return ret;
	if (!karg.id == !name[0])
		return -EINVAL;
	r = kring_lookup(ns, karg.id, name);
	if (!r)
		return -ENOENT;

	mutex_lock(&r->lock);
	owner = uid_eq(euid, r->uid) || uid_eq(euid, r->cuid);
	mutex_unlock(&r->lock);
	if (!owner && !ns_capable(ns->ipc_ns->user_ns, CAP_IPC_OWNER)) {
		kring_put(r);
		return -EACCES;
	}

	was = kring_kill(r);
	kring_put(r);
	return was ? 0 : -ENOENT;
}

/**
 * kipc_ring_info() - describe a ring for KIPC_IOC_STAT and KIPC_IOC_LIST
 * @obj:	the ring's registry part; the caller holds a reference
 * @info:	zeroed, with id, type and name already filled
 */
void kipc_ring_info(struct kipc_obj *obj, struct kipc_info *info)
{
	struct kipc_kring *r = container_of(obj, struct kipc_kring, obj);
	struct user_namespace *uns = current_user_ns();
	u64 cap = (u64)r->count * (r->slot_size - sizeof(struct kipc_ring_slot));

	info->creator_ep = r->creator_ep;
	mutex_lock(&r->lock);
	info->uid = from_kuid_munged(uns, r->uid);
	info->gid = from_kgid_munged(uns, r->gid);
	info->mode = r->perm;
	mutex_unlock(&r->lock);
	info->depth = kring_depth(r);
	info->max_msgs = r->count;
	info->max_bytes = min_t(u64, cap, U32_MAX);
	info->msg_max = r->slot_size - sizeof(struct kipc_ring_slot);
	spin_lock(&r->wait_lock);
	info->nr_senders = r->nr_prod_wait;
	info->nr_receivers = r->nr_cons_wait;
	spin_unlock(&r->wait_lock);
}
