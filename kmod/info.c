// SPDX-License-Identifier: GPL-2.0
/*
 * KIPC_IOC_STAT and KIPC_IOC_LIST: describe objects.
 *
 * Both take no lock: objects are found by RCU lookups and described from
 * lockless snapshots, so no task can stall them, whatever it holds or
 * waits for.
 */
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include "kipc_internal.h"

/* The object of the fd a command came through. */
static struct kipc_obj *kipc_ctx_self(struct kipc_ctx *ctx)
{
	if (ctx->obj)
		return ctx->obj;
	return ctx->mb ? &ctx->mb->obj : &ctx->ep->obj;
}

/* Fill @info for @obj; the caller holds a reference on it. */
static void kipc_obj_info(struct kipc_obj *obj, struct kipc_info *info)
{
	struct user_namespace *uns = current_user_ns();

	memset(info, 0, sizeof(*info));
	info->id = obj->id;
	info->type = obj->ops->type;
	memcpy(info->name, obj->name, KIPC_NAME_MAX);
	info->name[KIPC_NAME_MAX - 1] = '\0';
	info->uid = from_kuid_munged(uns, READ_ONCE(obj->perm.uid));
	info->gid = from_kgid_munged(uns, READ_ONCE(obj->perm.gid));
	info->cuid = from_kuid_munged(uns, obj->perm.cuid);
	info->cgid = from_kgid_munged(uns, obj->perm.cgid);
	info->mode = READ_ONCE(obj->perm.mode);
	info->creator_ep = obj->creator_ep;
	obj->ops->info(obj, info);
}

/**
 * kipc_ioc_stat() - KIPC_IOC_STAT
 * @ctx:	the fd
 * @arg:	struct kipc_stat
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_stat(struct kipc_ctx *ctx, void *arg)
{
	struct kipc_stat *karg = arg;
	struct kipc_obj *obj;
	char name[KIPC_NAME_MAX];
	int ret;

	ret = kipc_name_copy(name, karg->name);
	if (ret)
		return ret;
	if (karg->type > KIPC_TYPE_MUTEX || (karg->id && name[0]))
		return -EINVAL;
	if (!karg->id && !name[0]) {
		if (karg->type)
			return -EINVAL;
		karg->id = kipc_ctx_self(ctx)->id;
	} else if (name[0] && !karg->type) {
		return -EINVAL;
	}

	if (ctx->mb && karg->id == ctx->mb->obj.id &&
	    (!karg->type || karg->type == KIPC_TYPE_MAILBOX) &&
	    !READ_ONCE(ctx->mb->q.dead)) {
		/* The fd's own mailbox, found even once it is unlinked. */
		obj = &ctx->mb->obj;
		kipc_obj_get(obj);
	} else {
		obj = kipc_obj_lookup(kipc_ctx_ns(ctx), karg->type, karg->id,
				      name);
	}
	if (!obj) {
		if ((ctx->mb || ctx->obj) && karg->id == kipc_ctx_self(ctx)->id)
			return -EIDRM;
		/* As documented: no such endpoint is ESRCH, as for SEND. */
		return karg->type == KIPC_TYPE_ENDPOINT ? -ESRCH : -ENOENT;
	}
	kipc_obj_info(obj, &karg->info);
	kipc_obj_put(obj);
	karg->id = karg->info.id;
	return kipc_copy_out(ctx, karg);
}

static bool kipc_list_wants(const struct kipc_list *l, u32 type)
{
	switch (type) {
	case KIPC_TYPE_ENDPOINT:
		return l->flags & KIPC_LIST_ENDPOINTS;
	case KIPC_TYPE_MAILBOX:
		return l->flags & KIPC_LIST_MAILBOXES;
	case KIPC_TYPE_RING:
		return l->flags & KIPC_LIST_RINGS;
	case KIPC_TYPE_SEM:
		return l->flags & KIPC_LIST_SEMS;
	default:
		return l->flags & KIPC_LIST_MUTEXES;
	}
}

/* Pin up to l->count wanted objects after l->cursor. */
static u32 kipc_list_collect(struct kipc_ns *ns, const struct kipc_list *l,
			     struct kipc_obj **objs)
{
	struct kipc_obj *obj;
	unsigned long idx;
	u32 n = 0;

	if (l->cursor == U64_MAX)
		return 0;
	rcu_read_lock();
	xa_for_each_start(&ns->objs, idx, obj, l->cursor + 1) {
		if (!kipc_list_wants(l, obj->ops->type) ||
		    !refcount_inc_not_zero(&obj->ref))
			continue;
		objs[n] = obj;
		if (++n == l->count)
			break;
	}
	rcu_read_unlock();
	return n;
}

/**
 * kipc_ioc_list() - KIPC_IOC_LIST
 * @ctx:	the fd
 * @arg:	struct kipc_list
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_list(struct kipc_ctx *ctx, void *arg)
{
	struct kipc_list *karg = arg;
	struct kipc_info *infos;
	struct kipc_obj **objs;
	size_t esize;
	u8 __user *dst;
	u32 n, i;
	int ret = 0;

	if (!karg->flags ||
	    (karg->flags & ~(KIPC_LIST_ENDPOINTS | KIPC_LIST_MAILBOXES |
			     KIPC_LIST_RINGS | KIPC_LIST_SEMS |
			     KIPC_LIST_MUTEXES)))
		return -EINVAL;
	if (!karg->count || karg->count > KIPC_LIST_MAX)
		return -EINVAL;
	if (karg->entry_size < KIPC_INFO_SIZE_VER0 ||
	    karg->entry_size > KIPC_USIZE_MAX)
		return -EINVAL;

	infos = kvcalloc(karg->count, sizeof(*infos), GFP_KERNEL_ACCOUNT);
	objs = kvcalloc(karg->count, sizeof(*objs), GFP_KERNEL_ACCOUNT);
	if (!infos || !objs) {
		ret = -ENOMEM;
		goto out;
	}

	n = kipc_list_collect(kipc_ctx_ns(ctx), karg, objs);
	for (i = 0; i < n; i++) {
		kipc_obj_info(objs[i], &infos[i]);
		kipc_obj_put(objs[i]);
	}

	dst = u64_to_user_ptr(karg->entries);
	esize = min_t(size_t, karg->entry_size, sizeof(*infos));
	for (i = 0; i < n; i++, dst += karg->entry_size) {
		if (copy_to_user(dst, &infos[i], esize) ||
		    clear_user(dst + esize, karg->entry_size - esize)) {
			ret = -EFAULT;
			goto out;
		}
	}
	if (n)
		karg->cursor = infos[n - 1].id;
	karg->count = n;
	ret = kipc_copy_out(ctx, karg);
out:
	kvfree(objs);
	kvfree(infos);
	return ret;
}
