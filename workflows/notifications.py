"""The reader's own in-app notifications: the list, opening one, marking them all read."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import generic

from decisions import selectors
from decisions.deadlines.notifications import notification_mark_read, notifications_mark_all_read
from decisions.links import site_path


class NotificationListView(LoginRequiredMixin, generic.ListView):
    template_name = "workflows/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 50
    flow_class = None
    viewset = None

    def get_queryset(self):
        return selectors.notifications_for_user(self.request.user)


class NotificationOpenView(LoginRequiredMixin, generic.View):
    """Opening a notification marks it read and follows its link into the site (a task, or
    the decision); another's is a 404."""

    flow_class = None
    viewset = None
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        notification = get_object_or_404(selectors.notifications_for_user(request.user),
                                         pk=kwargs["notification_pk"])
        notification_mark_read(notification=notification, acting_user=request.user)
        viewset = request.resolver_match.flow_viewset
        path = site_path(notification.url)
        if path:
            return redirect(path)
        if notification.decision_id:
            return redirect(viewset.reverse("process_detail",
                                            args=[notification.decision.process_id]))
        if notification.url and url_has_allowed_host_and_scheme(
                notification.url, allowed_hosts={request.get_host()}):
            return redirect(notification.url)
        return redirect(viewset.reverse("notifications"))


class NotificationsMarkAllReadView(LoginRequiredMixin, generic.View):
    flow_class = None
    viewset = None
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        notifications_mark_all_read(acting_user=request.user)
        return redirect(request.resolver_match.flow_viewset.reverse("notifications"))
