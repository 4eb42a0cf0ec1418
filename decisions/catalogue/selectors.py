"""Reads of the annual catalogue: the public list and its changes, the items a proposal may
name, and the items never brought to a decision.

The public page is read without a login: of a decision linked to an item it shows only whether
one was brought, and its title and publication only once the decision itself is published
(Art. 32); nothing of a decision still in the procedure leaks.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from ..records.models import Decision
from ..rulebook import DecisionStatus
from .models import Catalogue, CatalogueItem


def catalogues() -> QuerySet:
    """Every year's catalogue, newest first, with its item counts, for the office."""
    return Catalogue.objects.select_related("published_by", "created_by").annotate(
        item_count=Count("items", filter=Q(items__removed_at__isnull=True)))


def catalogue_of_year(year: int) -> Catalogue | None:
    return catalogues().filter(year=year).first()


def published_catalogues() -> QuerySet:
    """The published catalogues, newest first: the public index."""
    return catalogues().filter(published_at__isnull=False)


def published_catalogue(year: int) -> Catalogue | None:
    return published_catalogues().filter(year=year).first()


def catalogue_items(catalogue: Catalogue) -> QuerySet:
    """Every item of the list, removed ones too, in number order, for the office's page."""
    return (catalogue.items.select_related("added_by", "removed_by")
            .annotate(decision_count=Count("decisions")).order_by("number"))


def items_open_for_proposal(year: int, *, keep=None) -> QuerySet:
    """The items a decision proposed in ``year`` may carry out: those of the year's published
    catalogue not removed. ``keep``: an item already linked, offered still."""
    items = CatalogueItem.objects.select_related("catalogue").filter(
        catalogue__year=year, catalogue__published_at__isnull=False, removed_at__isnull=True)
    if keep is not None:
        items = items | CatalogueItem.objects.select_related("catalogue").filter(pk=keep.pk)
    return items.order_by("catalogue__year", "number")


def items_for_correction(year: int, *, keep=None) -> QuerySet:
    """The items the office may link a decision of ``year`` to when it corrects the link."""
    return items_open_for_proposal(year, keep=keep)


def items_never_brought(year: int) -> QuerySet:
    """The items of the year's catalogue, not removed, that no decision carries out."""
    return (CatalogueItem.objects.filter(catalogue__year=year, removed_at__isnull=True)
            .filter(~Exists(Decision.objects.filter(catalogue_item=OuterRef("pk"))))
            .order_by("number"))


def item_by_pk(pk) -> CatalogueItem | None:
    return CatalogueItem.objects.select_related("catalogue").filter(pk=pk).first()


@dataclass(frozen=True)
class PublicItem:
    """One line of the published list, as anyone may read it."""

    pk: int
    number: int
    title: str
    lead_unit: str
    planned_quarter: int
    basis: str
    added_on: datetime.datetime
    added_reason: str
    added_after_publication: bool
    removed_on: datetime.datetime | None
    removed_reason: str
    brought: bool
    published_decisions: tuple  # (title, published_on) of each published decision


@dataclass(frozen=True)
class CatalogueChange:
    """An adjustment of the published list: an item added or removed, when and why."""

    kind: str  # "added" or "removed"
    on: datetime.datetime
    number: int
    title: str
    reason: str


def public_items(catalogue: Catalogue) -> list[PublicItem]:
    """The list as published and adjusted since: items removed before publication were never
    on it and are left out; of the decisions carrying out an item, only the published ones are
    named. Three queries."""
    published_at = catalogue.published_at
    publications = Prefetch(
        "decisions", to_attr="published_decisions",
        queryset=Decision.objects.filter(status=DecisionStatus.PUBLISHED)
        .select_related("publication").order_by("id"))
    items = (catalogue.items.annotate(decision_count=Count("decisions"))
             .prefetch_related(publications).order_by("number"))
    rows = []
    for item in items:
        if item.removed_at is not None and published_at and item.removed_at < published_at:
            continue
        rows.append(PublicItem(
            pk=item.pk, number=item.number, title=item.title, lead_unit=item.lead_unit,
            planned_quarter=item.planned_quarter, basis=item.basis, added_on=item.added_at,
            added_reason=item.added_reason,
            added_after_publication=bool(published_at and item.added_at > published_at),
            removed_on=item.removed_at, removed_reason=item.removed_reason,
            brought=item.decision_count > 0,
            published_decisions=tuple(
                (d.title, getattr(getattr(d, "publication", None), "published_on", None))
                for d in item.published_decisions)))
    return rows


def public_changes(items: list[PublicItem]) -> list[CatalogueChange]:
    """The year's adjustments of the published list, oldest first."""
    changes = []
    for item in items:
        if item.added_after_publication:
            changes.append(CatalogueChange("added", item.added_on, item.number, item.title,
                                           item.added_reason))
        if item.removed_on is not None:
            changes.append(CatalogueChange("removed", item.removed_on, item.number, item.title,
                                           item.removed_reason))
    return sorted(changes, key=lambda change: (change.on, change.number))


def all_items() -> QuerySet:
    """Every item, for a door that names one by id; the service says whether it may be used."""
    return CatalogueItem.objects.select_related("catalogue")
