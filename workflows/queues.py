"""Task lists per user, in a fixed number of queries.

viewflow's own ``user_queue`` loads every object permission the user holds, row by row, and
also honours global grants; here the match is one EXISTS against guardian's tables, object
grants only.

The EXISTS names the grant's permission by its id, looked up once per request for the few
permissions tasks can ask for, so that each open task is one probe of guardian's unique index
(holder, permission, object). Matching ``app_label || '.' || codename`` against the task's
``owner_permission`` instead, as viewflow does, is a test no index serves: PostgreSQL then
hashes every grant of the user and his groups, and the queue's cost grows with every decision
ever granted (docs/performance.md).
"""

import functools
import heapq

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.db.models.signals import post_migrate
from guardian.models import GroupObjectPermission, UserObjectPermission
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from decisions import permissions
from decisions.models import Decision
from decisions.rulebook import STAGE_PERMISSIONS, VIEW_PERMISSION

from .flows import DecisionFlow

#: What this process has read or built once per database: the stage permissions' ids (migrate
#: makes them; a server is restarted after it) and the SQL of the menu's counts.
_built: dict[tuple, object] = {}


def _forget_built(**kwargs) -> None:
    """A migrate (or a test's flush) may number the permissions anew."""
    _built.clear()


post_migrate.connect(_forget_built, dispatch_uid="workflows.queues.forget_built")


def _once(name, build):
    key = (connection.alias, connection.settings_dict["NAME"], name)
    if key not in _built:
        _built[key] = build()
    return _built[key]


def _task_permission_ids() -> dict[str, int]:
    """``app_label.codename`` -> id of each stage permission of a decision (one small query,
    once per process): the permissions a task can ask for, never the permission to read."""
    return _once("permission ids", _read_task_permission_ids)


def _read_task_permission_ids() -> dict[str, int]:
    rows = Permission.objects.filter(content_type__app_label=Decision._meta.app_label,
                                     content_type__model=Decision._meta.model_name,
                                     codename__in=[c for c, _label in STAGE_PERMISSIONS
                                                   if c != VIEW_PERMISSION])
    return {f"{Decision._meta.app_label}.{codename}": pk
            for pk, codename in rows.values_list("pk", "codename")}


def _owner_permission_id(ids: dict[str, int]) -> Case:
    """The id of the permission a task asks for, from its ``owner_permission`` text."""
    return Case(*[When(owner_permission=name, then=Value(pk)) for name, pk in ids.items()],
                default=Value(None), output_field=IntegerField())


def _granted(model, holder_filter: Q, ids: dict[str, int]):
    """A grant of the task's permission on the task's decision. The constant list of stage
    permissions keeps the read grants, one per decision ever seen, out of the match."""
    return Exists(model.objects.filter(holder_filter, permission_id__in=list(ids.values()))
                  .filter(permission_id=OuterRef("owner_permission_id"),
                          object_pk=OuterRef("owner_permission_obj_pk")))


@functools.cache
def _flow_nodes() -> tuple:
    return tuple(DecisionFlow.instance.nodes())


def tasks_of_flow():
    """The flow's human tasks, known by their step: a task's step names its flow, so no join to
    each task's process for the flow's name (a lookup per open task of the county's queue)."""
    return Task.objects.filter(flow_task__in=_flow_nodes(), flow_task_type="HUMAN")


def tasks_inbox(user):
    """Open tasks assigned to ``user``."""
    return tasks_of_flow().filter(owner=user, status=STATUS.ASSIGNED)


@functools.cache
def _named_steps() -> tuple[tuple[object, str], ...]:
    """Each step named for one person of the decision, and the decision's field naming him."""
    return tuple((node, node.named) for node in DecisionFlow.instance.nodes()
                 if getattr(node, "named", None))


def _named_elsewhere(user) -> Q:
    """The steps named for one person of the decision (``StageView.named``) that are not his."""
    others = Q(pk__in=[])
    for node, field in _named_steps():
        his = Decision.objects.filter(process_id=OuterRef("process_id"),
                                      **{f"{field}_id": user.pk})
        others |= Q(flow_task=node) & ~Exists(his)
    return others


def tasks_queue(user):
    """Unassigned open tasks whose stage permission ``user`` holds on their decision, less the
    steps named for someone else (the reviewer's review is not the legal adviser's to take)."""
    groups, ids = user.groups.values("pk"), _task_permission_ids()
    return (tasks_of_flow().filter(status=STATUS.NEW, owner_permission__isnull=False)
            .alias(owner_permission_id=_owner_permission_id(ids))
            .filter(_granted(UserObjectPermission, Q(user=user), ids)
                    | _granted(GroupObjectPermission, Q(group__in=groups), ids))
            .exclude(_named_elsewhere(user)))


#: A user number no account has: a count's SQL is written by the ORM once, for him, and then
#: run for each user with the user's number in its place.
_NOBODY = -1_987_654_321


def _count_sql(tasks) -> tuple[str, list] | None:
    """The SQL and parameters of ``tasks(nobody).count()``, exactly as the ORM writes them;
    None when the ORM knows the list empty without asking (no stage permission exists yet)."""
    queryset, written = tasks(get_user_model()(pk=_NOBODY)), []

    def keep(execute, sql, params, many, context):
        written.append((sql, list(params)))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        queryset.count()
    if not written:
        return None
    (sql, params), = written
    return sql, params


def count_of(tasks, user) -> int:
    """``tasks(user).count()`` for a list that depends on its user through his number only
    (``tasks_inbox``, ``tasks_queue``): the same query, without building it on every page.
    Building the queue's EXISTS, CASE and subqueries cost the ORM more than the menu's whole
    template (docs/performance.md)."""
    query = _once(("count", tasks), lambda: _count_sql(tasks))
    if query is None:
        return 0
    sql, params = query
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk if param == _NOBODY else param for param in params])
        return cursor.fetchone()[0]


class OpenTasks:
    """The numbers of ``user``'s open tasks, his inbox and the queue of his stages (at
    ``stage``), oldest first, as a sequence a paginator slices: its count is the two lists'
    counts, and a slice reads each list by its key only up to the slice's end, so a page never
    builds, joins and sorts the whole union (docs/performance.md). The two never overlap: a task
    is queued while new, in an inbox once assigned."""

    def __init__(self, user, stage: str | None = None):
        self.lists = [tasks_inbox(user), tasks_queue(user)]
        if stage:
            nodes = [node for node in DecisionFlow.instance.nodes()
                     if getattr(node, "stage", None) == stage]
            self.lists = [tasks.filter(flow_task__in=nodes) for tasks in self.lists]

    def count(self) -> int:
        return sum(tasks.count() for tasks in self.lists)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[int]:
        if not isinstance(index, slice) or index.stop is None:
            raise TypeError("OpenTasks is read a bounded slice at a time")
        heads = [list(tasks.order_by("id").values_list("id", flat=True)[:index.stop])
                 for tasks in self.lists]
        return list(heapq.merge(*heads))[index]


def tasks_archive(user):
    return tasks_of_flow().filter(owner=user, finished__isnull=False)


def tasks_visible(user):
    """Every task, human or not, of the decisions ``user`` may read: the flow's task list."""
    return Task.objects.filter(process__flow_class=DecisionFlow,
                               process_id__in=permissions.decisions_visible_to(user).values("process_id"))
