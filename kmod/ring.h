/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kipc rings, private to ring.c and ring_shared.c.
 *
 * ring.c is the ring as an object: creation, lookup, permissions, roles,
 * deletion, the ring fd and its mapping. ring_shared.c is the only code
 * that reads or writes the ring's memory, which every attached process can
 * write at any time: all it reads there is untrusted, so it can be audited
 * on its own. ring.c never dereferences the mapping.
 */
#ifndef _KIPC_RING_H
#define _KIPC_RING_H

#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/wait.h>
#include <linux/kipc_ring.h>
#include "kipc_internal.h"

/**
 * struct kipc_kring - a ring
 * @obj:	object header (type KIPC_TYPE_RING); every ring fd holds a
 *		reference (a mapping holds the fd's file)
 * @lock:	protects @deleted, @producers, @consumer,
 *		@had_producer, @had_consumer and @state; serializes the
 *		kernel's writes to the shared header's @state and @resv words
 *		and to slots it makes empty
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
 * @version:	KIPC_RING_VERSION_1 or _2, the layout in the header; immutable
 * @deleted:	KIPC_IOC_RING_DELETE done; also read without @lock
 * @producers:	bitmap of attached producer numbers
 * @consumer:	a consumer is attached
 * @had_producer: a producer attached at some point
 * @had_consumer: a consumer attached at some point
 * @state:	KIPC_RING_*_GONE and KIPC_RING_DELETED, mirrored to the header;
 *		also read without @lock, with acquire
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
	u32 version;
	bool deleted;
	u64 producers;
	bool consumer;
	bool had_producer;
	bool had_consumer;
	u32 state;
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

/* ring_shared.c: everything that touches the ring's memory. */
void kring_shared_init(struct kipc_kring *r);
void kring_set_state(struct kipc_kring *r, u32 set, u32 clear);
void kring_producer_attached(struct kipc_kring *r, unsigned int p);
void kring_producer_detached(struct kipc_kring *r, unsigned int p);
void kring_reap_head(struct kipc_kring *r);
void kring_sleepers(struct kipc_kring *r, bool consumer, int delta);
int kring_check(struct kipc_kring_file *rf, u32 n);
__poll_t kring_poll_mask(struct kipc_kring_file *rf);
u32 kring_depth(struct kipc_kring *r);

#endif /* _KIPC_RING_H */
