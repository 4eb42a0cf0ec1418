"""Django's SQLite backend, its transactions appending their audit events at their end."""

from django.db.backends.sqlite3 import base

from .. import ChainedAuditMixin


class DatabaseWrapper(ChainedAuditMixin, base.DatabaseWrapper):
    pass
