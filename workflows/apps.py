from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPConfig


class TwoFactorDevicesConfig(TOTPConfig):
    """django-otp's TOTP devices, named in the admin for what they are to its readers."""

    verbose_name = _("Two-step verification")


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Decision procedure")

    def ready(self):
        from decisions.links import register_paths

        from . import (
            checks,  # noqa: F401  (every stage has its step in the flow)
            signals,  # noqa: F401  (the flow tells the domain its task moves)
        )
        from .accounts import (  # noqa: F401  (lockout audit, session clock, credentials end,
            credentials,  # and the system check of the second factor's roles)
            lockout,
            sessions,
            two_factor,
        )
        from .accounts.admin import register_device_admin, unregister_token_admin
        from .links import decision_path, task_path

        register_paths(decision=decision_path, task=task_path)
        unregister_token_admin()
        register_device_admin()
