/* SPDX-License-Identifier: MIT */
/* Every transport, in the order of the table: baselines first. */
#include <string.h>

#include "bench.h"

extern const struct transport transport_pipe, transport_seqpacket,
	transport_posix_mq, transport_sysv_msg, transport_eventfd_shm,
	transport_eventfd_pingpong, transport_futex_shm,
	transport_kipc_direct, transport_kipc_mbox, transport_kipc_mbox_rw,
	transport_kipc_rendezvous,
	transport_kipc_call, transport_kipc_mbox_batch,
	transport_kipc_mbox_sendrecv, transport_kipc_uring_b16,
	transport_kipc_uring_b64, transport_kipc_uring_sqpoll,
	transport_kipc_uring_x64,
	transport_ring_spsc, transport_ring_spsc_zc,
	transport_ring_mpsc, transport_ring_mpsc_zc, transport_memfd_spsc,
	transport_memfd_spsc_zc, transport_memfd_mpsc, transport_memfd_mpsc_zc,
	transport_memfd_spsc_1copy, transport_memfd_spsc_poll,
	transport_memfd_spsc_zc_poll, transport_spscq, transport_cacheline,
	transport_memcpy;

const struct transport *const bench_transports[] = {
	&transport_pipe,
	&transport_seqpacket,
	&transport_posix_mq,
	&transport_sysv_msg,
	&transport_eventfd_shm,
	&transport_eventfd_pingpong,
	&transport_futex_shm,
	&transport_kipc_direct,
	&transport_kipc_mbox,
	&transport_kipc_mbox_rw,
	&transport_kipc_rendezvous,
	&transport_kipc_call,
	&transport_kipc_mbox_batch,
	&transport_kipc_mbox_sendrecv,
	&transport_kipc_uring_b16,
	&transport_kipc_uring_b64,
	&transport_kipc_uring_sqpoll,
	&transport_kipc_uring_x64,
	&transport_ring_spsc,
	&transport_ring_spsc_zc,
	&transport_ring_mpsc,
	&transport_ring_mpsc_zc,
	&transport_memfd_spsc,
	&transport_memfd_spsc_zc,
	&transport_memfd_mpsc,
	&transport_memfd_mpsc_zc,
	&transport_memfd_spsc_1copy,
	&transport_memfd_spsc_poll,
	&transport_memfd_spsc_zc_poll,
	&transport_spscq,
	&transport_cacheline,
	&transport_memcpy,
	NULL
};

const struct transport *transport_find(const char *name)
{
	unsigned int i;

	for (i = 0; bench_transports[i]; i++)
		if (!strcmp(bench_transports[i]->name, name))
			return bench_transports[i];
	return NULL;
}
