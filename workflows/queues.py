"""Task lists per user, in a fixed number of queries.

viewflow's own ``user_queue`` loads every object permission the user holds, row by row, and
also honours global grants; here the match is one EXISTS against guardian's tables, object
grants only.
"""

from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Concat
from guardian.models import GroupObjectPermission, UserObjectPermission
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from decisions import permissions
from decisions.models import Decision

from .flows import DecisionFlow


def _granted(model, holder_filter: Q):
    return Exists(
        model.objects.annotate(
            full_codename=Concat("permission__content_type__app_label", Value("."),
                                 "permission__codename", output_field=CharField()))
        .filter(holder_filter, object_pk=OuterRef("owner_permission_obj_pk"),
                full_codename=OuterRef("owner_permission"))
    )


def tasks_of_flow():
    return Task.objects.filter(process__flow_class=DecisionFlow, flow_task_type="HUMAN")


def tasks_inbox(user):
    """Open tasks assigned to ``user``."""
    return tasks_of_flow().filter(owner=user, status=STATUS.ASSIGNED)


def _named_elsewhere(user) -> Q:
    """The steps named for one person of the decision (``StageView.named``) that are not his."""
    others = Q(pk__in=[])
    for node in DecisionFlow.instance.nodes():
        field = getattr(node, "named", None)
        if field:
            his = Decision.objects.filter(process_id=OuterRef("process_id"),
                                          **{f"{field}_id": user.pk})
            others |= Q(flow_task=node) & ~Exists(his)
    return others


def tasks_queue(user):
    """Unassigned open tasks whose stage permission ``user`` holds on their decision, less the
    steps named for someone else (the reviewer's review is not the legal adviser's to take)."""
    return tasks_of_flow().filter(status=STATUS.NEW, owner_permission__isnull=False).filter(
        _granted(UserObjectPermission, Q(user=user))
        | _granted(GroupObjectPermission, Q(group__user=user))
    ).exclude(_named_elsewhere(user))


def tasks_archive(user):
    return tasks_of_flow().filter(owner=user, finished__isnull=False)


def tasks_visible(user):
    """Every task, human or not, of the decisions ``user`` may read: the flow's task list."""
    return Task.objects.filter(process__flow_class=DecisionFlow,
                               process_id__in=permissions.decisions_visible_to(user).values("process_id"))
