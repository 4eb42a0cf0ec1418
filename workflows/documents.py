"""The documents offices print, downloaded from the decision page by whoever may read the
decision: the legality review opinion, the meeting record, the explanation of the decision."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views import generic

from decisions import services
from decisions.documents.fonts import UndrawableCharacter
from decisions.documents.layout import DocumentTemplateError
from decisions.rulebook import DocumentKind

from .downloads import attachment_disposition
from .pages import DecisionPageMixin


class DocumentDownloadView(DecisionPageMixin, generic.View):
    """The PDF, made now from the record and the office's template, never cached; each
    download is an event of the decision's trail. A character no font can draw, or a template
    the office broke, sends the reader back to the page with the reason."""

    flow_class = None
    viewset = None
    http_method_names = ["get"]
    kind = ""

    def get(self, request, *args, **kwargs):
        decision = self.get_decision()
        try:
            issued = services.document_issue(decision=decision, kind=self.kind,
                                             record_id=kwargs.get("record_pk"),
                                             acting_user=request.user)
        except ObjectDoesNotExist as missing:
            raise Http404 from missing
        except (UndrawableCharacter, DocumentTemplateError) as refused:
            messages.error(request, str(refused))
            return redirect(request.resolver_match.flow_viewset.reverse(
                "process_detail", args=[decision.process_id]))
        response = HttpResponse(issued.content, content_type="application/pdf")
        response["Content-Disposition"] = attachment_disposition(issued.filename)
        response["Cache-Control"] = "no-store"
        return response


review_opinion_view = DocumentDownloadView.as_view(kind=DocumentKind.LEGAL_REVIEW_OPINION)
meeting_record_view = DocumentDownloadView.as_view(kind=DocumentKind.MEETING_RECORD)
decision_explanation_view = DocumentDownloadView.as_view(
    kind=DocumentKind.DECISION_EXPLANATION)
