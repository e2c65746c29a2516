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
 * The mapping is writable by every attached process, so nothing in it is
 * trusted: the geometry used here is the kernel's own copy, every index
 * read from the mapping is read once and masked into the ring, and a
 * header that makes no sense is reported (-EUCLEAN), never acted on.
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

/**
 * struct kipc_kring - a ring
 * @obj:	object header (type KIPC_TYPE_RING); every ring fd holds a
 *		reference (a mapping holds the fd's file)
 * @lock:	protects @deleted, @producers, @consumer,
 *		@had_producer, @had_consumer, @state and @orphans, and the
 *		shared header's @state and @resv words when the kernel writes
 *		them
 * @wait_lock:	protects @nr_cons_wait and @nr_prod_wait and the shared
 *		sleeping words when the kernel writes them
 * @pages:	the ring's pages, header first; immutable
 * @nr_pages:	number of @pages; immutable
 * @vaddr:	kernel mapping of @pages; immutable
 * @count:	slot count; immutable
 * @mask:	@count - 1; immutable
 * @slot_shift:	log2(slot size); immutable
 * @slot_size:	bytes per slot; immutable
 * @mode:	KIPC_RING_SPSC or KIPC_RING_MPSC; immutable
 * @deleted:	KIPC_IOC_RING_DELETE done; also read without @lock
 * @producers:	bitmap of attached producer numbers
 * @consumer:	a consumer is attached
 * @had_producer: a producer attached at some point
 * @had_consumer: a consumer attached at some point
 * @state:	KIPC_RING_*_GONE and KIPC_RING_DELETED, mirrored to the header
 * @orphans:	claims left by producers that died, to publish empty once no
 *		live producer claims those positions; pos NONE = free entry
 * @nr_cons_wait: consumers asleep in KIPC_IOC_RING_WAIT
 * @nr_prod_wait: producers asleep in KIPC_IOC_RING_WAIT
 * @cons_wq:	consumer waiters and pollers
 * @prod_wq:	producer waiters and pollers
 */
struct kipc_kring {
	struct kipc_obj obj;
	struct mutex lock;	/* see @lock above */
	spinlock_t wait_lock;	/* see @wait_lock above */
	struct page **pages;
	unsigned int nr_pages;
	void *vaddr;
	u32 count;
	u32 mask;
	u32 slot_shift;
	u32 slot_size;
	u32 mode;
	bool deleted;
	u64 producers;
	bool consumer;
	bool had_producer;
	bool had_consumer;
	u32 state;
	struct kipc_ring_resv orphans[2 * KIPC_RING_PRODUCERS_MAX];
	unsigned int nr_cons_wait;
	unsigned int nr_prod_wait;
	wait_queue_head_t cons_wq;
	wait_queue_head_t prod_wq;
};

/**
 * struct kipc_kring_file - private data of a ring fd; immutable
 * @ring:	the ring (reference held)
 * @role:	KIPC_RING_ROLE_PRODUCER or KIPC_RING_ROLE_CONSUMER
 * @producer:	producer number
 */
struct kipc_kring_file {
	struct kipc_kring *ring;
	u32 role;
	u32 producer;
};

static struct kipc_ring_hdr *kring_hdr(struct kipc_kring *r)
{
	return r->vaddr;
}

/* The slot of @pos: any u32 masks into the ring, so any value is safe. */
static struct kipc_ring_slot *kring_slot(struct kipc_kring *r, u32 pos)
{
	return r->vaddr + KIPC_RING_HDR_SIZE +
	       ((size_t)(pos & r->mask) << r->slot_shift);
}

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

/* Publish the kernel's view of the ring state; caller holds r->lock. */
static void kring_set_state(struct kipc_kring *r, u32 set, u32 clear)
{
	lockdep_assert_held(&r->lock);
	r->state = (r->state & ~clear) | set;
	WRITE_ONCE(kring_hdr(r)->state, r->state);
}

/*
 * 1 if the consumer has a message to read, 0 if not, -EUCLEAN if the
 * indices cannot be right.
 */
static int kring_readable(struct kipc_kring *r)
{
	struct kipc_ring_hdr *h = kring_hdr(r);
	u32 head = READ_ONCE(h->head);

	if (r->mode == KIPC_RING_SPSC) {
		/* Pairs with the producer's release of tail after the slots. */
		u32 used = smp_load_acquire(&h->tail) - head;

		if (used > r->count)
			return -EUCLEAN;
		return used != 0;
	}
	/* Pairs with the producer's release of the slot's seq. */
	return smp_load_acquire(&kring_slot(r, head)->seq) == head + 1;
}

/* 1 if @n slots are free for producers, 0 if not, -EUCLEAN. */
static int kring_writable(struct kipc_kring *r, u32 n)
{
	struct kipc_ring_hdr *h = kring_hdr(r);
	/* Pairs with the consumer's release of head after freeing slots. */
	u32 used = READ_ONCE(h->tail) - smp_load_acquire(&h->head);

	if (used > r->count)
		return -EUCLEAN;
	return used + n <= r->count;
}

/* Does a live producer claim @pos? Caller holds r->lock. */
static bool kring_claimed_by_live(struct kipc_kring *r, u32 pos)
{
	struct kipc_ring_hdr *h = kring_hdr(r);
	unsigned long map = r->producers;
	unsigned int p;

	for_each_set_bit(p, &map, KIPC_RING_PRODUCERS_MAX) {
		/* Pairs with the producer's release when it clears its claim. */
		u32 rpos = smp_load_acquire(&h->resv[p].pos);
		u32 rn = READ_ONCE(h->resv[p].n);

		if (rpos != KIPC_RING_RESV_NONE && pos - rpos < rn)
			return true;
	}
	return false;
}

/*
 * Publish empty (len KIPC_RING_LEN_SKIP) the positions that dead producers
 * claimed and never published. A position is the dead producer's only if
 * it was claimed (it is below tail, within one lap), is still unpublished
 * and no live producer claims it: a producer records its claim in resv
 * before its compare-and-swap and clears it after publishing, so the
 * winner of a position always shows it there until it is published.
 *
 * Caller holds r->lock. Return: true if anything was published.
 */
static bool kring_reap_orphans(struct kipc_kring *r)
{
	struct kipc_ring_hdr *h = kring_hdr(r);
	bool published = false;
	unsigned int i;
	u32 k;

	lockdep_assert_held(&r->lock);
	for (i = 0; i < ARRAY_SIZE(r->orphans); i++) {
		struct kipc_ring_resv *o = &r->orphans[i];
		bool pending = false;

		if (o->pos == KIPC_RING_RESV_NONE)
			continue;
		for (k = 0; k < o->n; k++) {
			u32 pos = o->pos + k;
			struct kipc_ring_slot *s = kring_slot(r, pos);

			/*
			 * Order matters. tail (acquire) shows pos was claimed
			 * and makes the winner's earlier claim record visible;
			 * then the live claims; then seq (acquire): a live
			 * producer clears its claim only after publishing, so
			 * no claim plus an unpublished seq means no live owner.
			 */
			if (smp_load_acquire(&h->tail) - pos - 1 >= r->count)
				continue;	/* not claimed in this lap */
			if (kring_claimed_by_live(r, pos)) {
				pending = true;
				continue;
			}
			/* Pairs with the producer's release of seq. */
			if (smp_load_acquire(&s->seq) != pos)
				continue;	/* published, or long consumed */
			WRITE_ONCE(s->len, KIPC_RING_LEN_SKIP);
			/* Publish len before seq, as a producer would. */
			smp_store_release(&s->seq, pos + 1);
			published = true;
		}
		cond_resched();
		if (!pending)
			o->pos = KIPC_RING_RESV_NONE;
	}
	return published;
}

/* Remember a dead producer's claim; caller holds r->lock. */
static void kring_add_orphan(struct kipc_kring *r, u32 pos, u32 n)
{
	unsigned int i;

	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < ARRAY_SIZE(r->orphans); i++) {
			if (r->orphans[i].pos == KIPC_RING_RESV_NONE) {
				r->orphans[i].pos = pos;
				r->orphans[i].n = n;
				return;
			}
		}
		kring_reap_orphans(r);
	}
	/*
	 * Each pending entry overlaps a live producer's claim, and there are
	 * at most KIPC_RING_PRODUCERS_MAX of those: a full table means the
	 * claims are stale garbage from a hostile producer. Forget one.
	 */
	r->orphans[0].pos = pos;
	r->orphans[0].n = n;
}

/*
 * Count this side's sleepers and tell the other side there are some. The
 * kernel only ever raises the word: the waker lowers it, and a poller,
 * which the kernel does not count, must not lose it to a waiter leaving.
 */
static void kring_sleepers(struct kipc_kring *r, bool consumer, int delta)
{
	struct kipc_ring_hdr *h = kring_hdr(r);
	unsigned int *nr = consumer ? &r->nr_cons_wait : &r->nr_prod_wait;

	spin_lock(&r->wait_lock);
	*nr += delta;
	if (*nr && consumer)
		WRITE_ONCE(h->cons_sleeping, 1);
	else if (*nr)
		WRITE_ONCE(h->prod_sleeping, 1);
	spin_unlock(&r->wait_lock);
}

/*
 * Can the waiter go on? 1 yes, 0 no, or the error to return. Lockless: it
 * runs with the task already queued to sleep.
 */
static int kring_check(struct kipc_kring_file *rf, u32 n)
{
	struct kipc_kring *r = rf->ring;
	bool consumer = rf->role == KIPC_RING_ROLE_CONSUMER;
	int ret;

	ret = consumer ? kring_readable(r) : kring_writable(r, n);
	if (ret)
		return ret;
	if (READ_ONCE(r->deleted))
		return -EIDRM;
	if (READ_ONCE(r->state) &
	    (consumer ? KIPC_RING_PRODUCER_GONE : KIPC_RING_CONSUMER_GONE))
		return -EPIPE;
	return 0;
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
		if (consumer && r->mode == KIPC_RING_MPSC) {
			if (mutex_lock_killable(&r->lock)) {
				ret = -EINTR;
				break;
			}
			kring_reap_orphans(r);
			mutex_unlock(&r->lock);
		}
		ret = kipc_wait(wq, &dl, kring_wait_ready, &op);
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
	struct kipc_ring_hdr *h = kring_hdr(r);
	bool consumer = rf->role == KIPC_RING_ROLE_CONSUMER;
	__poll_t mask = 0;
	int ready;

	poll_wait(file, consumer ? &r->cons_wq : &r->prod_wq, pt);
	/* A poller sleeps too: ask the other side for a wake-up call. */
	if (consumer)
		WRITE_ONCE(h->cons_sleeping, 1);
	else
		WRITE_ONCE(h->prod_sleeping, 1);
	/* Pairs with the publisher's barrier before it reads that word. */
	smp_mb();
	ready = consumer ? kring_readable(r) : kring_writable(r, 1);
	if (ready < 0)
		mask |= EPOLLERR;
	else if (ready)
		mask |= consumer ? EPOLLIN | EPOLLRDNORM : EPOLLOUT | EPOLLWRNORM;
	if (READ_ONCE(r->state) &
	    (consumer ? KIPC_RING_PRODUCER_GONE : KIPC_RING_CONSUMER_GONE))
		mask |= EPOLLHUP;
	if (READ_ONCE(r->deleted))
		mask |= EPOLLERR | EPOLLHUP;
	return mask;
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
	struct kipc_ring_hdr *h = kring_hdr(r);

	mutex_lock(&r->lock);
	if (rf->role == KIPC_RING_ROLE_CONSUMER) {
		r->consumer = false;
		kring_set_state(r, KIPC_RING_CONSUMER_GONE, 0);
	} else {
		r->producers &= ~BIT_ULL(rf->producer);
		if (r->mode == KIPC_RING_MPSC) {
			u32 pos = READ_ONCE(h->resv[rf->producer].pos);
			u32 n = READ_ONCE(h->resv[rf->producer].n);

			if (pos != KIPC_RING_RESV_NONE && n && n <= r->count)
				kring_add_orphan(r, pos, n);
			WRITE_ONCE(h->resv[rf->producer].pos, KIPC_RING_RESV_NONE);
			kring_reap_orphans(r);
		}
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
	struct kipc_ring_hdr *h;
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

	h = kring_hdr(r);
	h->magic = KIPC_RING_MAGIC;
	h->version = KIPC_RING_VERSION;
	h->mode = r->mode;
	h->slot_count = r->count;
	h->slot_size = r->slot_size;
	for (i = 0; i < KIPC_RING_PRODUCERS_MAX; i++)
		h->resv[i].pos = KIPC_RING_RESV_NONE;
	if (r->mode == KIPC_RING_MPSC)
		for (i = 0; i < r->count; i++)
			kring_slot(r, i)->seq = i;
	for (i = 0; i < ARRAY_SIZE(r->orphans); i++)
		r->orphans[i].pos = KIPC_RING_RESV_NONE;
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

	if (karg->flags || (karg->perm & ~0777))
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
	struct kipc_ring_hdr *h = kring_hdr(r);
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
	WRITE_ONCE(h->resv[p].pos, KIPC_RING_RESV_NONE);
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
	    karg->map_size)
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
	struct kipc_ring_hdr *h = kring_hdr(r);
	u32 used = READ_ONCE(h->tail) - READ_ONCE(h->head);
	u64 cap = (u64)r->count * (r->slot_size - sizeof(struct kipc_ring_slot));

	info->depth = min(used, r->count);
	info->max_msgs = r->count;
	info->max_bytes = min_t(u64, cap, U32_MAX);
	info->msg_max = r->slot_size - sizeof(struct kipc_ring_slot);
	info->nr_senders = READ_ONCE(r->nr_prod_wait);
	info->nr_receivers = READ_ONCE(r->nr_cons_wait);
}
