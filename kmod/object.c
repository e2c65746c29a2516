// SPDX-License-Identifier: GPL-2.0
/*
 * The kipc object model, as ipc/util.c's kern_ipc_perm: endpoints,
 * mailboxes, rings, semaphores and mutexes start with a struct kipc_obj and differ only in
 * their struct kipc_obj_ops. This file creates, registers, finds,
 * permission-checks, deletes and frees them.
 *
 * Registration (and deletion) take the namespace's mutex; lookups by id or
 * name take no lock at all: the id index is an xarray and the name index
 * an RCU hash list, and the memory of an object is freed only after a
 * grace period, so a lookup that races with the final put sees a zero
 * reference count and fails as if the object were already gone.
 */
#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/ipc_namespace.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/stringhash.h>
#include <linux/user_namespace.h>
#include "kipc_internal.h"

/* Ids are xarray indices. */
static_assert(sizeof(unsigned long) == sizeof(u64));
/* kipc_obj_put() frees the object through its header. */
static_assert(offsetof(struct kipc_endpoint, obj) == 0);
static_assert(offsetof(struct kipc_mbox, obj) == 0);

static atomic64_t kipc_id_counter = ATOMIC64_INIT(0);

/**
 * kipc_next_id() - allocate an object id
 *
 * Return: a 64-bit id never returned before (the counter cannot wrap in
 * practice).
 */
u64 kipc_next_id(void)
{
	return atomic64_inc_return(&kipc_id_counter);
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

/* Find a registered name; under rcu_read_lock() or @ns->lock. */
static struct kipc_obj *kipc_name_find(struct kipc_ns *ns, u32 type,
				       const char *name)
{
	struct kipc_obj *obj;

	hash_for_each_possible_rcu(ns->names, obj, name_node,
				   kipc_name_hash(name),
				   lockdep_is_held(&ns->lock))
		if (obj->ops->type == type && !strcmp(obj->name, name))
			return obj;
	return NULL;
}

/**
 * kipc_obj_init() - fill the header of a new object
 * @obj:	zeroed header
 * @ops:	its type
 * @ns:		namespace (a reference is taken)
 * @uname:	KIPC_NAME_MAX bytes of name from user space, or NULL
 * @mode:	permission bits
 * @creator_ep:	creating endpoint's id, 0 for an endpoint
 *
 * Owner and creator are the current task's euid and egid. The caller
 * holds the one reference; kipc_obj_put() frees an object whether or not
 * it was ever registered or charged.
 *
 * Return: 0 or -ENAMETOOLONG (@obj then holds nothing).
 */
int kipc_obj_init(struct kipc_obj *obj, const struct kipc_obj_ops *ops,
		  struct kipc_ns *ns, const char *uname, umode_t mode,
		  u64 creator_ep)
{
	int ret;

	if (uname) {
		ret = kipc_name_copy(obj->name, uname);
		if (ret)
			return ret;
	}
	obj->id = kipc_next_id();
	obj->ops = ops;
	obj->ns = ns;
	kipc_ns_get(ns);
	refcount_set(&obj->ref, 1);
	INIT_HLIST_NODE(&obj->name_node);
	obj->perm = (struct kipc_perm) {
		.uid = current_euid(),
		.gid = current_egid(),
		.cuid = current_euid(),
		.cgid = current_egid(),
		.mode = mode,
	};
	obj->creator_ep = creator_ep;
	return 0;
}

/**
 * kipc_obj_charge() - charge a new object to the current task's accounts
 * @obj:	initialised, unregistered object
 * @kind:	what it counts against
 * @footprint:	bytes it holds
 *
 * Released once, when the object is freed.
 *
 * Return: 0, -EDQUOT or -ENOMEM.
 */
int kipc_obj_charge(struct kipc_obj *obj, enum kipc_charge_kind kind,
		    size_t footprint)
{
	int ret;

	ret = kipc_charge_current(&obj->charge);
	if (ret)
		return ret;
	ret = kipc_charge_add(&obj->charge, kind, footprint);
	if (ret) {
		kipc_charge_release(&obj->charge);
		return ret;
	}
	obj->kind = kind;
	obj->footprint = footprint;
	return 0;
}

/**
 * kipc_obj_register() - make an object findable by id and name
 * @obj:	initialised object; on success the registry holds a reference
 *		of its own
 *
 * Return: 0, -ENOSPC (the namespace's mailbox or ring cap), -EEXIST (name
 * taken by an object of the same type), -ENOMEM or -EINTR (killed).
 */
int kipc_obj_register(struct kipc_obj *obj)
{
	struct kipc_ns *ns = obj->ns;
	u32 type = obj->ops->type;
	int ret = 0;

	if (mutex_lock_killable(&ns->lock))
		return -EINTR;
	if (type == KIPC_TYPE_MAILBOX &&
	    ns->nr_mboxes >= READ_ONCE(kipc_max_mailboxes))
		ret = -ENOSPC;
	else if (type == KIPC_TYPE_RING &&
		 ns->nr_rings >= READ_ONCE(kipc_ring_max))
		ret = -ENOSPC;
	else if (obj->name[0] && kipc_name_find(ns, type, obj->name))
		ret = -EEXIST;
	else
		ret = xa_insert(&ns->objs, obj->id, obj, GFP_KERNEL_ACCOUNT);
	if (!ret) {
		if (obj->name[0])
			hash_add_rcu(ns->names, &obj->name_node,
				     kipc_name_hash(obj->name));
		if (type == KIPC_TYPE_MAILBOX)
			ns->nr_mboxes++;
		else if (type == KIPC_TYPE_RING)
			ns->nr_rings++;
		obj->registered = true;
		refcount_inc(&obj->ref);
		if (obj->ops->registered)
			obj->ops->registered(obj);
	}
	mutex_unlock(&ns->lock);
	return ret;
}

/**
 * kipc_obj_set_name() - name a registered anonymous object (an endpoint)
 * @obj:	the object
 * @name:	validated non-empty name
 *
 * Return: 0, -EBUSY (already named), -EEXIST, -EIDRM or -EINTR.
 */
int kipc_obj_set_name(struct kipc_obj *obj, const char *name)
{
	struct kipc_ns *ns = obj->ns;
	int ret = 0;

	if (mutex_lock_killable(&ns->lock))
		return -EINTR;
	if (!obj->registered)
		ret = -EIDRM;
	else if (obj->name[0])
		ret = -EBUSY;
	else if (kipc_name_find(ns, obj->ops->type, name))
		ret = -EEXIST;
	if (!ret) {
		memcpy(obj->name, name, KIPC_NAME_MAX);
		hash_add_rcu(ns->names, &obj->name_node,
			     kipc_name_hash(obj->name));
	}
	mutex_unlock(&ns->lock);
	return ret;
}

static void kipc_obj_unregister(struct kipc_obj *obj)
{
	struct kipc_ns *ns = obj->ns;

	lockdep_assert_held(&ns->lock);
	xa_erase(&ns->objs, obj->id);
	if (obj->name[0])
		hash_del_rcu(&obj->name_node);
	if (obj->ops->type == KIPC_TYPE_MAILBOX)
		ns->nr_mboxes--;
	else if (obj->ops->type == KIPC_TYPE_RING)
		ns->nr_rings--;
	obj->registered = false;
	if (obj->ops->unregister)
		obj->ops->unregister(obj);
}

/*
 * Unregister @obj unless already done; the registry's reference is still
 * held. Returns 1 if this call unregistered it, 0 if not, or -EINTR.
 */
static int kipc_obj_detach(struct kipc_obj *obj, bool killable)
{
	struct kipc_ns *ns = obj->ns;
	bool was;

	if (!killable)
		mutex_lock(&ns->lock);
	else if (mutex_lock_killable(&ns->lock))
		return -EINTR;
	was = obj->registered;
	if (was)
		kipc_obj_unregister(obj);
	mutex_unlock(&ns->lock);
	return was;
}

/**
 * kipc_obj_delete() - delete an object unless already deleted
 * @obj:	the object; the caller holds a reference
 * @killable:	a system call: a fatal signal may interrupt the wait for
 *		the namespace lock. Release paths, which cannot fail, pass
 *		false (the lock is held only for index updates).
 *
 * Unregisters it, fails its waiters (ops->kill) and drops the registry's
 * reference.
 *
 * Return: 1 if this call deleted it, 0 if it was deleted already, -EINTR.
 */
int kipc_obj_delete(struct kipc_obj *obj, bool killable)
{
	int ret = kipc_obj_detach(obj, killable);

	if (ret <= 0)
		return ret;
	if (obj->ops->kill)
		obj->ops->kill(obj);
	kipc_obj_put(obj);	/* the registry's reference */
	return 1;
}

/**
 * kipc_obj_unlink() - unregister an object but let its users finish
 * @obj:	the object; the caller holds a reference
 * @killable:	as for kipc_obj_delete()
 *
 * The id and the name go at once (a new object may take the name), as
 * unlink() does for a file: the object keeps working for those who hold a
 * reference (its fds) and is freed with the last one, whose ops->free
 * must then discard what it still holds. Nothing is charged differently:
 * the object's footprint stays charged until it is freed.
 *
 * Return: 1 if this call unlinked it, 0 if it was already unregistered,
 * -EINTR.
 */
int kipc_obj_unlink(struct kipc_obj *obj, bool killable)
{
	int ret = kipc_obj_detach(obj, killable);

	if (ret > 0)
		kipc_obj_put(obj);	/* the registry's reference */
	return ret;
}

/**
 * kipc_obj_get() - take another reference
 * @obj:	an object the caller holds a reference on
 */
void kipc_obj_get(struct kipc_obj *obj)
{
	refcount_inc(&obj->ref);
}

/**
 * kipc_obj_put() - drop a reference; the last frees the object
 * @obj:	the object
 *
 * Must not be called under a spinlock (ops->free may sleep).
 */
void kipc_obj_put(struct kipc_obj *obj)
{
	struct kipc_ns *ns = obj->ns;

	if (!refcount_dec_and_test(&obj->ref))
		return;
	WARN_ON(obj->registered);
	if (obj->ops->free)
		obj->ops->free(obj);
	if (obj->footprint)
		kipc_charge_sub(&obj->charge, obj->kind, obj->footprint);
	kipc_charge_release(&obj->charge);
	kfree_rcu(obj, rcu);
	kipc_ns_put(ns);
}

/**
 * kipc_obj_lookup() - find a registered object by id, or by name
 * @ns:		namespace
 * @type:	KIPC_TYPE_*, or 0 for any type (by id only)
 * @id:		the id, or 0 to look up @name
 * @name:	validated non-empty name, used when @id is 0
 *
 * Takes no lock.
 *
 * Return: the object with a reference, or NULL.
 */
struct kipc_obj *kipc_obj_lookup(struct kipc_ns *ns, u32 type, u64 id,
				 const char *name)
{
	struct kipc_obj *obj;

	rcu_read_lock();
	if (id)
		obj = xa_load(&ns->objs, id);
	else
		obj = kipc_name_find(ns, type, name);
	if (obj && ((type && obj->ops->type != type) ||
		    !refcount_inc_not_zero(&obj->ref)))
		obj = NULL;
	rcu_read_unlock();
	return obj;
}

/**
 * kipc_obj_lookup_ref() - decode a struct kipc_mbox_ref
 * @ns:		namespace
 * @type:	KIPC_TYPE_MAILBOX or KIPC_TYPE_RING
 * @ref:	the reference: an id, or a name, or neither for @self
 * @self:	the object of the fd the call came through, or NULL
 *
 * Return: the object with a reference, or ERR_PTR(-EINVAL, -ENAMETOOLONG,
 * -ENOENT).
 */
struct kipc_obj *kipc_obj_lookup_ref(struct kipc_ns *ns, u32 type,
				     const struct kipc_mbox_ref *ref,
				     struct kipc_obj *self)
{
	char name[KIPC_NAME_MAX];
	struct kipc_obj *obj;
	int ret;

	if (ref->flags)
		return ERR_PTR(-EINVAL);
	ret = kipc_name_copy(name, ref->name);
	if (ret)
		return ERR_PTR(ret);
	if (!ref->id && !name[0]) {
		if (!self)
			return ERR_PTR(-EINVAL);
		kipc_obj_get(self);
		return self;
	}
	if (ref->id && name[0])
		return ERR_PTR(-EINVAL);
	obj = kipc_obj_lookup(ns, type, ref->id, name);
	return obj ? obj : ERR_PTR(-ENOENT);
}

/**
 * kipc_perm_check() - may the current task use @obj this way (ipcperms())
 * @obj:	the object
 * @want:	MAY_READ (receive, consume) and/or MAY_WRITE (send, produce)
 *
 * Context: may sleep in LSM hooks: never under a spinlock.
 * Return: 0 or -EACCES.
 */
int kipc_perm_check(struct kipc_obj *obj, int want)
{
	const struct kipc_perm *p = &obj->perm;
	kuid_t euid = current_euid();
	int granted = READ_ONCE(p->mode);

	if (uid_eq(euid, READ_ONCE(p->uid)) || uid_eq(euid, p->cuid))
		granted >>= 6;
	else if (in_group_p(READ_ONCE(p->gid)) || in_group_p(p->cgid))
		granted >>= 3;
	if ((granted & want & 7) == want)
		return 0;
	if (ns_capable(obj->ns->ipc_ns->user_ns, CAP_IPC_OWNER))
		return 0;
	return -EACCES;
}

/**
 * kipc_owner_check() - may the current task delete or change @obj
 * @obj:	the object
 *
 * Owner, creator or CAP_SYS_ADMIN in the namespace's user namespace, as
 * IPC_RMID and IPC_SET of SysV IPC (CAP_IPC_OWNER only bypasses
 * kipc_perm_check()).
 *
 * Return: 0 or -EACCES.
 */
int kipc_owner_check(struct kipc_obj *obj)
{
	kuid_t euid = current_euid();

	if (uid_eq(euid, READ_ONCE(obj->perm.uid)) ||
	    uid_eq(euid, obj->perm.cuid))
		return 0;
	if (ns_capable(obj->ns->ipc_ns->user_ns, CAP_SYS_ADMIN))
		return 0;
	return -EACCES;
}

/**
 * kipc_obj_delete_all() - delete every object but endpoints of a namespace
 * @ns:		the namespace, which the caller holds a reference on
 *
 * Used at module exit and for namespaces nobody can reach any more.
 * Endpoints go with their files, which are all closed then.
 */
void kipc_obj_delete_all(struct kipc_ns *ns)
{
	struct kipc_obj *obj, *victim;
	unsigned long idx;

	do {
		victim = NULL;
		mutex_lock(&ns->lock);
		xa_for_each(&ns->objs, idx, obj) {
			if (obj->ops->type == KIPC_TYPE_ENDPOINT)
				continue;
			if (refcount_inc_not_zero(&obj->ref)) {
				victim = obj;
				break;
			}
		}
		mutex_unlock(&ns->lock);
		if (victim) {
			kipc_obj_delete(victim, false);
			kipc_obj_put(victim);
		}
	} while (victim);
}
