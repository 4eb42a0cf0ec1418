from functools import cached_property

from django.urls import path
from viewflow.utils import viewprop
from viewflow.workflow.flow import FlowAppViewset

from decisions import permissions
from decisions.catalogue.services import may_manage_catalogue

from . import annual_report, audit_pages, documents, dossier, notifications, pages, queues
from .catalogue_pages import CatalogueViewsetMixin
from .dashboard import FiguresViewsetMixin


class MenuCount:
    """``{{ user_queue.count }}``: the number of a user's tasks, counted when the menu shows it,
    or as the page's own list counted them (``juece_task_counts``, pages.TaskColumnsMixin)."""

    def __init__(self, tasks, request):
        self.tasks, self.request = tasks, request

    @cached_property
    def count(self) -> int:
        counted = getattr(self.request, "juece_task_counts", {})
        if self.tasks in counted:
            return counted[self.tasks]
        return queues.count_of(self.tasks, self.request.user)


class DecisionAppViewset(CatalogueViewsetMixin, FiguresViewsetMixin, FlowAppViewset):
    """viewflow's inbox, queue and archive, with the decision list and page as its own; the
    office's annual catalogue (catalogue_pages.py)."""

    dashboard_view_class = pages.DecisionListView
    process_list_view_class = pages.DecisionListView
    process_detail_view_class = pages.DecisionDetailView
    inbox_view_class = pages.InboxView
    queue_view_class = pages.QueueView
    archive_view_class = pages.ArchiveView
    chart_view_class = pages.DecisionChartView
    task_list_view_class = pages.TaskListView
    tasks_assign_view_class = pages.BulkAssignView
    tasks_unassign_view_class = pages.BulkUnassignView
    menu_template_name = "workflows/flow_menu.html"

    @viewprop
    def attachment_view(self):
        return pages.AttachmentDownloadView.as_view()

    @property
    def attachment_path(self):
        return path("<int:process_pk>/attachments/<int:attachment_pk>/", self.attachment_view,
                    name="attachment")

    @viewprop
    def dossier_view(self):
        return dossier.DossierDownloadView.as_view()

    @property
    def dossier_path(self):
        return path("<int:process_pk>/dossier/", self.dossier_view, name="dossier")

    def get_context_data(self, request):
        """The menu's counters, from the same task lists the pages show, and the auditor's link."""
        return {"user_inbox": MenuCount(queues.tasks_inbox, request),
                "user_queue": MenuCount(queues.tasks_queue, request),
                "may_search_audit_trail": permissions.can_search_audit_trail(request.user),
                "may_manage_catalogue": may_manage_catalogue(request.user)}

    @viewprop
    def timeline_view(self):
        return audit_pages.DecisionTimelineView.as_view()

    @property
    def timeline_path(self):
        return path("<int:process_pk>/timeline/", self.timeline_view, name="timeline")

    @property
    def audit_search_path(self):
        return path("audit/", audit_pages.AuditSearchView.as_view(), name="audit_search")

    @property
    def audit_verify_path(self):
        return path("audit/verify/", audit_pages.AuditVerifyView.as_view(), name="audit_verify")

    @viewprop
    def opinion_adoption_view(self):
        return pages.OpinionAdoptionView.as_view()

    @property
    def opinion_adoption_path(self):
        return path("<int:process_pk>/opinions/<int:opinion_pk>/adoption/",
                    self.opinion_adoption_view, name="opinion_adoption")

    @viewprop
    def withdraw_view(self):
        return pages.WithdrawView.as_view()

    @property
    def withdraw_path(self):
        return path("<int:process_pk>/withdraw/", self.withdraw_view, name="withdraw")

    @viewprop
    def deadline_change_view(self):
        return pages.DeadlineChangeView.as_view()

    @property
    def deadline_change_path(self):
        return path("<int:process_pk>/deadlines/<int:deadline_pk>/", self.deadline_change_view,
                    name="deadline_change")

    @property
    def notification_list_path(self):
        return path("notifications/", notifications.NotificationListView.as_view(),
                    name="notifications")

    @property
    def notification_open_path(self):
        return path("notifications/<int:notification_pk>/",
                    notifications.NotificationOpenView.as_view(), name="notification_open")

    @property
    def notifications_read_path(self):
        return path("notifications/read/", notifications.NotificationsMarkAllReadView.as_view(),
                    name="notifications_read")

    # The documents offices print (workflows/documents.py)
    @property
    def document_review_path(self):
        return path("<int:process_pk>/documents/review/<int:record_pk>/",
                    documents.review_opinion_view, name="document_review")

    @property
    def document_meeting_path(self):
        return path("<int:process_pk>/documents/meeting/<int:record_pk>/",
                    documents.meeting_record_view, name="document_meeting")

    @property
    def document_explanation_path(self):
        return path("<int:process_pk>/documents/explanation/",
                    documents.decision_explanation_view, name="document_explanation")

    # The annual report's page and PDF (workflows/annual_report.py)
    @property
    def annual_report_path(self):
        return path("figures/report/", annual_report.AnnualReportView.as_view(),
                    name="annual_report")

    @property
    def annual_report_pdf_path(self):
        return path("figures/report/pdf/", annual_report.AnnualReportPdfView.as_view(),
                    name="annual_report_pdf")
