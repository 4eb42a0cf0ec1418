"""Giving a document its number: the next of its kind in its year, once, race-safe."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..models import LegalReview
from ..rulebook import DocumentKind
from .models import DocumentCounter, DocumentNumber


def _next_serial(kind: str, year: int) -> int:
    """The counter's next number. The UPDATE holds the counter's row until the caller's
    transaction ends, so two writers never take the same number; the unique (kind, year) makes
    two first writers share one counter (get_or_create finds the other's row)."""
    DocumentCounter.objects.get_or_create(kind=kind, year=year)
    DocumentCounter.objects.filter(kind=kind, year=year).update(last=F("last") + 1)
    return DocumentCounter.objects.values_list("last", flat=True).get(kind=kind, year=year)


@transaction.atomic
def review_opinion_number(review: LegalReview, *, acting_user) -> tuple[DocumentNumber, bool]:
    """The number of ``review``'s 合法性审查意见书, in the year of the review, given now if it has
    none (a review recorded before documents were numbered); and whether it was given now.

    The caller records the act: the review's own event, or the document's issue."""
    existing = DocumentNumber.objects.filter(review=review).first()
    if existing is not None:
        return existing, False
    LegalReview.objects.select_for_update().filter(pk=review.pk).first()  # one number per review
    existing = DocumentNumber.objects.filter(review=review).first()
    if existing is not None:
        return existing, False
    kind = DocumentKind.LEGAL_REVIEW_OPINION
    year = timezone.localtime(review.reviewed_at, timezone.get_default_timezone()).year
    number = DocumentNumber.objects.create(
        kind=kind, year=year, serial=_next_serial(kind, year), decision_id=review.decision_id,
        review=review, assigned_by=acting_user)
    return number, True
