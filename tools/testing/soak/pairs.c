// SPDX-License-Identifier: MIT
/*
 * The traffic pattern: sender i sends directly to worker i+1, to mailboxes
 * i and 5i+3, and produces into ring i (MPSC, several producers each).
 * Worker j receives its inbox, mailbox j (shared with the other workers
 * j mod mboxes) and consumes ring j if j < rings.
 */
#include "soak.h"

void pair_target(const struct soak_cfg *c, unsigned int pair,
		 unsigned int *kind, unsigned int *index)
{
	unsigned int i = pair / SOAK_TARGETS;

	switch (pair % SOAK_TARGETS) {
	case 0:
		*kind = Q_DIRECT;
		*index = (i + 1) % c->procs;
		break;
	case 1:
		*kind = Q_MBOX;
		*index = i % c->mboxes;
		break;
	case 2:
		*kind = Q_MBOX;
		*index = (5 * i + 3) % c->mboxes;
		break;
	default:
		*kind = Q_RING;
		*index = i % c->rings;
		break;
	}
}
