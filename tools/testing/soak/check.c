// SPDX-License-Identifier: MIT
/*
 * Accounting of one received message: intact (seqmsg checksum), from the
 * queue its pair sends to, stamped with its sender's endpoint, first time
 * seen (a shared bitmap per pair), and later than the last one this
 * receiver saw of that pair (each pair has one priority, so FIFO holds).
 */
#include "soak.h"

#include "../../include/seqmsg.h"

#define ADD(p)	__atomic_fetch_add(&(p), 1, __ATOMIC_RELAXED)

void soak_deliver(struct soak_shared *sh, uint64_t *last, unsigned int kind,
		  unsigned int index, uint64_t sender_id, const void *buf,
		  uint32_t len)
{
	const struct soak_cfg *c = &sh->cfg;
	unsigned int pk, pi, pair;
	struct seqmsg m;
	uint8_t bit, old;

	if (seqmsg_check(buf, len, &m) || m.src >= c->procs * SOAK_TARGETS ||
	    m.seq >= SOAK_SEQ_MAX) {
		ADD(sh->corrupt);
		return;
	}
	pair = m.src;
	pair_target(c, pair, &pk, &pi);
	if (pk != kind || pi != index ||
	    (kind != Q_RING && sender_id != sh->ep_id[pair / SOAK_TARGETS])) {
		ADD(sh->misrouted);
		return;
	}
	bit = (uint8_t)(1U << (m.seq & 7));
	old = __atomic_fetch_or(&sh->seen[pair][m.seq / 8], bit, __ATOMIC_RELAXED);
	if (old & bit) {
		ADD(sh->dup);
		return;
	}
	/* last[] holds seq + 1, so 0 means nothing seen yet. */
	if (m.seq + 1 <= last[pair])
		ADD(sh->reordered);
	last[pair] = m.seq + 1;
	ADD(sh->recvd[pair]);
	ADD(sh->total_recvd);
}
