"""Audit events for what happens outside the services: logins, and the flow engine's tasks."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_init, post_save
from django.dispatch import receiver
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from .audit import audit_record, current_actor

HUMAN_TASK_TYPES = ("HUMAN", "HUMAN_START")

TASK_STATUS_ACTIONS = {
    STATUS.STARTED: "task_started",
    STATUS.DONE: "task_completed",
    STATUS.CANCELED: "task_cancelled",
}


@receiver(user_logged_in, dispatch_uid="juece_audit_login")
def _logged_in(sender, request, user, **kwargs):
    audit_record(action="login", actor=user)


@receiver(user_logged_out, dispatch_uid="juece_audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action="logout", actor=user)


@receiver(user_login_failed, dispatch_uid="juece_audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    """The login that was tried, never the password."""
    audit_record(action="login_failed", actor=None,
                 after={"username": str(credentials.get("username", ""))[:150]})


@receiver(post_init, sender=Task, dispatch_uid="juece_task_snapshot")
def _remember_task_state(sender, instance, **kwargs):
    instance._juece_seen = (instance.status, instance.owner_id) if instance.pk else None


@receiver(post_save, sender=Task, dispatch_uid="juece_audit_task")
def _task_saved(sender, instance, created, **kwargs):
    if instance.flow_task_type not in HUMAN_TASK_TYPES:
        return
    seen = None if created else getattr(instance, "_juece_seen", None)
    status, owner = seen or (None, None)
    actions = []
    if created:
        actions.append("task_created")
    if instance.owner_id != owner and not (created and instance.flow_task_type == "HUMAN_START"):
        actions.append("task_assigned" if instance.owner_id else "task_unassigned")
    if instance.status != status and instance.status in TASK_STATUS_ACTIONS:
        if (instance.status == STATUS.DONE and status != STATUS.STARTED
                and instance.started is not None):
            actions.append("task_started")  # a form task starts and ends in one request
        actions.append(TASK_STATUS_ACTIONS[instance.status])
    instance._juece_seen = (instance.status, instance.owner_id)
    if not actions:
        return
    from .models import Decision

    decision = Decision.objects.filter(process_id=instance.process_id).first()
    node = instance.flow_task
    after = {"task": instance.pk, "node": getattr(node, "name", ""),
             "owner": instance.owner.get_username() if instance.owner_id else None,
             "status": instance.status}
    for action in actions:
        audit_record(action=action, actor=current_actor(), decision=decision,
                     task=instance, stage=str(getattr(node, "stage", "") or ""), after=after)
