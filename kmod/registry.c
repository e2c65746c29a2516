// SPDX-License-Identifier: GPL-2.0
/*
 * kipc registry: one struct kipc_ns per IPC namespace holding the ids and
 * names of its endpoints and mailboxes, plus STAT and LIST.
 *
 * A kipc_ns is created when the first endpoint of its IPC namespace opens
 * and freed when its last object goes. It pins the ipc_namespace so the
 * pointer used as lookup key cannot be recycled while it is in use.
 */
#include <linux/atomic.h>
#include <linux/ipc_namespace.h>
#include <linux/mm.h>
#include <linux/nsproxy.h>
#include <linux/pid.h>
#include <linux/proc_ns.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/stringhash.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include "kipc.h"

/* Ids are xarray indices. */
static_assert(sizeof(unsigned long) == sizeof(u64));

static LIST_HEAD(kipc_ns_list);		/* under kipc_ns_mutex */
static DEFINE_MUTEX(kipc_ns_mutex);
static atomic64_t kipc_id_counter = ATOMIC64_INIT(0);

/**
 * kipc_next_id() - allocate an endpoint or mailbox id
 *
 * Return: a 64-bit id never returned before (the counter cannot wrap in
 * practice).
 */
u64 kipc_next_id(void)
{
	return atomic64_inc_return(&kipc_id_counter);
}

static void kipc_put_ipc_ns(struct ipc_namespace *ipc_ns)
{
#ifdef KIPC_HAVE_PUT_IPC_NS
	put_ipc_ns(ipc_ns);
#else
	/*
	 * Older kernels (Kbuild checks Module.symvers) do not export
	 * put_ipc_ns(); the namespace's proc_ns_operations.put is that same
	 * function. Without CONFIG_IPC_NS, get_ipc_ns() took no reference
	 * (there is only init_ipc_ns), so there is none to drop.
	 */
#ifdef CONFIG_IPC_NS
	ipc_ns->ns.ops->put(&ipc_ns->ns);
#endif
#endif
}

/**
 * kipc_ns_get_current() - kipc state of the current IPC namespace
 *
 * Creates it on first use.
 *
 * Return: the kipc_ns with a reference for the caller, or NULL.
 */
struct kipc_ns *kipc_ns_get_current(void)
{
	struct ipc_namespace *ipc_ns = current->nsproxy->ipc_ns;
	struct kipc_ns *ns;

	mutex_lock(&kipc_ns_mutex);
	list_for_each_entry(ns, &kipc_ns_list, node) {
		if (ns->ipc_ns == ipc_ns) {
			refcount_inc(&ns->refs);
			goto out;
		}
	}
	ns = kzalloc(sizeof(*ns), GFP_KERNEL_ACCOUNT);
	if (!ns)
		goto out;
	ns->ipc_ns = get_ipc_ns(ipc_ns);
	refcount_set(&ns->refs, 1);
	mutex_init(&ns->lock);
	xa_init(&ns->objs);
	hash_init(ns->names);
	list_add(&ns->node, &kipc_ns_list);
out:
	mutex_unlock(&kipc_ns_mutex);
	return ns;
}

/**
 * kipc_ns_put() - drop a reference; the last one frees the kipc_ns
 * @ns:		the namespace state
 */
void kipc_ns_put(struct kipc_ns *ns)
{
	if (!refcount_dec_and_mutex_lock(&ns->refs, &kipc_ns_mutex))
		return;
	list_del(&ns->node);
	mutex_unlock(&kipc_ns_mutex);
	WARN_ON(!xa_empty(&ns->objs));
	xa_destroy(&ns->objs);
	mutex_destroy(&ns->lock);
	kipc_put_ipc_ns(ns->ipc_ns);
	kfree(ns);
}

/**
 * kipc_name_copy() - validate a user-supplied name
 * @dst:	KIPC_NAME_MAX bytes, zero-filled past the name on return
 * @src:	KIPC_NAME_MAX bytes from user space (already copied in)
 *
 * Return: 0 or -ENAMETOOLONG if @src has no NUL.
 */
int kipc_name_copy(char *dst, const char *src)
{
	size_t len = strnlen(src, KIPC_NAME_MAX);

	if (len == KIPC_NAME_MAX)
		return -ENAMETOOLONG;
	memset(dst, 0, KIPC_NAME_MAX);
	memcpy(dst, src, len);
	return 0;
}

static u32 kipc_name_hash(const char *name)
{
	return full_name_hash(NULL, name, strlen(name));
}

/**
 * kipc_name_find() - look a name up; caller holds @ns->lock
 * @ns:		namespace
 * @type:	KIPC_TYPE_ENDPOINT or KIPC_TYPE_MAILBOX
 * @name:	non-empty NUL-terminated name
 *
 * Return: the object or NULL.
 */
struct kipc_obj *kipc_name_find(struct kipc_ns *ns, u32 type, const char *name)
{
	struct kipc_obj *obj;

	lockdep_assert_held(&ns->lock);
	hash_for_each_possible(ns->names, obj, name_node, kipc_name_hash(name))
		if (obj->type == type && !strcmp(obj->name, name))
			return obj;
	return NULL;
}

/**
 * kipc_obj_hash() - make a named object findable; caller holds ns->lock
 * @obj:	object with a non-empty name
 */
void kipc_obj_hash(struct kipc_obj *obj)
{
	lockdep_assert_held(&obj->ns->lock);
	hash_add(obj->ns->names, &obj->name_node, kipc_name_hash(obj->name));
}

/**
 * kipc_obj_unhash() - remove an object from its namespace's id and name
 *	indexes; caller holds ns->lock
 * @obj:	a registered object
 */
void kipc_obj_unhash(struct kipc_obj *obj)
{
	lockdep_assert_held(&obj->ns->lock);
	xa_erase(&obj->ns->objs, obj->id);
	if (obj->name[0])
		hash_del(&obj->name_node);
}

/**
 * kipc_ep_lookup() - find a live endpoint by id
 * @ns:		namespace
 * @id:		endpoint id
 *
 * Return: the endpoint with a reference (kipc_ep_put()), or NULL.
 */
struct kipc_endpoint *kipc_ep_lookup(struct kipc_ns *ns, u64 id)
{
	struct kipc_endpoint *ep = NULL;
	struct kipc_obj *obj;

	mutex_lock(&ns->lock);
	obj = xa_load(&ns->objs, id);
	if (obj && obj->type == KIPC_TYPE_ENDPOINT) {
		ep = container_of(obj, struct kipc_endpoint, obj);
		kref_get(&ep->ref);
	}
	mutex_unlock(&ns->lock);
	return ep;
}

/**
 * kipc_mbox_lookup() - find a mailbox by id, or by name when @id is 0
 * @ns:		namespace
 * @id:		mailbox id or 0
 * @name:	name, used when @id is 0
 *
 * Return: the mailbox with a reference (kipc_mbox_put()), or NULL.
 */
struct kipc_mbox *kipc_mbox_lookup(struct kipc_ns *ns, u64 id,
				   const char *name)
{
	struct kipc_mbox *mb = NULL;
	struct kipc_obj *obj;

	mutex_lock(&ns->lock);
	if (id)
		obj = xa_load(&ns->objs, id);
	else
		obj = kipc_name_find(ns, KIPC_TYPE_MAILBOX, name);
	if (obj && obj->type == KIPC_TYPE_MAILBOX) {
		mb = container_of(obj, struct kipc_mbox, obj);
		kref_get(&mb->ref);
	}
	mutex_unlock(&ns->lock);
	return mb;
}

/*
 * STAT and LIST describe objects with ns->lock dropped: describing one
 * takes its queue or ring lock, which a receiver may hold across a page
 * fault, and that must not stall the whole namespace. These pin @obj.
 */
static void kipc_obj_get(struct kipc_obj *obj)
{
	lockdep_assert_held(&obj->ns->lock);
	if (obj->type == KIPC_TYPE_ENDPOINT)
		kref_get(&container_of(obj, struct kipc_endpoint, obj)->ref);
	else if (obj->type == KIPC_TYPE_MAILBOX)
		kref_get(&container_of(obj, struct kipc_mbox, obj)->ref);
	else
		kipc_ring_get(obj);
}

static void kipc_obj_put(struct kipc_obj *obj)
{
	if (obj->type == KIPC_TYPE_ENDPOINT)
		kipc_ep_put(container_of(obj, struct kipc_endpoint, obj));
	else if (obj->type == KIPC_TYPE_MAILBOX)
		kipc_mbox_put(container_of(obj, struct kipc_mbox, obj));
	else
		kipc_ring_put(obj);
}

/* Fill @info for @obj; the caller holds a reference on it. */
static void kipc_obj_info(struct kipc_obj *obj, struct kipc_info *info)
{
	struct user_namespace *uns = current_user_ns();

	memset(info, 0, sizeof(*info));
	info->id = obj->id;
	info->type = obj->type;
	memcpy(info->name, obj->name, KIPC_NAME_MAX);

	if (obj->type == KIPC_TYPE_ENDPOINT) {
		struct kipc_endpoint *ep =
			container_of(obj, struct kipc_endpoint, obj);

		info->uid = from_kuid_munged(uns, ep->uid);
		info->gid = from_kgid_munged(uns, ep->gid);
		info->pid = pid_vnr(ep->pid);
		kipc_queue_info(&ep->inbox, info);
	} else if (obj->type == KIPC_TYPE_RING) {
		kipc_ring_info(obj, info);
	} else {
		struct kipc_mbox *mb = container_of(obj, struct kipc_mbox, obj);

		info->creator_ep = mb->creator_ep;
		if (mb->owned)
			info->flags |= KIPC_INFO_OWNED;
		mutex_lock(&mb->q.lock);
		info->uid = from_kuid_munged(uns, mb->uid);
		info->gid = from_kgid_munged(uns, mb->gid);
		info->mode = mb->mode;
		mutex_unlock(&mb->q.lock);
		kipc_queue_info(&mb->q, info);
	}
}

/**
 * kipc_ioc_stat() - KIPC_IOC_STAT
 * @ctx:	the fd
 * @uarg:	struct kipc_stat
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_stat(struct kipc_ctx *ctx, void __user *uarg)
{
	struct kipc_ns *ns = ctx->ep->obj.ns;
	struct kipc_stat karg;
	struct kipc_obj *obj;
	char name[KIPC_NAME_MAX];
	size_t usize;
	int ret;

	ret = kipc_copy_arg(&karg, sizeof(karg), KIPC_STAT_SIZE_VER0, uarg,
			    &usize);
	if (ret)
		return ret;
	ret = kipc_name_copy(name, karg.name);
	if (ret)
		return ret;
	if (karg.type > KIPC_TYPE_RING || (karg.id && name[0]))
		return -EINVAL;
	if (!karg.id && !name[0]) {
		if (karg.type)
			return -EINVAL;
		if (ctx->mb)
			karg.id = ctx->mb->obj.id;
		else
			karg.id = ctx->ep->obj.id;
	} else if (name[0] && !karg.type) {
		return -EINVAL;
	}

	mutex_lock(&ns->lock);
	if (karg.id)
		obj = xa_load(&ns->objs, karg.id);
	else
		obj = kipc_name_find(ns, karg.type, name);
	if (obj && karg.type && obj->type != karg.type)
		obj = NULL;
	if (obj)
		kipc_obj_get(obj);
	mutex_unlock(&ns->lock);
	if (obj) {
		kipc_obj_info(obj, &karg.info);
		kipc_obj_put(obj);
	}
	if (!obj) {
		if (ctx->mb && karg.id == ctx->mb->obj.id)
			return -EIDRM;
		/* As documented: no such endpoint is ESRCH, as for SEND. */
		return karg.type == KIPC_TYPE_ENDPOINT ? -ESRCH : -ENOENT;
	}

	karg.id = karg.info.id;
	return copy_to_user(uarg, &karg, usize) ? -EFAULT : 0;
}

/**
 * kipc_ioc_list() - KIPC_IOC_LIST
 * @ctx:	the fd
 * @uarg:	struct kipc_list
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_list(struct kipc_ctx *ctx, void __user *uarg)
{
	struct kipc_ns *ns = ctx->ep->obj.ns;
	struct kipc_info *infos;
	struct kipc_obj **objs;
	struct kipc_list karg;
	struct kipc_obj *obj;
	unsigned long idx;
	u32 n = 0, i;
	size_t usize, esize;
	u8 __user *dst;
	int ret = 0;

	ret = kipc_copy_arg(&karg, sizeof(karg), KIPC_LIST_SIZE_VER0, uarg,
			    &usize);
	if (ret)
		return ret;
	if (!karg.flags ||
	    (karg.flags & ~(KIPC_LIST_ENDPOINTS | KIPC_LIST_MAILBOXES |
			    KIPC_LIST_RINGS)))
		return -EINVAL;
	if (!karg.count || karg.count > KIPC_LIST_MAX)
		return -EINVAL;
	if (karg.entry_size < KIPC_INFO_SIZE_VER0 ||
	    karg.entry_size > KIPC_USIZE_MAX)
		return -EINVAL;

	infos = kvcalloc(karg.count, sizeof(*infos), GFP_KERNEL_ACCOUNT);
	objs = kvcalloc(karg.count, sizeof(*objs), GFP_KERNEL_ACCOUNT);
	if (!infos || !objs) {
		ret = -ENOMEM;
		goto out;
	}

	if (karg.cursor != U64_MAX) {
		mutex_lock(&ns->lock);
		xa_for_each_start(&ns->objs, idx, obj, karg.cursor + 1) {
			if (obj->type == KIPC_TYPE_ENDPOINT &&
			    !(karg.flags & KIPC_LIST_ENDPOINTS))
				continue;
			if (obj->type == KIPC_TYPE_MAILBOX &&
			    !(karg.flags & KIPC_LIST_MAILBOXES))
				continue;
			if (obj->type == KIPC_TYPE_RING &&
			    !(karg.flags & KIPC_LIST_RINGS))
				continue;
			kipc_obj_get(obj);
			objs[n] = obj;
			if (++n == karg.count)
				break;
		}
		mutex_unlock(&ns->lock);
	}
	for (i = 0; i < n; i++) {
		kipc_obj_info(objs[i], &infos[i]);
		kipc_obj_put(objs[i]);
	}

	dst = u64_to_user_ptr(karg.entries);
	esize = min_t(size_t, karg.entry_size, sizeof(*infos));
	for (i = 0; i < n; i++, dst += karg.entry_size) {
		if (copy_to_user(dst, &infos[i], esize) ||
		    clear_user(dst + esize, karg.entry_size - esize)) {
			ret = -EFAULT;
			goto out;
		}
	}
	if (n)
		karg.cursor = infos[n - 1].id;
	karg.count = n;
	if (copy_to_user(uarg, &karg, usize))
		ret = -EFAULT;
out:
	kvfree(objs);
	kvfree(infos);
	return ret;
}

/**
 * kipc_registry_exit() - delete every remaining mailbox and ring at module
 *	exit
 *
 * No fd or ring mapping exists any more (each holds a module reference),
 * so only persistent mailboxes and rings are left; deleting them frees
 * their namespaces.
 */
void kipc_registry_exit(void)
{
	struct kipc_ns *ns;
	struct kipc_obj *obj;
	unsigned long idx;

	for (;;) {
		struct kipc_mbox *mb = NULL;
		struct kipc_obj *ring = NULL;

		mutex_lock(&kipc_ns_mutex);
		ns = list_first_entry_or_null(&kipc_ns_list, struct kipc_ns,
					      node);
		if (ns)
			refcount_inc(&ns->refs);
		mutex_unlock(&kipc_ns_mutex);
		if (!ns)
			return;

		mutex_lock(&ns->lock);
		xa_for_each(&ns->objs, idx, obj) {
			if (obj->type == KIPC_TYPE_RING) {
				kipc_ring_get(obj);
				ring = obj;
				break;
			}
			if (WARN_ON(obj->type != KIPC_TYPE_MAILBOX))
				continue;
			mb = container_of(obj, struct kipc_mbox, obj);
			kref_get(&mb->ref);
			break;
		}
		mutex_unlock(&ns->lock);
		if (mb) {
			kipc_mbox_kill(mb);
			kipc_mbox_put(mb);
		}
		if (ring)
			kipc_ring_kill_put(ring);
		kipc_ns_put(ns);
		/* A namespace without mailboxes or rings cannot be left at exit. */
		if (WARN_ON(!mb && !ring))
			return;
	}
}
