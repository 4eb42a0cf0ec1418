"""The annual catalogue (年度重大行政决策事项目录, Art. 3 para. 3) and its items.

An item is never deleted: an item added after publication says why, a removed one keeps its row
with who removed it, when and why, so the published page shows the year's changes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

User = settings.AUTH_USER_MODEL

#: The role-wide permission of the office: create, adjust and publish the catalogue.
MANAGE_PERMISSION = "manage_catalogue"


class Catalogue(models.Model):
    """One year's list of the decision organ, agreed by the Party committee at its level
    (date and reference of the consent), then published (Art. 3 para. 3)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    organ = models.CharField(_("decision organ"), max_length=120)
    title = models.CharField(_("title of the catalogue"), max_length=200)
    party_consent_date = models.DateField(_("date of the Party committee's consent"), null=True,
                                          blank=True)
    party_consent_reference = models.CharField(
        _("reference of the Party committee's consent"), max_length=120, blank=True, default="")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+",
                                     null=True, blank=True, verbose_name=_("published by"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision catalogue")
        verbose_name_plural = _("decision catalogues")
        ordering = ["-year"]
        permissions = [(MANAGE_PERMISSION, _("Can manage the annual decision catalogue"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(published_at__isnull=True)
                | (Q(published_by__isnull=False) & Q(party_consent_date__isnull=False)
                   & ~Q(party_consent_reference="")),
                name="decisions_catalogue_published_with_consent"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class CatalogueItem(models.Model):
    """One major decision item of the year: its title, lead unit, planned quarter and basis."""

    catalogue = models.ForeignKey(Catalogue, on_delete=models.PROTECT, related_name="items",
                                  verbose_name=_("catalogue"))
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("item"), max_length=200)
    lead_unit = models.CharField(_("lead unit"), max_length=120)
    planned_quarter = models.PositiveSmallIntegerField(
        _("planned quarter"), choices=[(q, q) for q in range(1, 5)])
    basis = models.TextField(_("basis"))
    added_at = models.DateTimeField(_("added at"))
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("added by"))
    added_reason = models.TextField(
        _("reason for the addition"), blank=True, default="",
        help_text=_("Required for an item added after the catalogue was published."))
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True,
                                   blank=True, verbose_name=_("removed by"))
    removed_reason = models.TextField(_("reason for the removal"), blank=True, default="")

    class Meta:
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")
        ordering = ["catalogue", "number"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "number"],
                                    name="decisions_catalogue_item_number"),
            models.CheckConstraint(condition=Q(planned_quarter__gte=1, planned_quarter__lte=4),
                                   name="decisions_catalogue_item_quarter"),
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True, removed_by__isnull=True, removed_reason="")
                | (Q(removed_at__isnull=False, removed_by__isnull=False)
                   & ~Q(removed_reason="")),
                name="decisions_catalogue_item_removal_reasoned"),
        ]

    def __str__(self):
        return f"{self.catalogue.year}-{self.number} {self.title}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None
