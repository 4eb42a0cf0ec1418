"""The deployment's own settings, edited by administrators: the working calendar and the periods.

Unlike the decision records these are written here, each save and deletion leaving an audit
event with the row before and after (the admin site's AdminAuditMixin, under this module's own
action names). A year the administrator enters or amends is marked as theirs, so that a later
package load leaves it alone.
"""

import datetime

from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..audit.admin_changes import AdminAuditMixin
from ..models import CalendarDay, CalendarYear, StagePeriod
from .official import administrator_source, calendar_year_snapshot

SATURDAY = 5


class CalendarDayFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        year = self.instance.year
        for form in self.forms:
            if self._should_delete_form(form) or not form.cleaned_data.get("day"):
                continue
            day: datetime.date = form.cleaned_data["day"]
            if year and day.year != year:
                form.add_error("day", _("This day is not in %(year)s.") % {"year": year})
            elif form.cleaned_data.get("is_workday") and day.weekday() < SATURDAY:
                form.add_error("is_workday", _("A make-up workday falls on a Saturday or "
                                               "Sunday; Monday to Friday are workdays anyway."))


class CalendarDayInline(admin.TabularInline):
    """A year's days are part of the year: whoever may edit the year may edit its days."""

    model = CalendarDay
    formset = CalendarDayFormSet
    fields = ["day", "is_workday", "name"]
    extra = 3

    def has_view_permission(self, request, obj=None):
        return (request.user.has_perm("decisions.view_calendaryear")
                or self.has_change_permission(request, obj))

    def has_add_permission(self, request, obj=None):
        if obj is None:
            return request.user.has_perm("decisions.add_calendaryear")
        return self.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("decisions.change_calendaryear")

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)


class CalendarYearForm(forms.ModelForm):
    class Meta:
        model = CalendarYear
        fields = ["year", "source"]
        help_texts = {"source": _("The State Council's notice, e.g. 国办发明电〔2026〕…号. Saved "
                                  "as entered by an administrator.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].required = False


@admin.register(CalendarYear)
class CalendarYearAdmin(AdminAuditMixin, admin.ModelAdmin):
    form = CalendarYearForm
    inlines = [CalendarDayInline]
    audit_actions = {"add": "calendar_year_edit", "change": "calendar_year_edit",
                     "delete": "calendar_year_delete"}
    list_display = ["year", "source", "holiday_count", "workday_count", "loaded_by", "loaded_at"]
    list_select_related = ["loaded_by"]
    readonly_fields = ["loaded_by", "loaded_at"]
    search_fields = ["year", "source"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            holiday_count=Count("days", filter=Q(days__is_workday=False)),
            workday_count=Count("days", filter=Q(days__is_workday=True)),
        )

    @admin.display(description=_("holidays"), ordering="holiday_count")
    def holiday_count(self, obj):
        return obj.holiday_count

    @admin.display(description=_("make-up workdays"), ordering="workday_count")
    def workday_count(self, obj):
        return obj.workday_count

    def audit_snapshot(self, obj) -> dict:
        return calendar_year_snapshot(obj, obj.days.all())

    def save_model(self, request, obj, form, change):
        if not change:
            obj.source = administrator_source(obj.source)
            obj.loaded_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """An amended year becomes the administrator's."""
        obj = form.instance
        changed = not change or form.has_changed() or any(f.has_changed() for f in formsets)
        super().save_related(request, form, formsets, change)
        if change and changed:
            obj.source = administrator_source(obj.source)
            obj.loaded_by = request.user
            obj.loaded_at = timezone.now()
            obj.save(update_fields=["source", "loaded_by", "loaded_at"])


@admin.register(StagePeriod)
class StagePeriodAdmin(AdminAuditMixin, admin.ModelAdmin):
    audit_actions = {"add": "stage_period_edit", "change": "stage_period_edit",
                     "delete": "stage_period_delete"}
    fields = ["stage", "period_days", "working_days", "extension_days", "source",
              "updated_by", "updated_at"]
    readonly_fields = ["updated_by", "updated_at"]
    list_display = ["stage", "period_days", "working_days", "extension_days", "source",
                    "updated_by", "updated_at"]
    list_select_related = ["updated_by"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
