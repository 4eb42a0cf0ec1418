"""How many decisions a reader may read, counted once for each change of who may read what.

The API's decision list answers ``{"count", "next", "previous", "results"}`` (issue 5), so each
page counts every decision its reader may read: 85 ms for the 99,006 decisions a town office
reads in a county's ten years, five times the 20,000-decision figure, where the page itself is
read off an index and stays flat (docs/performance.md). What a reader may read changes rarely
(a read grant, given once and never taken back by the procedure; a role; a new decision), while
lists are read all day; so the count is kept in the cache under the reader and a *generation*
and computed again only when the generation has moved.

The generation is a PostgreSQL sequence (migration 0021), moved once a transaction that changed
anything a read depends on has committed: a grant given or removed (guardian's rows, however
they are written but in bulk), a group membership or a global permission changed, a decision
created or deleted. Moved after the commit, so a reader that sees the new number also sees the
change; a reader that counted in between files his count under the old number, which nobody
asks for again. A process that dies between a commit and its move leaves a count stale, at most
until ``TTL`` runs out. Without the sequence (SQLite, the embedded default) every count is
counted.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from guardian.models import GroupObjectPermission, UserObjectPermission

from . import permissions
from .models import Decision

SEQUENCE = "decisions_readers_generation"

#: How long a count is kept although nothing moved the generation (seconds).
TTL = 300


def generation() -> int | None:
    """The present generation, or ``None`` where there is no sequence to read (SQLite, or a
    database migrated back before 0021) or it has never moved."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sequence_last_value(to_regclass(%s))", [SEQUENCE])
        return cursor.fetchone()[0]


def readable_count(user, narrow: Callable[[QuerySet], QuerySet] | None = None) -> int:
    """The number of decisions ``user`` may read, counted over his grants at once
    (``permissions.readable_by``), not probed row by row as a page of them is read.

    The whole list's count comes from the cache while the generation has not moved (and is
    counted afresh inside a transaction that moved it); one who reads every decision (a
    superuser, a global grant) has another count than his grants'. A list ``narrow``-ed (by
    stage, by lateness: both move without a grant) is counted each time."""
    decisions = permissions.decisions_visible_to(user)
    if narrow is not None:
        return narrow(decisions).count()
    now = generation()
    if now is None or _move_pending():
        return decisions.count()
    reads_all = user.is_superuser or permissions.reads_every_decision(user)
    key = f"juece:readable-count:{user.pk}:{int(reads_all)}:{now}"
    known = cache.get(key)
    if known is None:
        known = decisions.count()
        cache.set(key, known, TTL)
    return known


def _move() -> None:
    with connection.cursor() as cursor:  # nothing to move where the sequence is not (yet) there
        cursor.execute("SELECT nextval(to_regclass(%s))", [SEQUENCE])


def _move_pending() -> bool:
    """This transaction changed what someone may read and has not committed: it counts what it
    sees itself, not what the cache holds for the others."""
    return connection.in_atomic_block and any(
        callback is _move for _savepoints, callback, _robust in connection.run_on_commit)


def move_generation() -> None:
    """Move the generation once the present transaction commits (at once outside of one); one
    move however many changes the transaction makes."""
    if connection.vendor == "postgresql" and not _move_pending():
        transaction.on_commit(_move)


def _changed(sender, **kwargs) -> None:
    move_generation()


def _decision_saved(sender, created, **kwargs) -> None:
    if created:
        move_generation()


def _m2m_changed(sender, action, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        move_generation()


for _model in (UserObjectPermission, GroupObjectPermission):
    post_save.connect(_changed, sender=_model, dispatch_uid=f"juece_readers_{_model.__name__}_save")
    post_delete.connect(_changed, sender=_model,
                        dispatch_uid=f"juece_readers_{_model.__name__}_delete")
post_save.connect(_decision_saved, sender=Decision, dispatch_uid="juece_readers_decision_save")
post_delete.connect(_changed, sender=Decision, dispatch_uid="juece_readers_decision_delete")
_User = get_user_model()
for _through in (_User.groups.through, _User.user_permissions.through, Group.permissions.through):
    m2m_changed.connect(_m2m_changed, sender=_through,
                        dispatch_uid=f"juece_readers_{_through.__name__}")
