"""The dossier download: one decision's archive (Art. 33) as a ZIP, for its auditors and the
office that keeps the archive: it holds the whole audit trail, IP addresses included."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect
from django.views import generic

from decisions.documents.fonts import UndrawableCharacter
from decisions.dossier.build import dossier_file

from .pages import DecisionPageMixin, may_take_the_dossier


class DossierDownloadView(DecisionPageMixin, generic.View):
    """Every download is an event of the decision's trail, an auditor's read included. The ZIP
    is written to a temporary file and streamed from it: a decision's attachments are never
    held in memory together."""

    flow_class = None
    viewset = None
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        decision = self.get_decision()
        if not may_take_the_dossier(request.user):
            raise PermissionDenied
        try:
            handle = dossier_file(decision, acting_user=request.user)
        except UndrawableCharacter as refused:  # nothing recorded: the export rolled back
            messages.error(request, str(refused))
            return redirect(request.resolver_match.flow_viewset.reverse(
                "process_detail", args=[decision.process_id]))
        response = FileResponse(handle,
                                as_attachment=True, content_type="application/zip",
                                filename=f"juece-decision-{decision.pk}-dossier.zip")
        response["Cache-Control"] = "no-store"
        return response
