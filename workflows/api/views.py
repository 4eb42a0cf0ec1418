"""The API's endpoints: thin, each one a lookup, a body check, and one service or action call.

Lookup order everywhere: a decision the user may not see is 404 (its existence does not leak);
a task no longer open is 409 ``task_not_open``; a stage the user may not act at is 403; then
the body (400), then the service's own gates (409).
"""

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from knox.models import AuthToken
from rest_framework import exceptions, generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from viewflow.workflow.models import Task

from decisions import commands, permissions, readable_counts, selectors, services
from decisions.audit import acting_as
from decisions.errors import StatutoryGateError
from decisions.rulebook import Stage
from workflows import actions
from workflows.accounts import two_factor
from workflows.accounts.credentials import credentials_end
from workflows.accounts.lockout import lockout_response
from workflows.queues import OpenTasks, tasks_of_flow

from . import schema
from .authentication import TokenAuthentication
from .bodies import BODIES, DeadlineBody, OpinionAdoptionBody, ProposalBody, WithdrawalBody
from .completion import perform
from .filters import DecisionFilter
from .pagination import KnownCountPagination
from .serializers import (
    ChainReportSerializer,
    DecisionSerializer,
    EventSerializer,
    ExpertOpinionSerializer,
    TaskSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from .throttles import TokenThrottle

MAX_ID = 2**63 - 1


def decisions_readable(user):
    """The decisions ``user`` may read, probed row by row: for a page or for one by its key."""
    return selectors.decisions_with_open_tasks(user, per_row=True)


def _checked_id(pk) -> int:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise exceptions.NotFound() from None
    if not 0 < pk <= MAX_ID:
        raise exceptions.NotFound()
    return pk


def decision_readable_or_404(user, pk: int):
    return get_object_or_404(decisions_readable(user), pk=_checked_id(pk))


def task_readable_or_404(user, pk: int):
    return get_object_or_404(selectors.stage_tasks_visible_to(user), pk=_checked_id(pk))


def flow_task(task) -> Task:
    """The flow engine's task of the same number, which claiming and completing move."""
    return tasks_of_flow().get(pk=task.pk)


class Lookups:
    """Remembers the decision a request is about, so that a refusal is recorded against it."""

    decision = None

    def decision_or_404(self, pk: int):
        self.decision = decision_readable_or_404(self.request.user, pk)
        return self.decision

    def task_or_404(self, pk: int):
        task = task_readable_or_404(self.request.user, pk)
        self.decision = task.decision
        return task


def _require_open(task) -> None:
    if not task.is_open:
        raise StatutoryGateError("task_not_open",
                                 _("This task was completed by someone else or is closed."))


class TokenView(APIView):
    """Exchange a login and password for a new API token, valid until its ``expiry`` (a login,
    in the audit trail). Only the token's digest is stored: it is shown this once. Repeated
    failures lock the login and the address out (429, workflows/accounts/lockout.py). A user
    with two-step verification, or of whom the deployment requires it, adds ``otp_token``, the
    code of his authenticator app: 400 ``otp_required`` without it, 400 ``otp_invalid`` when
    wrong (a failed login toward the same lockout), 403 ``otp_enrolment_required`` when he must
    and has not set it up (in the browser, at his next login)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    @extend_schema(request=TokenRequestSerializer, responses={
        200: TokenSerializer, **schema.errors(400, 403, 429)})
    def post(self, request):
        body = TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        credentials = dict(body.validated_data)
        code = credentials.pop("otp_token", "")
        user = authenticate(request._request, **credentials)
        if user is None or not user.is_active:
            raise exceptions.ValidationError(
                {"non_field_errors": [_("Unable to log in with the provided credentials.")]})
        refusal = second_factor_refusal(request._request, user, code)
        if refusal is not None:
            return refusal
        token, key = AuthToken.objects.create(user=user)
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response({"token": key, "expiry": token.expiry})


def second_factor_refusal(request, user, code: str):
    """The token exchange's second factor (workflows/accounts/two_factor.py), or ``None``."""
    owed = two_factor.owed(user)
    if owed == two_factor.ENROL:
        return Response({"detail": _("Two-step verification is required for your login: set "
                                     "it up in the browser first (your next login there "
                                     "asks for it)."),
                         "code": "otp_enrolment_required"}, status=status.HTTP_403_FORBIDDEN)
    if owed != two_factor.VERIFY:
        return None
    if not code:
        return Response({"detail": _("Enter the code of your authenticator app (otp_token)."),
                         "code": "otp_required"}, status=status.HTTP_400_BAD_REQUEST)
    verdict = two_factor.code_check(request, user, code, login=True)
    if verdict.outcome == "locked":
        return lockout_response(request)
    if not verdict.ok:
        return Response({"detail": verdict.message(), "code": "otp_invalid"},
                        status=status.HTTP_400_BAD_REQUEST)
    return None


class LogoutView(APIView):
    """End the token of this request (a logout, in the audit trail)."""

    authentication_classes = [TokenAuthentication]

    @extend_schema(request=None, responses={204: None, **schema.errors(401)})
    def post(self, request):
        request.auth.delete()
        user_logged_out.send(sender=request.user.__class__, request=request._request,
                             user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    """End every token and every browser session of the user, e.g. when a token was lost."""

    authentication_classes = [TokenAuthentication]

    @extend_schema(request=None, responses={204: None, **schema.errors(401)})
    def post(self, request):
        credentials_end(request.user, reason="logout_all", actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(parameters=[OpenApiParameter("stage", str, enum=Stage.values),
                           OpenApiParameter("overdue", bool, description=(
                               "true: only decisions with an open task past its due day; "
                               "false: only those without."))],
               responses={200: DecisionSerializer(many=True), **schema.errors(400, 401, 404)},
               methods=["GET"])
@extend_schema(request=ProposalBody, responses={201: DecisionSerializer,
                                                **schema.errors(400, 401, 403, 409)},
               methods=["POST"])
class DecisionListView(generics.ListCreateAPIView):
    """The decisions the user may see, newest first; a drafter proposes a new one."""

    serializer_class = DecisionSerializer
    pagination_class = KnownCountPagination

    def get_queryset(self):
        return self._filtered(decisions_readable(self.request.user))

    def _filtered(self, decisions):
        params = DecisionFilter(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        self.filtered = False
        if params.validated_data.get("stage"):
            decisions = decisions.filter(stage=params.validated_data["stage"])
            self.filtered = True
        overdue = params.validated_data.get("overdue")
        if overdue is not None:
            keep = selectors.decisions_overdue if overdue else selectors.decisions_not_overdue
            decisions = keep(decisions, timezone.localdate())
            self.filtered = True
        return decisions

    def known_count(self, _page_queryset) -> int:
        """The list's count, kept per reader while unfiltered (decisions/readable_counts.py)."""
        return readable_counts.readable_count(self.request.user,
                                              self._filtered if self.filtered else None)

    def create(self, request, *args, **kwargs):
        if not request.user.has_perm("decisions.add_decision"):
            raise exceptions.PermissionDenied(
                _("Only a drafter of a lead unit may propose a decision."))
        body = ProposalBody(data=request.data)
        body.is_valid(raise_exception=True)
        proposal = commands.Proposal.from_data(body.validated_data)
        decision = actions.start_decision(acting_user=request.user, **proposal.arguments())
        decision = decision_readable_or_404(request.user, decision.pk)
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


class DecisionDetailView(Lookups, APIView):
    @extend_schema(parameters=[schema.ID], responses={200: DecisionSerializer,
                                                      **schema.errors(401, 404)})
    def get(self, request, pk):
        """The decision; an auditor's reading is itself recorded."""
        decision = self.decision_or_404(pk)
        services.decision_record_dossier_read(decision=decision, acting_user=request.user,
                                              page="api:decision")
        return Response(DecisionSerializer(decision).data)


@extend_schema(parameters=[schema.ID], responses={200: EventSerializer(many=True),
                                                  **schema.errors(401, 404)})
class DecisionEventsView(Lookups, generics.ListAPIView):
    """The decision's audit events, oldest first; an auditor's reading is itself recorded. An
    auditor reads every event with its IP address; anyone else the decision's history (no
    refused attempts, no reads, no IP addresses)."""

    serializer_class = EventSerializer

    def get_queryset(self):
        decision = self.decision_or_404(self.kwargs["pk"])
        services.decision_record_dossier_read(decision=decision, acting_user=self.request.user,
                                              page="api:events")
        return selectors.decision_timeline(decision, reader=self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(),
                "shows_ip": selectors.shows_ip(self.request.user)}


@extend_schema(parameters=[OpenApiParameter("stage", str, enum=Stage.values)],
               responses={200: TaskSerializer(many=True), **schema.errors(400, 401, 404)})
class TaskListView(generics.ListAPIView):
    """The open tasks the user may act on: his own, and the unclaimed ones of his stages.

    Both are his by a grant that comes with the read grant (``permissions.grant``), as in his
    inbox and queue pages. The page's task numbers are picked first, by the lists' keys
    (``OpenTasks``), then only those rows are read: the cost is a page's, not the county's open
    work's (docs/performance.md)."""

    serializer_class = TaskSerializer
    pagination_class = KnownCountPagination

    def list(self, request, *args, **kwargs):
        params = DecisionFilter(data=request.query_params)
        params.is_valid(raise_exception=True)
        stage = params.validated_data.get("stage")
        numbers = self.paginate_queryset(OpenTasks(request.user, stage))
        tasks = selectors.stage_tasks_by_id(numbers)
        return self.get_paginated_response(
            self.get_serializer([tasks[n] for n in numbers if n in tasks], many=True).data)

class TaskDetailView(Lookups, APIView):
    @extend_schema(parameters=[schema.ID], responses={200: TaskSerializer,
                                                      **schema.errors(401, 404)})
    def get(self, request, pk):
        return Response(TaskSerializer(self.task_or_404(pk)).data)


class TaskClaimView(Lookups, APIView):
    @extend_schema(parameters=[schema.ID], request=None,
                   responses={200: TaskSerializer, **schema.errors(401, 403, 404, 409)})
    def post(self, request, pk):
        """Take an unclaimed task from the queue."""
        task = self.task_or_404(pk)
        _require_open(task)
        actions.claim_task(flow_task(task), acting_user=request.user)
        return Response(TaskSerializer(task_readable_or_404(request.user, pk)).data)


class TaskCompleteView(Lookups, APIView):
    @extend_schema(parameters=[schema.ID], request=schema.COMPLETION,
                   responses={200: DecisionSerializer, **schema.errors(400, 401, 403, 404, 409)})
    def post(self, request, pk):
        """Record the stage's result (the body depends on the task's stage) and move on."""
        user = request.user
        task = self.task_or_404(pk)
        _require_open(task)
        engine_task = flow_task(task)
        node = engine_task.flow_task
        allowed = (node.can_execute(user, engine_task) if engine_task.owner_id
                   else node.can_assign(user, engine_task))
        if not allowed:
            raise exceptions.PermissionDenied(_("This task is not yours to complete."))
        key = commands.input_key(task.stage, task.step)
        body = BODIES[key](data=request.data)
        body.is_valid(raise_exception=True)
        decision = task.decision
        actions.run_task(engine_task, acting_user=user, perform=lambda t: perform(
            key, decision, body.validated_data, user, t))
        return Response(DecisionSerializer(decision_readable_or_404(user, decision.pk)).data)


class TaskDeadlineView(Lookups, APIView):
    @extend_schema(parameters=[schema.ID], request=DeadlineBody,
                   responses={200: TaskSerializer, **schema.errors(400, 401, 403, 404, 409)})
    def post(self, request, pk):
        """The office extends or shortens the task's deadline, saying why (Art. 26 floor)."""
        user = request.user
        task = self.task_or_404(pk)
        _require_open(task)
        if not permissions.may_change_deadlines(user, task.decision):
            raise exceptions.PermissionDenied(_("Only the office changes a deadline."))
        deadline = getattr(task, "deadline", None)
        if deadline is None:
            raise StatutoryGateError("task_not_open", _("This task has no deadline."))
        body = DeadlineBody(data=request.data)
        body.is_valid(raise_exception=True)
        with acting_as(user):
            services.decision_change_deadline(deadline=deadline, acting_user=user,
                                              **body.validated_data)
        return Response(TaskSerializer(task_readable_or_404(user, pk)).data)


class OpinionAdoptionView(Lookups, APIView):
    @extend_schema(parameters=[schema.ID, schema.OPINION_ID], request=OpinionAdoptionBody,
                   responses={200: ExpertOpinionSerializer,
                              **schema.errors(400, 401, 403, 404, 409)})
    def post(self, request, pk, opinion_id):
        """The lead unit's drafter records whether a signed expert opinion was adopted, and
        why (Art. 21), until the meeting is recorded."""
        user = request.user
        decision = self.decision_or_404(pk)
        opinion = get_object_or_404(decision.expert_opinions.select_related("expert"),
                                    pk=_checked_id(opinion_id))
        if not permissions.can_act(user, Stage.REVISION, decision):
            raise exceptions.PermissionDenied(
                _("Only the lead unit's drafter records the adoption of an expert opinion."))
        body = OpinionAdoptionBody(data=request.data)
        body.is_valid(raise_exception=True)
        opinion = services.decision_record_opinion_adoption(
            decision=decision, opinion=opinion, acting_user=user, **body.validated_data)
        return Response(ExpertOpinionSerializer(opinion).data)


class DecisionWithdrawView(Lookups, APIView):
    @extend_schema(parameters=[schema.ID], request=WithdrawalBody,
                   responses={200: DecisionSerializer, **schema.errors(400, 401, 403, 404, 409)})
    def post(self, request, pk):
        """Withdraw the decision, saying why: its drafter until the office accepts it, the office
        until the head's decision (409 ``withdrawal_not_allowed`` after it). Its status becomes
        ``withdrawn`` and its stage ``archived``; its record stays."""
        user = request.user
        decision = self.decision_or_404(pk)
        permissions.require_withdraw(user, decision)
        body = WithdrawalBody(data=request.data)
        body.is_valid(raise_exception=True)
        actions.withdraw_decision(decision, acting_user=user, **body.validated_data)
        return Response(DecisionSerializer(decision_readable_or_404(user, decision.pk)).data)


class AuditVerifyView(APIView):
    @extend_schema(responses={200: ChainReportSerializer, **schema.errors(401, 403)})
    def get(self, request):
        """Verify the whole audit hash chain (the auditor role only); the verification is itself
        recorded, as one made from the page is."""
        report, _event = services.audit_chain_verify(acting_user=request.user,
                                                     via="api:audit-verify")
        return Response(ChainReportSerializer(report).data)
