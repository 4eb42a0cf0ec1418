"""The flow engine tells the domain what it opened and closed.

viewflow saves a ``Task`` row as a step is created, assigned, started and finished; this
listener turns each of those moves on a human step into the domain's explicit call
(``services.task_opened``, ``task_assigned``, ``task_started``, ``task_closed``), which keeps
the decision's stage task and writes the audit event. The domain never reads viewflow's tables.
"""

from django.db.models.signals import post_init, post_save
from django.dispatch import receiver
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from decisions import permissions, selectors, services
from decisions.audit import current_actor
from decisions.rulebook import Stage

HUMAN_TASK_TYPES = ("HUMAN", "HUMAN_START")
CLOSED = (STATUS.DONE, STATUS.CANCELED)


@receiver(post_init, sender=Task, dispatch_uid="juece_task_snapshot")
def _remember_task_state(sender, instance, **kwargs):
    instance._juece_seen = (instance.status, instance.owner_id) if instance.pk else None


@receiver(post_save, sender=Task, dispatch_uid="juece_task_moves")
def _task_saved(sender, instance, created, **kwargs):
    if instance.flow_task_type not in HUMAN_TASK_TYPES:
        return
    seen = None if created else getattr(instance, "_juece_seen", None)
    instance._juece_seen = (instance.status, instance.owner_id)
    status, owner = seen or (None, None)
    actor = current_actor()
    if created:
        decision = selectors.decision_by_process(instance.process_id)
        node = instance.flow_task
        proposing = instance.flow_task_type == "HUMAN_START"
        stage = Stage.INITIATION if proposing else node.stage  # a proposal starts initiation
        services.task_opened(decision=decision, task_id=instance.pk, stage=stage, step=node.name,
                             holder=instance.owner, holder_opened_it=proposing, acting_user=actor)
    elif instance.owner_id != owner:
        services.task_assigned(task_id=instance.pk, holder=instance.owner, acting_user=actor)
    if instance.status != status:
        if instance.status == STATUS.STARTED or (
                instance.status == STATUS.DONE and status != STATUS.STARTED
                and instance.started is not None):  # a form task starts and ends in one request
            services.task_started(task_id=instance.pk, acting_user=actor)
        if instance.status in CLOSED:
            services.task_closed(task_id=instance.pk, cancelled=instance.status == STATUS.CANCELED,
                                 acting_user=actor)


@receiver(permissions.grants_changed, dispatch_uid="juece_forget_flow_perm_cache")
def _grants_changed(sender, user, **kwargs):
    """viewflow caches a user's object grants on the user object for its task lists."""
    if hasattr(user, "_viewflow_per_object_perm_cache"):
        del user._viewflow_per_object_perm_cache
