"""The admin shows decision records read-only: no add, change or delete (their writes belong to
the services, which the admin does not call). It edits only deployment settings, the working-day
calendar and the stage periods, itself: see calendar/admin.py, whose save and delete methods
write the rows and append an audit event for each."""

from django.contrib import admin

from . import models


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["title", "lead_unit", "stage", "status", "created_at"]
    list_filter = ["stage", "status"]
    search_fields = ["title", "lead_unit"]


@admin.register(models.AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "actor", "action", "decision", "stage"]
    list_filter = ["action", "stage"]
    list_select_related = ["actor", "decision"]


@admin.register(models.Profile)
class ProfileAdmin(ReadOnlyAdmin):
    """Each user's unit (Art. 20: "of the lead unit"), as ``add_user --unit`` recorded it."""

    list_display = ["user", "unit"]
    search_fields = ["user__username", "user__last_name", "unit"]
    list_select_related = ["user"]


for model in (models.DraftVersion, models.LegalReview, models.Meeting, models.Publication,
              models.RiskAssessment, models.ExpertOpinion, models.PublicParticipation,
              models.Withdrawal, models.RefusalTally):
    admin.site.register(model, ReadOnlyAdmin)
from .calendar import admin as calendar_admin  # noqa: E402, F401
