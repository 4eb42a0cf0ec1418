from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("Major administrative decisions")

    def ready(self):
        from . import (  # noqa: F401  (the rulebook check; audit signal handlers; readers' generation)
            checks,
            readable_counts,
            signals,
        )
        from .roles import ensure_roles

        post_migrate.connect(ensure_roles, sender=self, dispatch_uid="juece_ensure_roles")


class AuditedAdminConfig(AdminConfig):
    """Django's admin, on a site that puts every change made through it on the audit trail."""

    default_site = "decisions.audit.admin_changes.AuditedAdminSite"
