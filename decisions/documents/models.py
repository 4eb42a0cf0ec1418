"""The numbers documents carry: 〔2026〕第3号, counted per kind of document and year.

A number is given once, to one record, and never again: the counter only goes up, and a number
given is an immutable record (on PostgreSQL a trigger refuses its change or deletion)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..records.models import Decision, ImmutableRecord, LegalReview
from ..rulebook import DocumentKind

User = settings.AUTH_USER_MODEL


class DocumentCounter(models.Model):
    """The last number given to a kind of document in a year."""

    kind = models.CharField(_("kind of document"), max_length=32, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("document counter")
        verbose_name_plural = _("document counters")
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="one_counter_per_kind_and_year"),
        ]

    def __str__(self):
        return f"{self.kind} {self.year}: {self.last}"


class DocumentNumber(ImmutableRecord):
    """The number of one document: a legality review's opinion (合法性审查意见书) is numbered
    when the review is recorded, or when it is first issued if it was recorded before."""

    kind = models.CharField(_("kind of document"), max_length=32, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("number within the year"))
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")
    review = models.OneToOneField(LegalReview, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="document_number",
                                  verbose_name=_("legality review"))
    assigned_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("assigned by"))
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document number")
        verbose_name_plural = _("document numbers")
        ordering = ["kind", "year", "serial"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "serial"],
                                    name="document_number_unique_in_its_year"),
            models.CheckConstraint(condition=Q(serial__gte=1), name="document_number_positive"),
            models.CheckConstraint(
                condition=~Q(kind=DocumentKind.LEGAL_REVIEW_OPINION) | Q(review__isnull=False),
                name="review_opinion_number_names_its_review"),
        ]

    def __str__(self):
        return f"〔{self.year}〕第{self.serial}号"
