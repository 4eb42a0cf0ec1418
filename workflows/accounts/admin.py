"""The admin shows no secret. knox's admin lists digests only, but its add form prints the
new token to the superuser; tokens end with logout, logout-all, a password or a role change.

django-otp's device admin shows a device's key and QR code, and lets an administrator make a
device for someone: ours lists the devices without their keys and only deletes one, the reset
of a lost phone, an audit event ``otp_device_removed`` (decisions/audit/admin_changes.py)."""

from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from decisions.audit.admin_changes import AdminAuditMixin


def unregister_token_admin() -> None:
    if admin.site.is_registered(AuthToken):
        admin.site.unregister(AuthToken)


class TOTPDeviceAdmin(AdminAuditMixin, admin.ModelAdmin):
    """Who has two-step verification, since when; the reset for a lost or changed phone."""

    audit_actions = {**AdminAuditMixin.audit_actions, "delete": "otp_device_removed"}
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__last_name", "user__first_name", "user__email"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at",
              "throttling_failure_count"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def audit_deletion(self, obj) -> dict:
        return {"username": obj.user.get_username(), "reason": "admin_reset"}


def register_device_admin() -> None:
    """In place of django-otp's: no key, no QR code, no device made by the administrator."""
    if admin.site.is_registered(TOTPDevice):
        admin.site.unregister(TOTPDevice)
    admin.site.register(TOTPDevice, TOTPDeviceAdmin)
