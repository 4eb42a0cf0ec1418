"""Issuing a document: its PDF for a reader of the decision, each issue on the record."""

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from .. import permissions, selectors
from ..audit import audit_record
from ..models import Decision
from ..rulebook import DocumentKind
from . import content
from .layout import layout_pdf, render_blocks
from .numbering import review_opinion_number

#: The documents' language: they are the office's papers, whatever the reader's browser says.
DOCUMENT_LANGUAGE = "zh-hans"
#: Each kind's template, under a templates directory (a deployment's JUECE_TEMPLATES_DIR first).
TEMPLATES = {
    DocumentKind.LEGAL_REVIEW_OPINION: "documents/legal_review_opinion.txt",
    DocumentKind.MEETING_RECORD: "documents/meeting_record.txt",
    DocumentKind.DECISION_EXPLANATION: "documents/decision_explanation.txt",
}


@dataclass(frozen=True)
class IssuedDocument:
    kind: str
    filename: str
    content: bytes
    number: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def document_issue(*, decision: Decision, kind: str, record_id: int | None = None,
                   acting_user) -> IssuedDocument:
    """The PDF of one document of ``decision`` for ``acting_user``, who may read the decision,
    from its template; the issue is an event of the decision's trail (who took which document,
    its number and the PDF's SHA-256), like a download of the dossier.

    ``record_id`` names the review or the meeting; a record that is not this decision's, or a
    document the record cannot print yet, is ``ObjectDoesNotExist``. A review recorded before
    documents were numbered gets its number now, the next of the year of the review."""
    if not permissions.can_view(acting_user, decision):
        raise PermissionDenied(_("You may not read this decision."))
    if kind not in TEMPLATES:
        raise ObjectDoesNotExist(kind)
    with transaction.atomic(), translation.override(DOCUMENT_LANGUAGE):
        decision = selectors.decision_for_page(decision.pk)
        number, given = None, False
        if kind == DocumentKind.LEGAL_REVIEW_OPINION:
            review = _one(decision.reviews.all(), record_id)
            number, given = review_opinion_number(review, acting_user=acting_user)
            values = content.review_opinion(decision, review, number)
            filename = f"决策{decision.pk}-合法性审查意见书{number}.pdf"
        elif kind == DocumentKind.MEETING_RECORD:
            meeting = _one(decision.meetings.all(), record_id)
            values = content.meeting_record(decision, meeting)
            filename = f"决策{decision.pk}-集体讨论决定记录-{meeting.meeting_date.isoformat()}.pdf"
        else:
            publication = getattr(decision, "publication", None)
            if publication is None:
                raise ObjectDoesNotExist(_("This decision has not been published."))
            values = content.decision_explanation(decision, publication)
            filename = f"决策{decision.pk}-决策说明.pdf"
        pdf = layout_pdf(render_blocks(TEMPLATES[kind], values),
                         title=f"{DocumentKind(kind).label}：{decision.title}")
        issued = IssuedDocument(kind=kind, filename=filename, content=pdf,
                                number=str(number) if number else "")
        after = {"document": kind, "record_id": record_id, "sha256": issued.sha256}
        if number is not None:
            after.update(document_number=issued.number, number_given=given)
        audit_record(action="document_download", actor=acting_user, decision=decision,
                     after=after)
    return issued


def _one(records, record_id):
    for record in records:
        if record.pk == record_id:
            return record
    raise ObjectDoesNotExist(record_id)
