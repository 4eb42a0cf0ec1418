"""The pages around the flow: the decision list, the decision page, diffs and attachments."""

from functools import cached_property

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views import generic
from viewflow.utils import viewprop
from viewflow.workflow.flow.views import actions as flow_actions
from viewflow.workflow.flow.views import dashboard as flow_dashboard
from viewflow.workflow.flow.views import list as flow_lists
from viewflow.workflow.flow.views import mixins as flow_mixins
from viewflow.workflow.flow.views.chart import FlowChartView

from decisions import permissions, readable_counts, selectors, services
from decisions.calendar.working import WorkingCalendar
from decisions.errors import StatutoryGateError
from decisions.people import display_name
from decisions.rulebook import RULES, Role, Stage

from . import actions, forms, queues
from .catalogue_forms import catalogue_link_context
from .deadline_display import deadline_of, state_badge
from .diffs import draft_diff
from .downloads import attachment_disposition
from .flows import DecisionFlow
from .links import step_title, task_path
from .task_filters import CompletedTaskFilter, TaskFilter

#: The session key viewflow keeps a task list's address under (its StoreRequestPathMixin).
PIN_KEY = "vf-pin-location"


class DecisionPageMixin:
    """Loads the decision named by the URL, or 404 for anyone who may not see it."""

    def load_decision(self, process_pk: int):
        """The decision with what the page shows; a page that shows less loads less."""
        return selectors.decision_for_page_by_process(process_pk)

    def get_decision(self):
        process_pk = self.kwargs["process_pk"]
        if not self.request.user.is_authenticated:
            raise PermissionDenied
        try:
            decision = self.load_decision(process_pk)
        except selectors.Decision.DoesNotExist as missing:
            raise Http404 from missing
        if not permissions.can_view(self.request.user, decision):
            raise Http404  # recorded as a refusal by workflows.middleware, as every 404
        return decision


class DecisionListView(generic.ListView):
    """Every decision the user may read, with its stage and status."""

    template_name = "workflows/decision_list.html"
    paginate_by = 50
    flow_class = None
    viewset = None

    def get_queryset(self):
        return self._filtered(selectors.decisions_for_user(self.request.user, per_row=True))

    def _filtered(self, decisions):
        stage = self.request.GET.get("stage")
        return decisions.filter(stage=stage) if stage in Stage.values else decisions

    def get_paginator(self, queryset, per_page, **kwargs):
        """A page probes the reader's grants row by row down the date index; the count is the
        API's, kept per reader while unfiltered (decisions/readable_counts.py)."""
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        filtered = self.request.GET.get("stage") in Stage.values
        paginator.count = readable_counts.readable_count(self.request.user,
                                                         self._filtered if filtered else None)
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stages"] = Stage.choices
        context["current_stage"] = self.request.GET.get("stage", "")
        badges = _deadline_badges(context["object_list"])
        for decision in context["object_list"]:
            decision.deadline_badge = badges.get(decision.pk, "")
        start = self.flow_class.start
        if start.can_execute(self.request.user):
            context["start_url"] = start.reverse("execute")
        return context


def _deadline_badges(decisions) -> dict[int, str]:
    """Each listed decision's most pressing open deadline, as the inbox shows it: one query for
    the deadlines of the page's decisions, two for the calendar."""
    earliest = selectors.earliest_open_deadlines(decisions)
    if not earliest:
        return {}
    today = timezone.localdate()
    calendar = WorkingCalendar.around(today)
    return {pk: state_badge(deadline, today, calendar) for pk, deadline in earliest.items()}


class DecisionDetailView(DecisionPageMixin, generic.TemplateView):
    """The decision page: stage, drafts and their diffs, reviews, meeting record, flow chart."""

    template_name = "workflows/decision_detail.html"
    flow_class = None
    viewset = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        decision = self.get_decision()
        services.decision_record_dossier_read(decision=decision, acting_user=user,
                                              page=self.request.path)
        # Who may press which button, from one read of the user's roles and one of his grants
        # on this decision, not a query a button.
        standing = permissions.Standing(user, decision)
        tasks = [task for task in selectors.stage_tasks(decision)
                 if task.step != DecisionFlow.start.name]
        open_tasks = [t for t in tasks if t.is_open]
        versions = list(decision.versions.all())
        reviews = list(decision.reviews.all())
        latest_review = reviews[-1] if reviews else None
        may_change_deadlines = standing.may_change_deadlines() and not decision.is_closed
        context.update(
            decision=decision,
            versions=versions,
            diffs=[(older, newer, draft_diff(older.text, newer.text))
                   for older, newer in zip(versions, versions[1:], strict=False)],
            reviews=reviews,
            latest_review=latest_review,
            review_valid=selectors.review_is_current(decision, latest_review),
            open_tasks=open_tasks,
            open_task_rows=_open_task_rows(decision, open_tasks),
            may_change_deadlines=may_change_deadlines,
            # The same form on every open task's row: rendered once.
            deadline_form=(forms.DeadlineChangeForm(auto_id=False).as_div()
                           if may_change_deadlines and open_tasks else ""),
            done_tasks=[{"task": t, "title": step_title(t)} for t in tasks if not t.is_open],
            rules=RULES,
            stage_rank=selectors.stages_passed(decision),
            flow_viewset=self.request.resolver_match.flow_viewset,
            may_withdraw=(standing.may_withdraw()
                          and selectors.withdrawal_problem(decision) is None),
            withdrawal_form=forms.WithdrawalForm(auto_id="id_withdraw_%s"),
            may_take_dossier=may_take_the_dossier(user, standing),
            may_record_adoption=(standing.can_act(Stage.REVISION)
                                 and selectors.opinion_adoption_problem(decision) is None),
            **catalogue_link_context(user, decision),
            expert_opinions=[
                (opinion, forms.OpinionAdoptionForm(
                    auto_id=f"id_opinion{opinion.pk}_%s",
                    initial={"adoption": opinion.adoption, "reason": opinion.adoption_reason}))
                for opinion in decision.expert_opinions.all()],
        )
        return context


def may_take_the_dossier(user, standing: permissions.Standing | None = None) -> bool:
    """The archive dossier holds the decision's whole trail, refused attempts and IP addresses
    included: it is the auditors' (selectors.shows_ip) and the office's, which keeps the archive
    (Art. 33); not every participant's."""
    if selectors.shows_ip(user):
        return True
    return (standing.has_role(Role.OFFICE) if standing is not None
            else permissions.has_role(user, Role.OFFICE))


def _open_task_rows(decision, open_tasks) -> list[dict]:
    """Each open task with its deadline, state and the office's changes to it (two queries for
    the calendar and one for the changes, however many tasks)."""
    if not open_tasks:
        return []
    changes = selectors.deadline_changes(decision)
    today = timezone.localdate()
    calendar = WorkingCalendar.around(today)
    rows = []
    for task in open_tasks:
        deadline = deadline_of(task)
        rows.append({"task": task, "deadline": deadline, "url": task_path(task),
                     "title": step_title(task),
                     "state": state_badge(deadline, today, calendar),
                     "changes": changes[deadline.pk] if deadline else []})
    return rows


class DecisionPageAction(DecisionPageMixin, generic.View):
    """A button on the decision page: its small form, one service, then back to the page's
    section with the outcome as a message (a refusal says why, and nothing is recorded)."""

    flow_class = None
    viewset = None
    http_method_names = ["post"]
    form_class = None  # the action's small form
    section = ""
    success_message = ""

    def act(self, decision, **data) -> None:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        decision = self.get_decision()
        form = self.form_class(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(form.errors)
            self.act(decision, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        except StatutoryGateError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, self.success_message)
        return redirect(request.resolver_match.flow_viewset.reverse(
            "process_detail", args=[decision.process_id]) + f"#{self.section}")


class OpinionAdoptionView(DecisionPageAction):
    """The lead unit records the adoption of one expert opinion, from the decision page."""

    form_class = forms.OpinionAdoptionForm
    section = "experts"
    success_message = _("The adoption of the opinion is recorded.")

    def act(self, decision, **data):
        opinion = get_object_or_404(selectors.expert_opinions(decision),
                                    pk=self.kwargs["opinion_pk"])
        services.decision_record_opinion_adoption(decision=decision, opinion=opinion,
                                                  acting_user=self.request.user, **data)


class DeadlineChangeView(DecisionPageAction):
    """The office changes an open task's due date from the decision page, giving its reason."""

    form_class = forms.DeadlineChangeForm
    section = "stage"
    success_message = _("The due date is changed.")

    def act(self, decision, **data):
        deadline = get_object_or_404(selectors.deadlines(decision), pk=self.kwargs["deadline_pk"])
        services.decision_change_deadline(deadline=deadline, acting_user=self.request.user,
                                          **data)


class WithdrawView(DecisionPageAction):
    """The drafter (before acceptance) or the office (before the head's decision) withdraws the
    decision from its page, giving the reason; the flow stops and the file is archived."""

    form_class = forms.WithdrawalForm
    section = "stage"
    success_message = _("The decision is withdrawn and archived.")

    def act(self, decision, **data):
        actions.withdraw_decision(decision, acting_user=self.request.user, **data)


class AttachmentDownloadView(DecisionPageMixin, generic.View):
    flow_class = None
    viewset = None

    def get(self, request, *args, **kwargs):
        decision = self.get_decision()
        attachment = get_object_or_404(selectors.attachments(decision),
                                       pk=kwargs["attachment_pk"])
        services.attachment_download(attachment=attachment, acting_user=request.user)
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError as missing:
            raise Http404 from missing
        response = FileResponse(handle, as_attachment=True, filename=attachment.name)
        response["Content-Disposition"] = attachment_disposition(attachment.name)
        return response


class PinnedPathMixin:
    """viewflow's task lists keep their address in the session (``vf-pin-location``: where a
    finished task leads back to) on every request, so every look at the inbox wrote the
    session, an UPDATE and a commit. Written here only when it changed (issue 13)."""

    def dispatch(self, request, *args, **kwargs):
        session = getattr(request, "session", None)
        if session is not None and session.get(PIN_KEY) == request.get_full_path():
            return super(flow_mixins.StoreRequestPathMixin, self).dispatch(request, *args,
                                                                           **kwargs)
        return super().dispatch(request, *args, **kwargs)


class FixedColumn:
    """One of viewflow's list columns, its header, type and order asked once per page: viewflow
    looks each up again, through its column's methods, for every cell of every row."""

    def __init__(self, column):
        self.column, self.attr_name = column, column.attr_name
        self.header, self.column_type = str(column.header()), column.column_type()
        self._orderby = column.orderby()

    def orderby(self):
        return self._orderby

    def get_value(self, obj):
        return self.column.get_value(obj)

    def format_value(self, obj, value):
        return self.column.format_value(obj, value)


class TaskPaginator(Paginator):
    """An empty list's page is no rows: the ORM is not asked to write the query of an empty
    slice, which it then finds it need not run."""

    def page(self, number):
        if self.count == 0:
            return self._get_page([], self.validate_number(number), self)
        return super().page(number)


class TaskColumnsMixin(PinnedPathMixin):
    """Columns a task row shows: the task, its decision and its stage. What the rows need beyond
    the task is read for the page's tasks only, once each."""

    paginator_class = TaskPaginator
    #: The list unfiltered, of its user (``queues.tasks_inbox``...): counted by
    #: ``queues.count_of``, which runs the same query without building it.
    tasks = None

    def get_paginator(self, queryset, per_page, **kwargs):
        """Unfiltered, the list's count is the menu's counter of the same list (``MenuCount``
        reads it from the request): one query for both."""
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        if self.tasks and not set(self.request.GET) - {self.page_kwarg, self.ordering_kwarg}:
            counted = self.request.__dict__.setdefault("juece_task_counts", {})
            paginator.count = counted[self.tasks] = queues.count_of(self.tasks,
                                                                    self.request.user)
        return paginator

    @cached_property
    def list_columns(self):
        return {name: FixedColumn(self.get_column_def(name)) for name in self.get_columns()}

    def get_page_data(self, page):
        self._page = list(page)
        return super().get_page_data(self._page)

    @cached_property
    def _task_urls(self) -> dict:
        return {}

    def _task_url(self, task) -> str:
        if task.pk not in self._task_urls:
            self._task_urls[task.pk] = task.flow_task.reverse("index",
                                                              args=[task.process_id, task.pk])
        return self._task_urls[task.pk]

    def task_id(self, task):
        return mark_safe(f'<a href="{self._task_url(task)}">#{task.process_id}/{task.pk}</a>')  # noqa: S308  (numbers and a reversed path, as viewflow writes it)

    task_id.short_description = _("#")

    def task_title(self, task):
        """The task's name is its link, as the number beside it is: people look for the name."""
        return format_html('<a href="{}">{}</a>', self._task_url(task), task.title)

    task_title.short_description = _("Task")

    @cached_property
    def _titles(self) -> dict:
        """The titles of the page's tasks' decisions, by process number, in one query."""
        return selectors.decision_titles_by_process({task.process_id for task in self._page})

    def decision_title(self, task):
        return self._titles.get(task.process_id, "")

    decision_title.short_description = _("Decision")

    def stage(self, task):
        return task.flow_task.stage.label

    stage.short_description = _("Stage")

    @cached_property
    def working_calendar(self) -> WorkingCalendar:
        """One calendar per request, for every row's state."""
        return WorkingCalendar.around(timezone.localdate())

    @cached_property
    def _deadlines(self) -> dict:
        """The deadlines of the page's tasks, by task number, in one query."""
        return selectors.deadlines_by_task([task.pk for task in self._page])

    def due_on(self, task):
        deadline = self._deadlines.get(task.pk)
        return deadline.due_on if deadline else None

    due_on.short_description = _("Due")

    def deadline_state(self, task):
        return state_badge(self._deadlines.get(task.pk), timezone.localdate(),
                           self.working_calendar)

    deadline_state.short_description = _("Deadline")


class InboxView(TaskColumnsMixin, flow_lists.FlowInboxListView):
    template_name = "workflows/task_list.html"
    tasks = staticmethod(queues.tasks_inbox)
    filterset_class = TaskFilter
    columns = ("task_id", "task_title", "decision_title", "stage", "created", "due_on",
               "deadline_state")

    @viewprop
    def queryset(self):
        return (queues.tasks_inbox(self.request.user)
                .select_related("owner").order_by("-created"))


class QueueView(TaskColumnsMixin, flow_lists.FlowQueueListView):
    template_name = "workflows/task_list.html"
    tasks = staticmethod(queues.tasks_queue)
    filterset_class = TaskFilter
    columns = ("task_id", "task_title", "decision_title", "stage", "created", "due_on",
               "deadline_state")

    @viewprop
    def queryset(self):
        return (queues.tasks_queue(self.request.user)
                .select_related("owner").order_by("-created"))


class ArchiveView(TaskColumnsMixin, flow_lists.FlowArchiveListView):
    """The user's own completed tasks: not called "Archive", the name of the last stage."""

    template_name = "workflows/task_list.html"
    title = pgettext_lazy("menu", "Completed tasks")
    tasks = staticmethod(queues.tasks_archive)
    filterset_class = CompletedTaskFilter
    columns = ("task_id", "task_title", "decision_title", "created", "finished")

    @viewprop
    def queryset(self):
        return (queues.tasks_archive(self.request.user)
                .select_related("owner").order_by("-created"))


class TaskListView(PinnedPathMixin, flow_dashboard.DashboardTaskListView):
    """viewflow's list of every task of the flow, cut to the decisions the user may read."""

    @viewprop
    def queryset(self):
        return queues.tasks_visible(self.request.user).select_related("process", "owner")

    def owner(self, task):
        return display_name(task.owner)

    owner.short_description = _("Owner")


class BulkAssignView(flow_actions.BulkAssignTasksActionView):
    """Claim several tasks at once, from the user's own queue only: viewflow would list any task
    named in the request, decision title included, on its confirmation page."""

    def get_queryset(self):
        self.queryset = queues.tasks_queue(self.request.user)
        return super().get_queryset()


class BulkUnassignView(flow_actions.BulkUnassignTasksActionView):
    """Release several tasks at once, from the user's own inbox only."""

    def get_queryset(self):
        self.queryset = queues.tasks_inbox(self.request.user)
        return super().get_queryset()


class DecisionChartView(DecisionPageMixin, FlowChartView):
    """The flow chart; a process's own chart only for those who may see its decision."""

    def dispatch(self, request, *args, **kwargs):
        if "process_pk" in kwargs:
            self.get_decision()
        return super().dispatch(request, *args, **kwargs)
