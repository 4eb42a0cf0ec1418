"""Django's PostgreSQL backend, its transactions appending their audit events at their end."""

from django.db.backends.postgresql import base

from .. import ChainedAuditMixin


class DatabaseWrapper(ChainedAuditMixin, base.DatabaseWrapper):
    pass
