/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kipc trace events: the life of a message (send, enqueue, wake-up,
 * receive, drop), calls and replies, and ring waits and wake-ups. Queues
 * are named by the id of the endpoint or mailbox they belong to; errors
 * are negative errnos (a timeout is -ETIMEDOUT). See docs/tracing.md.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM kipc

#if !defined(_KIPC_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _KIPC_TRACE_H

#include <linux/tracepoint.h>

/* A message leaves its sender: ret 0 once it is queued (or taken). */
TRACE_EVENT(kipc_send,
	    TP_PROTO(u64 sender, u64 queue, u32 len, u32 prio, u32 flags,
		     int ret),
	    TP_ARGS(sender, queue, len, prio, flags, ret),
	    TP_STRUCT__entry(__field(u64, sender)
			     __field(u64, queue)
			     __field(u32, len)
			     __field(u32, prio)
			     __field(u32, flags)
			     __field(int, ret)),
	    TP_fast_assign(__entry->sender = sender;
			   __entry->queue = queue;
			   __entry->len = len;
			   __entry->prio = prio;
			   __entry->flags = flags;
			   __entry->ret = ret;),
	    TP_printk("sender=%llu queue=%llu len=%u prio=%u flags=0x%x ret=%d",
		      __entry->sender, __entry->queue, __entry->len,
		      __entry->prio, __entry->flags, __entry->ret)
);

/* A message joins a queue; depth counts it. */
TRACE_EVENT(kipc_enqueue,
	    TP_PROTO(u64 queue, u64 sender, u32 len, u32 prio, u32 depth,
		     bool parked),
	    TP_ARGS(queue, sender, len, prio, depth, parked),
	    TP_STRUCT__entry(__field(u64, queue)
			     __field(u64, sender)
			     __field(u32, len)
			     __field(u32, prio)
			     __field(u32, depth)
			     __field(bool, parked)),
	    TP_fast_assign(__entry->queue = queue;
			   __entry->sender = sender;
			   __entry->len = len;
			   __entry->prio = prio;
			   __entry->depth = depth;
			   __entry->parked = parked;),
	    TP_printk("queue=%llu sender=%llu len=%u prio=%u depth=%u parked=%d",
		      __entry->queue, __entry->sender, __entry->len,
		      __entry->prio, __entry->depth, __entry->parked)
);

/* Blocked receivers (or senders) of a queue are woken. */
TRACE_EVENT(kipc_wake,
	    TP_PROTO(u64 queue, bool receivers, u32 waiting),
	    TP_ARGS(queue, receivers, waiting),
	    TP_STRUCT__entry(__field(u64, queue)
			     __field(bool, receivers)
			     __field(u32, waiting)),
	    TP_fast_assign(__entry->queue = queue;
			   __entry->receivers = receivers;
			   __entry->waiting = waiting;),
	    TP_printk("queue=%llu %s waiting=%u", __entry->queue,
		      __entry->receivers ? "receivers" : "senders",
		      __entry->waiting)
);

/* A receive ends: ret 0 with the message, else its error. */
TRACE_EVENT(kipc_recv,
	    TP_PROTO(u64 receiver, u64 queue, u64 sender, u32 len, u32 prio,
		     bool peek, int ret),
	    TP_ARGS(receiver, queue, sender, len, prio, peek, ret),
	    TP_STRUCT__entry(__field(u64, receiver)
			     __field(u64, queue)
			     __field(u64, sender)
			     __field(u32, len)
			     __field(u32, prio)
			     __field(bool, peek)
			     __field(int, ret)),
	    TP_fast_assign(__entry->receiver = receiver;
			   __entry->queue = queue;
			   __entry->sender = sender;
			   __entry->len = len;
			   __entry->prio = prio;
			   __entry->peek = peek;
			   __entry->ret = ret;),
	    TP_printk("receiver=%llu queue=%llu sender=%llu len=%u prio=%u peek=%d ret=%d",
		      __entry->receiver, __entry->queue, __entry->sender,
		      __entry->len, __entry->prio, __entry->peek, __entry->ret)
);

/* A queued message is discarded (its queue died, or its sender withdrew it). */
TRACE_EVENT(kipc_drop,
	    TP_PROTO(u64 queue, u64 sender, u32 len, int reason),
	    TP_ARGS(queue, sender, len, reason),
	    TP_STRUCT__entry(__field(u64, queue)
			     __field(u64, sender)
			     __field(u32, len)
			     __field(int, reason)),
	    TP_fast_assign(__entry->queue = queue;
			   __entry->sender = sender;
			   __entry->len = len;
			   __entry->reason = reason;),
	    TP_printk("queue=%llu sender=%llu len=%u reason=%d", __entry->queue,
		      __entry->sender, __entry->len, __entry->reason)
);

/* A call ends for its caller: ret the reply length, or the error. */
TRACE_EVENT(kipc_call,
	    TP_PROTO(u64 caller, u64 token, u32 len, int ret),
	    TP_ARGS(caller, token, len, ret),
	    TP_STRUCT__entry(__field(u64, caller)
			     __field(u64, token)
			     __field(u32, len)
			     __field(int, ret)),
	    TP_fast_assign(__entry->caller = caller;
			   __entry->token = token;
			   __entry->len = len;
			   __entry->ret = ret;),
	    TP_printk("caller=%llu token=%llu len=%u ret=%d", __entry->caller,
		      __entry->token, __entry->len, __entry->ret)
);

/* A server answers a request. */
TRACE_EVENT(kipc_reply,
	    TP_PROTO(u64 server, u64 token, u32 len, int ret),
	    TP_ARGS(server, token, len, ret),
	    TP_STRUCT__entry(__field(u64, server)
			     __field(u64, token)
			     __field(u32, len)
			     __field(int, ret)),
	    TP_fast_assign(__entry->server = server;
			   __entry->token = token;
			   __entry->len = len;
			   __entry->ret = ret;),
	    TP_printk("server=%llu token=%llu len=%u ret=%d", __entry->server,
		      __entry->token, __entry->len, __entry->ret)
);

/* A RING_WAIT ends: ret 0 when the side may go on. */
TRACE_EVENT(kipc_ring_wait,
	    TP_PROTO(u64 ring, bool consumer, u32 n, int ret),
	    TP_ARGS(ring, consumer, n, ret),
	    TP_STRUCT__entry(__field(u64, ring)
			     __field(bool, consumer)
			     __field(u32, n)
			     __field(int, ret)),
	    TP_fast_assign(__entry->ring = ring;
			   __entry->consumer = consumer;
			   __entry->n = n;
			   __entry->ret = ret;),
	    TP_printk("ring=%llu %s n=%u ret=%d", __entry->ring,
		      __entry->consumer ? "consumer" : "producer", __entry->n,
		      __entry->ret)
);

/* A side asks the kernel to wake the other (RING_WAKE). */
TRACE_EVENT(kipc_ring_wake,
	    TP_PROTO(u64 ring, bool consumer),
	    TP_ARGS(ring, consumer),
	    TP_STRUCT__entry(__field(u64, ring)
			     __field(bool, consumer)),
	    TP_fast_assign(__entry->ring = ring;
			   __entry->consumer = consumer;),
	    TP_printk("ring=%llu wakes %s", __entry->ring,
		      __entry->consumer ? "producers" : "the consumer")
);

#endif /* _KIPC_TRACE_H */

/* Out of tree: the header is found next to this file (Kbuild adds -I). */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
