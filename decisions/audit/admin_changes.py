"""Every change made through the Django admin is an audit event: who, what before, what after.

The project's admin site (``AuditedAdminSite``, installed by ``decisions.apps.AuditedAdminConfig``
in place of ``django.contrib.admin``) gives every ModelAdmin registered on it, Django's own
User and Group admins and any third party's included, the ``AdminAuditMixin``: an addition,
a change (its form, the user's password form, a list's editable rows) and a deletion (one, or
several by the bulk action) each append one event, in the admin's own transaction, with a
snapshot of the object before and after: its fields, its many-to-many lists (groups,
permissions) and the rows of its inlines. Secrets (password hashes, tokens, keys) are never in
a snapshot; a changed password is recorded only as having changed.
"""

import datetime
import hashlib
import json

from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.serializers.json import DjangoJSONEncoder
from django.forms.models import _get_foreign_key
from django.utils import timezone

from .chain import audit_record, jsonable

#: Parts of a field's name that mark a secret: its value never enters the audit trail.
SECRET_MARKS = ("password", "secret", "token", "digest", "salt")


def is_secret(name: str) -> bool:
    name = name.lower()
    return any(mark in name for mark in SECRET_MARKS) or name == "key" or name.endswith("_key")


def admin_snapshot(obj, inlines=()) -> dict:
    """The object as the trail records it: what it is, its fields but secrets, its
    many-to-many lists, and the rows of the given inline models that point at it."""
    opts = obj._meta
    data = {"model": opts.label_lower, "object": _shown(obj)}
    data.update(_fields(obj))
    if obj.pk is not None:
        for field in opts.many_to_many:
            if not is_secret(field.name):
                data[field.name] = sorted(_m2m_label(row) for row in getattr(obj, field.name).all())
        for inline_model, fk_name in inlines:
            try:
                fk = _get_foreign_key(type(obj), inline_model, fk_name=fk_name)
            except ValueError:
                continue
            rows = inline_model._default_manager.filter(**{fk.name: obj}).order_by("pk")
            data[inline_model._meta.label_lower] = [
                {k: v for k, v in _fields(row).items() if k != fk.attname} for row in rows]
    return jsonable(data)


def _fields(obj) -> dict:
    return {field.attname: _value(obj, field)
            for field in obj._meta.concrete_fields if not is_secret(field.name)}


def _value(obj, field):
    """The field's value as JSON holds it: times in UTC, anything else JSON cannot hold as the
    field writes it out (a flow's node, for one)."""
    value = getattr(obj, field.attname)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return value.astimezone(datetime.UTC)
    try:
        json.dumps(value, cls=DjangoJSONEncoder)
    except (TypeError, ValueError):
        return field.value_to_string(obj)
    return value


def _secrets(obj) -> str:
    """A fingerprint of the object's secret fields, compared in memory and never recorded."""
    values = [f"{field.name}={getattr(obj, field.attname)}"
              for field in obj._meta.concrete_fields if is_secret(field.name)]
    return hashlib.sha256("\n".join(values).encode("utf-8")).hexdigest() if values else ""


def _shown(obj) -> str:
    """The object's name, unless it would show a secret (a token named by its key)."""
    text = str(obj)
    secrets = [str(getattr(obj, field.attname)) for field in obj._meta.concrete_fields
               if is_secret(field.name) and getattr(obj, field.attname)]
    if any(secret in text for secret in secrets):
        return str(obj._meta.verbose_name)
    return text


def _m2m_label(row) -> str:
    if isinstance(row, Permission):
        return f"{row.content_type.app_label}.{row.codename}"
    return str(row)


class AdminAuditMixin:
    """Audits a ModelAdmin's additions, changes and deletions (see the module's docstring)."""

    #: The audit action of each kind of change; a deployment setting's admin names its own.
    audit_actions = {"add": "admin_add", "change": "admin_change", "delete": "admin_delete"}

    def audit_snapshot(self, obj) -> dict:
        inlines = [(inline.model, inline.fk_name) for inline in self.inlines]
        return admin_snapshot(obj, inlines)

    def _remember(self, request, obj) -> None:
        befores = request.__dict__.setdefault("juece_admin_befores", {})
        befores.setdefault((obj._meta.label_lower, str(obj.pk)),
                           (self.audit_snapshot(obj), _secrets(obj)))

    def _before(self, request, obj) -> tuple[dict, str] | None:
        befores = request.__dict__.get("juece_admin_befores", {})
        return befores.pop((obj._meta.label_lower, str(obj.pk)), None)

    def get_object(self, request, object_id, from_field=None):
        """The object as stored, before a form posted to it changes it in memory."""
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and request.method == "POST":
            self._remember(request, obj)
        return obj

    def save_model(self, request, obj, form, change):
        if change and obj.pk is not None:  # a list's editable rows: no get_object first
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            if stored is not None:
                self._remember(request, stored)
        super().save_model(request, obj, form, change)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        audit_record(action=self.audit_actions["add"], actor=request.user,
                     after=self.audit_snapshot(obj))
        return entry

    def log_change(self, request, obj, message):
        """After the form, its inlines and many-to-many lists are saved; no event when nothing
        changed."""
        entry = super().log_change(request, obj, message)
        before, secrets_before = self._before(request, obj) or ({}, None)
        after = self.audit_snapshot(obj)
        if secrets_before is not None and secrets_before != _secrets(obj):
            after["password_changed"] = True
        if after != before:
            audit_record(action=self.audit_actions["change"], actor=request.user,
                         before=before, after=after)
        return entry

    def audit_deletion(self, obj) -> dict | None:
        """What a deletion's event records after it (a ModelAdmin may say why, and whose)."""
        return None

    def delete_model(self, request, obj):
        audit_record(action=self.audit_actions["delete"], actor=request.user,
                     before=self.audit_snapshot(obj), after=self.audit_deletion(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_record(action=self.audit_actions["delete"], actor=request.user,
                         before=self.audit_snapshot(obj), after=self.audit_deletion(obj))
        super().delete_queryset(request, queryset)


class AuditedAdminSite(admin.AdminSite):
    """The admin site whose every registered ModelAdmin is audited (``AdminAuditMixin``)."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AdminAuditMixin):
            admin_class = type(admin_class.__name__, (AdminAuditMixin, admin_class),
                               {"__module__": admin_class.__module__,
                                "__doc__": admin_class.__doc__})
        super().register(model_or_iterable, admin_class, **options)
