"""The dossier download: one decision's archive (Art. 33) as a ZIP, for whoever may read it."""

from django.http import HttpResponse
from django.views import generic

from decisions.dossier.build import build_dossier

from .pages import DecisionPageMixin


class DossierDownloadView(DecisionPageMixin, generic.View):
    """Every download is an event of the decision's trail, an auditor's read included."""

    flow_class = None
    viewset = None
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        decision = self.get_decision()
        archive = build_dossier(decision, acting_user=request.user)
        response = HttpResponse(archive, content_type="application/zip")
        response["Content-Disposition"] = (
            f'attachment; filename="juece-decision-{decision.pk}-dossier.zip"')
        response["Cache-Control"] = "no-store"
        return response
