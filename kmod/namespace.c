// SPDX-License-Identifier: GPL-2.0
/*
 * kipc state per IPC namespace, and the sweep that frees the objects of
 * namespaces nobody can reach any more.
 *
 * A kipc_ns is created when the first endpoint of its IPC namespace opens
 * and freed when its last object goes. It pins the ipc_namespace, so the
 * pointer used as lookup key cannot be recycled while it is in use.
 *
 * Mailboxes and rings outlive their fds, and so would pin a namespace
 * whose tasks have all exited, where no process can ever reach them. A
 * module is not told when a namespace dies, but it can see it: when the
 * only reference left on the ipc_namespace is kipc's own and no kipc file
 * of the namespace is open, no task is in the namespace, nothing holds it
 * open through nsfs (so none can setns() into it), and no fd reaches its
 * objects. Nothing can change that: a new reference needs an existing
 * one. The sweep, a delayed work that runs while such namespaces may
 * exist, deletes their objects, which releases their charges and then
 * the namespace itself.
 */
#include <linux/ipc_namespace.h>
#include <linux/nsproxy.h>
#include <linux/proc_ns.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include "kipc_internal.h"

/* How often the sweep looks for dead namespaces. */
#define KIPC_NS_SWEEP_INTERVAL	(2 * HZ)

static LIST_HEAD(kipc_ns_list);		/* under kipc_ns_mutex */
static DEFINE_MUTEX(kipc_ns_mutex);

static void kipc_ns_sweep(struct work_struct *work);
static DECLARE_DELAYED_WORK(kipc_ns_sweep_work, kipc_ns_sweep);
static bool kipc_ns_exiting;		/* under kipc_ns_mutex */

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

/* The initial namespace never dies (init_ipc_ns is not exported). */
static bool kipc_ns_is_initial(const struct ipc_namespace *ipc_ns)
{
	return ipc_ns->ns.inum == PROC_IPC_INIT_INO;
}

/* Only kipc holds @ns->ipc_ns and no kipc file of it is open. */
static bool kipc_ns_unreachable(struct kipc_ns *ns)
{
	if (kipc_ns_is_initial(ns->ipc_ns))
		return false;
	return !atomic_read(&ns->nr_files) &&
	       refcount_read(&ns->ipc_ns->ns.count) == 1;
}

static void kipc_ns_sweep(struct work_struct *work)
{
	struct kipc_ns *ns, *dead;
	bool more;

	do {
		dead = NULL;
		more = false;
		mutex_lock(&kipc_ns_mutex);
		list_for_each_entry(ns, &kipc_ns_list, node) {
			if (kipc_ns_is_initial(ns->ipc_ns))
				continue;
			more = true;
			if (!dead && kipc_ns_unreachable(ns)) {
				refcount_inc(&ns->refs);
				dead = ns;
			}
		}
		if (more && !kipc_ns_exiting)
			schedule_delayed_work(&kipc_ns_sweep_work,
					      KIPC_NS_SWEEP_INTERVAL);
		mutex_unlock(&kipc_ns_mutex);
		if (dead) {
			kipc_obj_delete_all(dead);
			kipc_ns_put(dead);
		}
	} while (dead);
}

/**
 * kipc_ns_get_current() - kipc state of the current IPC namespace
 *
 * Creates it on first use.
 *
 * Return: the kipc_ns with a reference for the caller, or an ERR_PTR
 * (-ENOMEM, -EINTR when killed while waiting).
 */
struct kipc_ns *kipc_ns_get_current(void)
{
	struct ipc_namespace *ipc_ns = current->nsproxy->ipc_ns;
	struct kipc_ns *ns;

	if (mutex_lock_killable(&kipc_ns_mutex))
		return ERR_PTR(-EINTR);
	list_for_each_entry(ns, &kipc_ns_list, node) {
		if (ns->ipc_ns == ipc_ns) {
			refcount_inc(&ns->refs);
			goto out;
		}
	}
	ns = kzalloc(sizeof(*ns), GFP_KERNEL_ACCOUNT);
	if (!ns) {
		ns = ERR_PTR(-ENOMEM);
		goto out;
	}
	ns->ipc_ns = get_ipc_ns(ipc_ns);
	refcount_set(&ns->refs, 1);
	mutex_init(&ns->lock);
	xa_init(&ns->objs);
	hash_init(ns->names);
	list_add(&ns->node, &kipc_ns_list);
	if (!kipc_ns_is_initial(ipc_ns) && !kipc_ns_exiting)
		schedule_delayed_work(&kipc_ns_sweep_work,
				      KIPC_NS_SWEEP_INTERVAL);
out:
	mutex_unlock(&kipc_ns_mutex);
	return ns;
}

/**
 * kipc_ns_get() - take another reference
 * @ns:		namespace state the caller holds a reference on
 */
void kipc_ns_get(struct kipc_ns *ns)
{
	refcount_inc(&ns->refs);
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
 * kipc_ns_file_open() - an endpoint or ring file of @ns was opened
 * @ns:		its namespace
 */
void kipc_ns_file_open(struct kipc_ns *ns)
{
	atomic_inc(&ns->nr_files);
}

/**
 * kipc_ns_file_close() - such a file was released
 * @ns:		its namespace
 */
void kipc_ns_file_close(struct kipc_ns *ns)
{
	atomic_dec(&ns->nr_files);
}

/**
 * kipc_ns_exit() - delete every remaining object at module exit
 *
 * No fd or ring mapping exists any more (each holds a module reference),
 * so only persistent mailboxes and rings are left; deleting them frees
 * their namespaces.
 */
void kipc_ns_exit(void)
{
	struct kipc_ns *ns;

	mutex_lock(&kipc_ns_mutex);
	kipc_ns_exiting = true;
	mutex_unlock(&kipc_ns_mutex);
	cancel_delayed_work_sync(&kipc_ns_sweep_work);

	for (;;) {
		mutex_lock(&kipc_ns_mutex);
		ns = list_first_entry_or_null(&kipc_ns_list, struct kipc_ns,
					      node);
		if (ns)
			refcount_inc(&ns->refs);
		mutex_unlock(&kipc_ns_mutex);
		if (!ns)
			break;
		kipc_obj_delete_all(ns);
		/* Nothing but its objects could hold it at exit. */
		if (WARN_ON(refcount_read(&ns->refs) != 1)) {
			kipc_ns_put(ns);
			break;
		}
		kipc_ns_put(ns);
	}
	/* Objects are freed after a grace period; wait for the last. */
	rcu_barrier();
}
