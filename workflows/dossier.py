"""The dossier download: one decision's archive (Art. 33) as a ZIP, for whoever may read it."""

from django.http import FileResponse
from django.views import generic

from decisions.dossier.build import dossier_file

from .pages import DecisionPageMixin


class DossierDownloadView(DecisionPageMixin, generic.View):
    """Every download is an event of the decision's trail, an auditor's read included. The ZIP
    is written to a temporary file and streamed from it: a decision's attachments are never
    held in memory together."""

    flow_class = None
    viewset = None
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        decision = self.get_decision()
        response = FileResponse(dossier_file(decision, acting_user=request.user),
                                as_attachment=True, content_type="application/zip",
                                filename=f"juece-decision-{decision.pk}-dossier.zip")
        response["Cache-Control"] = "no-store"
        return response
