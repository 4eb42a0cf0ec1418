"""The office keeps the year's catalogue (Art. 3 para. 3): it drafts the list, records the Party
committee's consent, publishes it, and adjusts it during the year, each change with its reason.

Every write names its actor and is an audit event in the same transaction; an item is never
deleted. The drafter links a decision to an item at its proposal, or says why it is outside
(``catalogue_link_problems``, called by decisions/records/initiation.py); the office corrects the
link later with a reason (``decision_catalogue_link_correct``).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ..audit import audit_record, snapshot
from ..errors import StatutoryGateError
from ..records._common import locked, raise_if, require_text
from ..records.models import Decision
from .models import MANAGE_PERMISSION, Catalogue, CatalogueItem

ITEM_FIELDS = ["number", "title", "lead_unit", "planned_quarter", "basis", "added_at",
               "added_by", "added_reason", "removed_at", "removed_by", "removed_reason"]
LINK_FIELDS = ["catalogue_item", "outside_catalogue_reason"]
#: The years a catalogue may be kept for: a town's list is for a near year, not a typo's.
YEARS = range(2019, 2101)  # the decree applies from 1 September 2019 (Art. 44)


def may_manage_catalogue(user) -> bool:
    """The office's role-wide permission (decisions/roles.py); a superuser holds every one."""
    return bool(user and user.is_authenticated and user.is_active
                and user.has_perm(f"decisions.{MANAGE_PERMISSION}"))


def _require_manager(user) -> None:
    if not may_manage_catalogue(user):
        raise PermissionDenied(_("Only the office of the decision organ keeps the annual "
                                 "decision catalogue."))


def _locked(catalogue: Catalogue) -> Catalogue:
    return Catalogue.objects.select_for_update().get(pk=catalogue.pk)


def _event(action: str, catalogue: Catalogue, acting_user, before=None, after=None,
           decision=None):
    audit_record(action=action, actor=acting_user, decision=decision,
                 before=before, after={"catalogue_year": catalogue.year, **(after or {})})


def default_title(organ: str, year: int) -> str:
    return _("%(organ)s %(year)s annual catalogue of major administrative decision items") % {
        "organ": organ, "year": year}


@transaction.atomic
def catalogue_create(*, year, organ: str, title: str = "", acting_user) -> Catalogue:
    """The office drafts the year's list; it is published once the Party committee consents."""
    _require_manager(acting_user)
    errors: dict = {}
    require_text(errors, "organ", organ, _("The decision organ"))
    try:
        year = int(year)
    except (TypeError, ValueError):
        errors.setdefault("year", []).append(_("Give the year as a number, e.g. 2025."))
    else:
        if year not in YEARS:
            errors.setdefault("year", []).append(
                _("Give a year from %(first)s to %(last)s.") % {"first": YEARS[0],
                                                                "last": YEARS[-1]})
        elif Catalogue.objects.filter(year=year).exists():
            errors.setdefault("year", []).append(
                _("The catalogue of %(year)s already exists: add its items there.")
                % {"year": year})
    raise_if(errors)
    organ = organ.strip()
    catalogue = Catalogue.objects.create(
        year=year, organ=organ, title=(title or "").strip() or default_title(organ, year),
        created_by=acting_user)
    _event("catalogue_create", catalogue, acting_user,
           after=snapshot(catalogue, ["organ", "title"]))
    return catalogue


def _validate_item(title, lead_unit, planned_quarter, basis) -> int | None:
    errors: dict = {}
    require_text(errors, "title", title, _("The item"))
    require_text(errors, "lead_unit", lead_unit, _("The lead unit"))
    require_text(errors, "basis", basis, _("The basis"))
    try:
        quarter = int(planned_quarter)
    except (TypeError, ValueError):
        quarter = None
    if quarter not in (1, 2, 3, 4):
        errors.setdefault("planned_quarter", []).append(
            _("Choose the planned quarter: 1, 2, 3 or 4."))
    raise_if(errors)
    return quarter


@transaction.atomic
def catalogue_item_add(*, catalogue: Catalogue, title: str, lead_unit: str, planned_quarter,
                       basis: str, reason: str = "", acting_user) -> CatalogueItem:
    """An item of the year's list, numbered after the last. Once the list is published, an
    addition is an adjustment of it (Art. 3 para. 3: 根据实际情况调整) and says why."""
    _require_manager(acting_user)
    catalogue = _locked(catalogue)
    quarter = _validate_item(title, lead_unit, planned_quarter, basis)
    reason = (reason or "").strip()
    if catalogue.is_published and not reason:
        raise ValidationError({"reason": [_("The catalogue is published: give the reason for "
                                            "adding this item during the year.")]})
    last = catalogue.items.aggregate(last=Max("number"))["last"] or 0
    item = CatalogueItem.objects.create(
        catalogue=catalogue, number=last + 1, title=title.strip(), lead_unit=lead_unit.strip(),
        planned_quarter=quarter, basis=basis.strip(), added_at=timezone.now(),
        added_by=acting_user, added_reason=reason)
    _event("catalogue_item_add", catalogue, acting_user,
           after={"published": catalogue.is_published,
                  **snapshot(item, ["number", "title", "lead_unit", "planned_quarter", "basis",
                                    "added_reason"])})
    return item


@transaction.atomic
def catalogue_item_remove(*, item: CatalogueItem, reason: str, acting_user) -> CatalogueItem:
    """The item is marked removed, with who, when and why; its row and any decision linked to
    it stay."""
    _require_manager(acting_user)
    item = CatalogueItem.objects.select_for_update().select_related("catalogue").get(pk=item.pk)
    if item.is_removed:
        raise StatutoryGateError("catalogue_item_removed",
                                 _("This item was already removed from the catalogue."))
    if not reason or not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for removing the item.")]})
    item.removed_at = timezone.now()
    item.removed_by = acting_user
    item.removed_reason = reason.strip()
    item.save(update_fields=["removed_at", "removed_by", "removed_reason"])
    _event("catalogue_item_remove", item.catalogue, acting_user,
           before=snapshot(item, ["number", "title"]),
           after={"published": item.catalogue.is_published,
                  **snapshot(item, ["removed_at", "removed_reason"])})
    return item


@transaction.atomic
def catalogue_consent_record(*, catalogue: Catalogue, date, reference: str,
                             acting_user) -> Catalogue:
    """The Party committee at the same level agreed to the list (经同级党委同意): its date and
    the reference of its reply. It may be corrected until the list is published."""
    _require_manager(acting_user)
    catalogue = _locked(catalogue)
    if catalogue.is_published:
        raise StatutoryGateError("catalogue_published", _(
            "The catalogue is published with the Party committee's consent it names; that "
            "record is no longer changed."))
    errors: dict = {}
    if not isinstance(date, datetime.date):
        errors["date"] = [_("Give the date of the Party committee's consent.")]
    elif date > timezone.localdate():
        errors["date"] = [_("The date of the consent cannot be in the future.")]
    require_text(errors, "reference", reference, _("The reference of the consent"))
    raise_if(errors)
    before = snapshot(catalogue, ["party_consent_date", "party_consent_reference"])
    catalogue.party_consent_date = date
    catalogue.party_consent_reference = reference.strip()
    catalogue.save(update_fields=["party_consent_date", "party_consent_reference"])
    _event("catalogue_consent_record", catalogue, acting_user, before=before,
           after=snapshot(catalogue, ["party_consent_date", "party_consent_reference"]))
    return catalogue


@transaction.atomic
def catalogue_publish(*, catalogue: Catalogue, acting_user) -> Catalogue:
    """The list is published to the public (向社会公布) once the Party committee has consented
    to it (Art. 3 para. 3), with at least one item."""
    _require_manager(acting_user)
    catalogue = _locked(catalogue)
    if catalogue.is_published:
        raise StatutoryGateError("catalogue_published",
                                 _("The catalogue is already published."))
    if catalogue.party_consent_date is None or not catalogue.party_consent_reference:
        raise StatutoryGateError("catalogue_consent_missing", _(
            "Record the Party committee's consent (its date and reference) before publishing "
            "the catalogue (Art. 3 para. 3)."))
    if not catalogue.items.filter(removed_at__isnull=True).exists():
        raise StatutoryGateError("catalogue_empty",
                                 _("Add at least one item before publishing the catalogue."))
    catalogue.published_at = timezone.now()
    catalogue.published_by = acting_user
    catalogue.save(update_fields=["published_at", "published_by"])
    _event("catalogue_publish", catalogue, acting_user, after={
        **snapshot(catalogue, ["title", "published_at", "party_consent_date",
                               "party_consent_reference"]),
        "items": list(catalogue.items.filter(removed_at__isnull=True)
                      .values_list("number", flat=True))})
    return catalogue


def link_snapshot(decision: Decision) -> dict:
    """The decision's link as the audit trail keeps it: the item's record number and name."""
    item = decision.catalogue_item
    return {**snapshot(decision, LINK_FIELDS), "catalogue_item": str(item) if item else ""}


def decision_year(decision: Decision | None = None) -> int:
    """The year whose catalogue a decision belongs to: the year it was proposed in."""
    moment = decision.created_at if decision is not None and decision.created_at else None
    return timezone.localdate(moment).year if moment else timezone.localdate().year


def catalogue_link_problems(*, catalogue_item, outside_catalogue_reason: str, year: int,
                            errors: dict) -> None:
    """Art. 3 para. 3: a decision carries out an item of its year's published catalogue, or
    says why it is outside it; one or the other, not both. Adds field errors to ``errors``."""
    reason = (outside_catalogue_reason or "").strip()
    if catalogue_item is None and not reason:
        errors.setdefault("catalogue_item", []).append(_(
            "Choose the item of the %(year)s decision catalogue this decision carries out, or "
            "give the reason why it is outside the catalogue.") % {"year": year})
    elif catalogue_item is not None and reason:
        errors.setdefault("outside_catalogue_reason", []).append(_(
            "The decision carries out a catalogue item: leave the reason for being outside the "
            "catalogue empty, or choose no item."))
    elif catalogue_item is not None:
        if not isinstance(catalogue_item, CatalogueItem):
            errors.setdefault("catalogue_item", []).append(_("Choose an item of the catalogue."))
        elif not catalogue_item.catalogue.is_published:
            errors.setdefault("catalogue_item", []).append(
                _("This item's catalogue is not published yet."))
        elif catalogue_item.is_removed:
            errors.setdefault("catalogue_item", []).append(
                _("This item was removed from the catalogue: choose another, or give the reason "
                  "why the decision is outside the catalogue."))
        elif catalogue_item.catalogue.year != year:
            errors.setdefault("catalogue_item", []).append(
                _("Choose an item of the %(year)s catalogue, the year of the proposal.")
                % {"year": year})


@transaction.atomic
def decision_catalogue_link_correct(*, decision: Decision, catalogue_item=None,
                                    outside_catalogue_reason: str = "", reason: str,
                                    acting_user) -> Decision:
    """The office corrects which item a decision carries out, or why it is outside the
    catalogue, saying why it corrects it."""
    _require_manager(acting_user)
    decision = locked(decision)
    errors: dict = {}
    catalogue_link_problems(catalogue_item=catalogue_item,
                            outside_catalogue_reason=outside_catalogue_reason,
                            year=decision_year(decision), errors=errors)
    require_text(errors, "reason", reason, _("The reason for the correction"))
    raise_if(errors)
    before = link_snapshot(decision)
    decision.catalogue_item = catalogue_item
    decision.outside_catalogue_reason = (outside_catalogue_reason or "").strip()
    decision.save(update_fields=[*LINK_FIELDS, "updated_at"])
    audit_record(action="decision_catalogue_link", actor=acting_user, decision=decision,
                 before=before, after={**link_snapshot(decision), "reason": reason.strip()})
    return decision
