"""Database backends whose transactions append their audit events at their end.

``audit_record`` (decisions/audit/chain.py) keeps a transaction's events on its connection; the
connection appends them to the chain, under the chain lock, just before its COMMIT. So the lock
is held for one insert and the commit, not from a step's first event to its end: steps run side
by side and only their appends take turns. A failing append fails the COMMIT, which rolls the
whole transaction back (no change without its event); a transaction or savepoint rolled back
takes its events with it (no event without its change). The settings name these backends in
place of Django's own (config/settings/base.py).

Under a test case's own transaction, which never commits, the outermost block of the code under
test stands for the transaction: its events are appended when that block ends (the end of a
block opened with ``savepoint=False`` is not seen by the connection: its events wait for the
next block's end, or a read of the events).
"""

from django.db import DatabaseError


class ChainedAuditMixin:
    """The pending events of the connection's transaction, and the hooks that append or drop
    them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        #: Events recorded in the current transaction, not yet in the chain.
        self.audit_pending: list = []
        #: How many pending events there were when each open savepoint was taken.
        self.audit_marks: dict[str, int] = {}
        #: For an open savepoint inside which events recorded before it were appended: which
        #: append, and those events. Rolling the savepoint back undoes the append's INSERT, and
        #: these events, which belong to the enclosing transaction, wait again.
        self.audit_requeue: dict[str, tuple[int, list]] = {}
        self.audit_flushes = 0

    def audit_append_pending(self) -> None:
        if not self.audit_pending:
            return
        from ..chain import append_pending

        try:
            append_pending(self)
        except DatabaseError:
            raise
        except Exception as error:  # a failed append must fail the transaction, not escape it
            raise DatabaseError(f"the audit events could not be appended: {error}") from error

    def audit_block_ends_transaction(self) -> bool:
        """True when only a test case's own blocks remain open around the block ending now."""
        return all(getattr(block, "_from_testcase", False) for block in self.atomic_blocks)

    def commit(self):
        self.audit_append_pending()
        super().commit()

    def rollback(self):
        self._audit_forget()
        super().rollback()

    def close(self):
        self._audit_forget()
        super().close()

    def savepoint_commit(self, sid):
        if self.audit_pending and self.audit_block_ends_transaction():
            self.audit_append_pending()
        self.audit_marks.pop(sid, None)
        self.audit_requeue.pop(sid, None)
        super().savepoint_commit(sid)

    def _savepoint(self, sid):
        super()._savepoint(sid)
        self.audit_marks[sid] = len(self.audit_pending)

    def _savepoint_rollback(self, sid):
        super()._savepoint_rollback(sid)
        mark = self.audit_marks.pop(sid, None)
        if mark is not None:
            del self.audit_pending[mark:]
        flushed = self.audit_requeue.pop(sid, None)
        if flushed is not None:
            self._audit_requeue(*flushed)

    def _audit_requeue(self, flush: int, events: list) -> None:
        """The append ``flush`` was rolled back with a savepoint: the events recorded before
        that savepoint wait again, as they were before the append, and so do the marks of the
        savepoints around it that the append had emptied."""
        for event in events:
            event.pk = event.sequence = None
            event.prev_hash = event.hash = ""
            event._state.adding, event._state.db = True, None
        self.audit_pending[:0] = events
        for outer, (outer_flush, before) in list(self.audit_requeue.items()):
            if outer_flush == flush:
                self.audit_marks[outer] = len(before)
                del self.audit_requeue[outer]

    def _audit_forget(self) -> None:
        self.audit_pending = []
        self.audit_marks = {}
        self.audit_requeue = {}
