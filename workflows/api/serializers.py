"""What the API reads out: decisions, their open tasks, and their audit events."""

import datetime
from functools import cached_property

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from viewflow.workflow.status import STATUS

from decisions import selectors
from decisions.models import AuditEvent, Decision, ExpertOpinion, StageTask
from decisions.rulebook import AdoptionStatus, DecisionStatus, Stage

#: Published statuses (the contract): viewflow's, lower case; the domain's stage tasks use the
#: same words.
TASK_STATUSES = [str(s.value).lower() for s in STATUS]


def _text(value):
    """A text field as DRF writes it: ``None`` stays ``None``."""
    return None if value is None else str(value)


def _moment(value):
    """A time as DRF's ``DateTimeField`` writes it: ISO 8601 in the current time zone, ``Z``
    for UTC, ``None`` for none."""
    if not value:
        return None
    written = value.astimezone(timezone.get_current_timezone()).isoformat()
    return written[:-6] + "Z" if written.endswith("+00:00") else written


def due_at(deadline) -> datetime.datetime | None:
    """The last second of the due day in the deployment's time zone: overdue from the next day."""
    if deadline is None:
        return None
    end = datetime.datetime.combine(deadline.due_on, datetime.time(23, 59, 59))
    return timezone.make_aware(end)


class TaskSerializer(serializers.ModelSerializer):
    decision = serializers.SerializerMethodField(help_text="The decision's id.")
    stage = serializers.SerializerMethodField()
    node = serializers.SerializerMethodField(
        help_text="The flow step; both revision steps have the stage `revision`.")
    status = serializers.SerializerMethodField(
        help_text="viewflow's task status, lower case: `new` (in the queue, unclaimed), "
                  "`assigned` (claimed or assigned), `started`, `done`, `canceled`, `error`.")
    due_at = serializers.SerializerMethodField(
        help_text="End of the due day (23:59:59) in the deployment's time zone, ISO 8601; "
                  "null for a task without a deadline.")
    due_on = serializers.SerializerMethodField(help_text="The due day itself.")
    owner = serializers.SerializerMethodField(help_text="The owner's login, null while queued.")
    created = serializers.DateTimeField(source="opened_at", help_text="When the task opened.")

    class Meta:
        model = StageTask
        fields = ["id", "decision", "stage", "node", "status", "due_at", "due_on", "owner",
                  "created"]

    def to_representation(self, task):
        """The declared fields, written out one by one: the same answer as DRF's generic walk
        over them (tests/test_api_representation.py compares both on every task of the demo),
        at a fraction of its cost for a page of 50 (docs/performance.md)."""
        deadline = _deadline(task)
        due = due_at(deadline)
        return {
            "id": task.pk, "decision": task.decision_id, "stage": task.stage,
            "node": task.step, "status": str(task.status).lower(),
            "due_at": due.isoformat() if due else None,
            "due_on": deadline.due_on.isoformat() if deadline else None,
            "owner": task.holder.get_username() if task.holder_id else None,
            "created": _moment(task.opened_at),
        }

    @extend_schema_field(serializers.IntegerField())
    def get_decision(self, task) -> int:
        return task.decision_id

    @extend_schema_field(serializers.ChoiceField(choices=Stage.values))
    def get_stage(self, task) -> str:
        return task.stage

    def get_node(self, task) -> str:
        return task.step

    @extend_schema_field(serializers.ChoiceField(choices=TASK_STATUSES))
    def get_status(self, task) -> str:
        return str(task.status).lower()

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_due_at(self, task):
        value = due_at(_deadline(task))
        return value.isoformat() if value else None

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_due_on(self, task):
        deadline = _deadline(task)
        return deadline.due_on.isoformat() if deadline else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_owner(self, task):
        return task.holder.get_username() if task.holder_id else None


def _deadline(task):
    return getattr(task, "deadline", None)


class VersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    sha256 = serializers.CharField()


class ExpertOpinionSerializer(serializers.ModelSerializer):
    expert = serializers.SerializerMethodField(help_text="The expert's login.")
    signed_at = serializers.DateTimeField(help_text="When the expert signed it, ISO 8601.")
    adoption = serializers.ChoiceField(
        choices=AdoptionStatus.values,
        help_text="Whether the lead unit adopted it (Art. 21); `pending` until it says.")
    adoption_reason = serializers.CharField(help_text="Why; empty while `pending`.")

    class Meta:
        model = ExpertOpinion
        fields = ["id", "expert", "signed_at", "adoption", "adoption_reason"]

    def get_expert(self, opinion) -> str:
        return opinion.expert.get_username()


class DecisionSerializer(serializers.ModelSerializer):
    stage = serializers.ChoiceField(choices=Stage.values)
    status = serializers.ChoiceField(choices=DecisionStatus.values)
    current_version = VersionSerializer(allow_null=True)
    open_tasks = serializers.SerializerMethodField()
    drafter = serializers.SerializerMethodField()
    participation_skip_confirmed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True,
        help_text="The login of the office's member who confirmed, at acceptance, the ground "
                  "for leaving out public participation (Art. 14); null where it is held.")
    counsel = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True,
        help_text="The login of the legal adviser or government lawyer the office named at "
                  "acceptance, who signs his own opinion in each round of review (Art. 28).")
    expert_opinions = ExpertOpinionSerializer(many=True, read_only=True, help_text=(
        "The signed expert opinions, oldest first, each with its adoption."))

    class Meta:
        model = Decision
        fields = ["id", "title", "stage", "status", "current_version", "open_tasks",
                  "proposal_source", "lead_unit", "problem", "legal_basis", "plan", "necessity",
                  "alternatives", "needs_public_participation", "needs_expert_input",
                  "needs_risk_assessment", "exploratory_reform", "participation_skip_ground",
                  "participation_skip_basis", "participation_skip_confirmed_by",
                  "participation_skip_confirmed_at", "catalogue_item",
                  "outside_catalogue_reason", "drafter", "counsel", "expert_opinions",
                  "accepted_at", "created_at", "updated_at"]
        extra_kwargs = {"catalogue_item": {"help_text": (
            "The id of the catalogue item the decision carries out (Art. 3 para. 3); null "
            "when it is outside the catalogue (then `outside_catalogue_reason` says why) or was "
            "proposed before the catalogue was kept.")}}

    def to_representation(self, decision):
        """The declared fields, written out one by one: the same answer as DRF's generic walk
        over them (tests/test_api_representation.py compares both on every decision of the
        demo, at every stage), at a fraction of its cost for a page of 50
        (docs/performance.md)."""
        version = decision.current_version if decision.current_version_id else None
        confirmed_by = (decision.participation_skip_confirmed_by
                        if decision.participation_skip_confirmed_by_id else None)
        counsel = decision.counsel if decision.counsel_id else None
        return {
            "id": decision.pk, "title": _text(decision.title),
            "stage": _text(decision.stage), "status": _text(decision.status),
            "current_version": ({"number": int(version.number), "sha256": _text(version.sha256)}
                                if version is not None else None),
            "open_tasks": self.get_open_tasks(decision),
            "proposal_source": _text(decision.proposal_source),
            "lead_unit": _text(decision.lead_unit), "problem": _text(decision.problem),
            "legal_basis": decision.legal_basis, "plan": _text(decision.plan),
            "necessity": _text(decision.necessity),
            "alternatives": _text(decision.alternatives),
            "needs_public_participation": decision.needs_public_participation,
            "needs_expert_input": decision.needs_expert_input,
            "needs_risk_assessment": decision.needs_risk_assessment,
            "exploratory_reform": decision.exploratory_reform,
            "participation_skip_ground": _text(decision.participation_skip_ground),
            "participation_skip_basis": _text(decision.participation_skip_basis),
            "participation_skip_confirmed_by": (confirmed_by.username
                                                if confirmed_by is not None else None),
            "participation_skip_confirmed_at": _moment(decision.participation_skip_confirmed_at),
            "catalogue_item": decision.catalogue_item_id,
            "outside_catalogue_reason": _text(decision.outside_catalogue_reason),
            "drafter": self.get_drafter(decision),
            "counsel": counsel.username if counsel is not None else None,
            "expert_opinions": [
                {"id": opinion.pk, "expert": opinion.expert.get_username(),
                 "signed_at": _moment(opinion.signed_at), "adoption": _text(opinion.adoption),
                 "adoption_reason": _text(opinion.adoption_reason)}
                for opinion in decision.expert_opinions.all()],
            "accepted_at": _moment(decision.accepted_at),
            "created_at": _moment(decision.created_at),
            "updated_at": _moment(decision.updated_at),
        }

    @cached_property
    def _open_tasks_serializer(self):
        """One serializer for the open tasks of every decision of a list: a model serializer
        builds its fields when first used, which cost more than the rows it writes (issue 13:
        half the time of a page of 50 decisions)."""
        return TaskSerializer(many=True)

    @extend_schema_field(TaskSerializer(many=True))
    def get_open_tasks(self, decision):
        tasks = getattr(decision, "open_stage_tasks", None)
        if tasks is None:
            tasks = selectors.open_stage_tasks(decision)
        return self._open_tasks_serializer.to_representation(sorted(tasks, key=lambda t: t.pk))

    def get_drafter(self, decision) -> str:
        return decision.drafter.get_username()


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField(help_text="The actor's login, null for none.")
    ip = serializers.IPAddressField(
        allow_null=True, required=False,
        help_text="The request's IP address: for an auditor only (left out for anyone else).")

    class Meta:
        model = AuditEvent
        fields = ["id", "sequence", "occurred_at", "actor", "ip", "action", "stage", "task",
                  "before", "after", "prev_hash", "hash"]

    def to_representation(self, event):
        data = super().to_representation(event)
        if not self.context.get("shows_ip", False):
            data.pop("ip")
        return data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor(self, event):
        if event.actor_id:
            return event.actor.get_username()
        return event.actor_name or None


class ChainReportSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    events = serializers.IntegerField()
    first_bad = serializers.IntegerField(allow_null=True, help_text="The first bad event's id.")
    reason = serializers.CharField(allow_blank=True)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    otp_token = serializers.CharField(
        max_length=16, required=False, allow_blank=True,
        help_text="The six-digit code of the user's authenticator app: needed when he has "
                  "set up two-step verification or the deployment requires it of his role "
                  "(400 otp_required without it, otp_invalid when wrong).")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField(help_text="When the token stops working.")


class GateRefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(help_text="e.g. review_stale_version, positions_missing, "
                                           "review_period_too_short, task_not_open")
