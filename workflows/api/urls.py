from django.urls import path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import catalogue, views


class IdConverter:
    """Any path segment: the view answers a malformed or out-of-range id with the API's JSON
    404, never with the site's HTML page."""

    regex = "[^/]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


register_converter(IdConverter, "id")

app_name = "api"

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("auth/logout/", views.LogoutView.as_view(), name="logout"),
    path("auth/logout-all/", views.LogoutAllView.as_view(), name="logout-all"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Its start-up script from its own URL (?script), not inline: the Content-Security-Policy.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("decisions/", views.DecisionListView.as_view(), name="decisions"),
    path("decisions/<id:pk>/", views.DecisionDetailView.as_view(), name="decision"),
    path("decisions/<id:pk>/events/", views.DecisionEventsView.as_view(), name="events"),
    path("decisions/<id:pk>/withdraw/", views.DecisionWithdrawView.as_view(), name="withdraw"),
    path("decisions/<id:pk>/expert-opinions/<id:opinion_id>/adoption/",
         views.OpinionAdoptionView.as_view(), name="opinion-adoption"),
    path("tasks/", views.TaskListView.as_view(), name="tasks"),
    path("tasks/<id:pk>/", views.TaskDetailView.as_view(), name="task"),
    path("tasks/<id:pk>/claim/", views.TaskClaimView.as_view(), name="task-claim"),
    path("tasks/<id:pk>/complete/", views.TaskCompleteView.as_view(), name="task-complete"),
    path("tasks/<id:pk>/deadline/", views.TaskDeadlineView.as_view(), name="task-deadline"),
    path("audit/verify/", views.AuditVerifyView.as_view(), name="audit-verify"),
    path("catalogue/<id:year>/", catalogue.CatalogueView.as_view(), name="catalogue"),
]
