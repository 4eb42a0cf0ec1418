"""Who may do what, per decision: every grant and revoke of a stage permission lives here.

Stage permissions are object permissions (django-guardian) on the decision, never global, so a
reviewer of one decision has no power over another. A stage grant ends when the procedure can no
longer come back to that stage for its holder, and every one ends at the archive; the grant to
read the decision stays.
"""

from collections.abc import Callable
from functools import cached_property

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast
from django.dispatch import Signal
from django.utils.translation import gettext as _
from guardian.models import GroupObjectPermission, UserObjectPermission
from guardian.shortcuts import assign_perm, remove_perm

from . import rulebook
from .audit import audit_record
from .models import Decision
from .rulebook import HeadDecision, Role, Stage

VIEW = f"decisions.{rulebook.VIEW_PERMISSION}"
AUDIT_TRAIL = f"decisions.{rulebook.AUDIT_TRAIL_PERMISSION}"


def role_group(role: str) -> Group:
    group, _created = Group.objects.get_or_create(name=str(role))
    return group


def has_role(user, role: str) -> bool:
    return user.is_active and user.groups.filter(name=str(role)).exists()


def can_view(user, decision: Decision) -> bool:
    """Read access: a grant on this decision, or the auditor role's grant over all of them.

    A yes is kept on the user object: the grant to read a decision is never taken back
    (``revoke`` keeps it), and a page asks three times (the middleware, the page, its buttons),
    each a query of guardian's."""
    if not user.is_authenticated:
        return False
    readable = getattr(user, "_juece_readable", None)
    if readable is None:
        readable = user._juece_readable = set()
    if decision.pk is not None and decision.pk in readable:
        return True
    if user.has_perm(VIEW) or (user.is_active and _object_grants(
            user, decision, [rulebook.VIEW_PERMISSION]).exists()):
        readable.add(decision.pk)
        return True
    return False


def reads_every_decision(user) -> bool:
    """The auditor role's global grant: his reads of a dossier are themselves audited."""
    return user.is_authenticated and user.has_perm(VIEW)


def can_search_audit_trail(user) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm(AUDIT_TRAIL)


#: Who reads the year's figures (the dashboard and its exports): the office that keeps the
#: procedure, the head who answers for it, the auditor who checks it. Each counts only the
#: decisions he may read.
FIGURES_READERS = (Role.OFFICE, Role.HEAD, Role.AUDITOR)


def can_read_figures(user) -> bool:
    return (user is not None and user.is_authenticated and user.is_active
            and user.groups.filter(name__in=[str(role) for role in FIGURES_READERS]).exists())


def can_act(user, stage: str, decision: Decision) -> bool:
    """Object permission only: a global grant of a stage permission counts for nothing."""
    return Standing(user, decision).can_act(stage)


def takes_part(user, decision: Decision) -> bool:
    """Whether ``user`` may act at some stage of this decision (reading it is not taking part)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    stage_codenames = [rule.permission for rule in rulebook.RULES if rule.permission]
    return _object_grants(user, decision, stage_codenames).exists()


def require_act(user, stage: str, decision: Decision) -> None:
    if not can_act(user, stage, decision):
        raise PermissionDenied(
            _("You may not act at the stage “%(stage)s” of this decision.")
            % {"stage": Stage(stage).label}
        )


def may_change_deadlines(user, decision: Decision) -> bool:
    """Whether ``user`` keeps the deadlines of this decision's tasks (``Standing``)."""
    return Standing(user, decision).may_change_deadlines()


def require_may_change_deadlines(user, decision: Decision) -> None:
    if not may_change_deadlines(user, decision):
        raise PermissionDenied(
            _("You may not act at the stage “%(stage)s” of this decision.")
            % {"stage": Stage.ACCEPTANCE.label}
        )


def may_withdraw(user, decision: Decision) -> bool:
    """Whether ``user`` may withdraw the proposal now (``Standing``)."""
    return Standing(user, decision).may_withdraw()


def require_withdraw(user, decision: Decision) -> None:
    if may_withdraw(user, decision):
        return
    if user is not None and user.is_authenticated and user.pk == decision.drafter_id:
        raise PermissionDenied(_("The office has accepted this proposal: only the office may "
                                 "withdraw it now."))
    raise PermissionDenied(_("Only the drafter (before acceptance) or the office may withdraw "
                             "this decision."))


def decisions_visible_to(user, *, per_row: bool = False):
    """Decisions ``user`` may read: his object grants or his groups', or every one for a
    superuser and the auditor role's global grant (as guardian's ``get_objects_for_user``).
    ``per_row``: for a page read off an index, not for a count (``readable_by``)."""
    return Decision.objects.filter(readable_by(user, per_row=per_row))


def readable_by(user, decision_key: str = "pk", *, per_row: bool = False) -> Q:
    """A filter keeping the rows whose decision (its id in the column ``decision_key``)
    ``user`` may read, for the decision list and for lists of a decision's rows.

    Each row is matched against the grants by its key (``EXISTS``, the permission named by its
    id), without guardian's joins to the permission and content-type tables and its
    ``id::varchar IN (SELECT object_pk ...)``: PostgreSQL reads guardian's (holder, permission,
    object) index only. It may still hash every grant of the reader once, the cheaper way to
    count all he may read; ``per_row`` asks it to probe the index for each row instead (one
    ``EXISTS`` over the union of his and his groups' grants, which PostgreSQL does not turn into
    a hash), for lists of a few rows picked otherwise, such as his open tasks, or for a page
    of the decision list read off its date index, which stops at the page's end
    (docs/performance.md)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser or user.has_perm(VIEW):
        return Q()
    app_label, codename = VIEW.split(".", 1)
    view = Permission.objects.filter(content_type__app_label=app_label,
                                     content_type__model=Decision._meta.model_name,
                                     codename=codename).values("pk")[:1]
    key = Cast(OuterRef(decision_key), output_field=CharField())
    mine = UserObjectPermission.objects.filter(user=user, permission_id=Subquery(view),
                                               object_pk=key)
    ours = GroupObjectPermission.objects.filter(group__in=user.groups.values("pk"),
                                                permission_id=Subquery(view), object_pk=key)
    if per_row:
        return Q(Exists(mine.values("pk").union(ours.values("pk"), all=True)))
    return Q(Exists(mine)) | Q(Exists(ours))


class Standing:
    """What ``user`` holds on ``decision``: his roles and his grants on this very decision, read
    together when first asked, so that a page asking who may press each of its buttons reads
    them in one query, not one a button. Object grants only: being a superuser or holding a
    stage permission globally does not count. Built for one question or one request: it does
    not see a grant given after it has read them."""

    def __init__(self, user, decision: Decision | None):
        self.user = user
        self.decision = decision
        self.active = user is not None and user.is_authenticated and user.is_active

    @cached_property
    def _held(self) -> tuple[frozenset[str], frozenset[str]]:
        """His roles and the codenames of the permissions granted on the decision, to him or
        his groups: read together, in one query."""
        if not self.active:
            return frozenset(), frozenset()
        role, grant = Value("role"), Value("grant")
        rows = self.user.groups.annotate(kind=role).values_list("kind", "name")
        if self.decision is not None:
            grants = {"object_pk": str(self.decision.pk),
                      "permission__content_type__app_label": Decision._meta.app_label}
            rows = rows.union(
                UserObjectPermission.objects.filter(user=self.user, **grants)
                .annotate(kind=grant).values_list("kind", "permission__codename"),
                GroupObjectPermission.objects.filter(group__user=self.user, **grants)
                .annotate(kind=grant).values_list("kind", "permission__codename"))
        held = {"role": set(), "grant": set()}
        for kind, name in rows:
            held[kind].add(name)
        return frozenset(held["role"]), frozenset(held["grant"])

    @property
    def roles(self) -> frozenset[str]:
        return self._held[0]

    @property
    def codenames(self) -> frozenset[str]:
        return self._held[1]

    def has_role(self, role: str) -> bool:
        return str(role) in self.roles

    def can_act(self, stage: str) -> bool:
        _app_label, codename = rulebook.stage_permission(stage).split(".", 1)
        return self.active and codename in self.codenames

    def may_change_deadlines(self) -> bool:
        """The office keeps the deadlines of a decision's tasks: it holds the grant of a stage
        the rulebook gives the office, acceptance from the submission and publication from the
        acceptance until the file is closed (the acceptance grant ends once accepted)."""
        return any(self.can_act(rule.stage) for rule in rulebook.RULES
                   if rule.actor == Role.OFFICE and rule.permission)

    def may_withdraw(self) -> bool:
        """Who may withdraw the proposal: its drafter until the office accepts it, and the
        office (the role) at any time it may read it; until when is the service's gate (the
        head's decision)."""
        if not self.active or not can_view(self.user, self.decision):
            return False
        if self.has_role(Role.OFFICE):
            return True
        return self.user.pk == self.decision.drafter_id and self.decision.accepted_at is None


def _object_grants(user, decision: Decision, codenames):
    grants = {"permission__codename__in": codenames, "object_pk": str(decision.pk),
              "permission__content_type__app_label": Decision._meta.app_label}
    return (UserObjectPermission.objects.filter(user=user, **grants).values("pk")
            .union(GroupObjectPermission.objects.filter(group__user=user, **grants).values("pk")))


#: Sent with ``user`` whenever his grants change, so that a layer that caches them on the user
#: object (the flow engine does) drops its copy; workflows/signals.py listens.
grants_changed = Signal()


def forget_cached_permissions(user) -> None:
    for attr in ("_perm_cache", "_user_perm_cache", "_group_perm_cache", "_juece_readable"):
        if hasattr(user, attr):
            delattr(user, attr)
    grants_changed.send(sender=Decision, user=user)


def grant(decision: Decision, holder, *stages: str, acting_user, task=None) -> None:
    """Give ``holder`` (a user or a role group) view and the given stage permissions."""
    perms = [VIEW, *(rulebook.stage_permission(stage) for stage in stages)]
    for perm in perms:
        assign_perm(perm, holder, decision)
    if not isinstance(holder, Group):
        forget_cached_permissions(holder)
    audit_record(
        action="permission_grant", actor=acting_user, decision=decision, task=task,
        after={"holder": _holder_label(holder), "permissions": perms},
    )


def revoke(decision: Decision, holder, *stages: str, acting_user, task=None) -> None:
    """Take the given stage permissions from ``holder``; reading the decision stays."""
    perms = [rulebook.stage_permission(stage) for stage in stages]
    for perm in perms:
        remove_perm(perm, holder, decision)
    for user in (holder, acting_user):
        if user is not None and not isinstance(user, Group):
            forget_cached_permissions(user)
    audit_record(
        action="permission_revoke", actor=acting_user, decision=decision, task=task,
        before={"holder": _holder_label(holder), "permissions": perms},
    )


def revoke_ended_grants(decision: Decision, *, acting_user, task=None) -> None:
    """Take back every stage grant the procedure can no longer use, each revoke audited.

    Called whenever the procedure moves on, and at the archive, where every stage grant of
    everyone ends (Art. 33: the file is closed); the grant to read the decision stays.
    """
    decision = Decision.objects.select_related("drafter", "reviewer", "counsel",
                                               "risk_assessor").get(
        pk=decision.pk)
    ended = _all_stage_grants(decision) if decision.stage == Stage.ARCHIVED else \
        _ended_grants(decision)
    if not ended:
        return
    granted = _stage_grants_held(decision)
    for holder, stages in ended:
        held = _held(granted, holder, stages)
        if held:
            revoke(decision, holder, *held, acting_user=acting_user, task=task)


def _ended_grants(decision: Decision) -> list[tuple[object, list[str]]]:
    """Whose stage grants the procedure can no longer come back to.

    Once accepted (Art. 12) a proposal never returns to initiation or acceptance (a returned one
    is granted to the office again when resubmitted). Public participation, each expert's signed
    opinion and a risk found controllable are recorded once; a risk found not controllable is
    assessed again after the revision. Until the decision organ adopts the draft or rejects it,
    a review or the head's "revise" sends it back to revision and review, and the drafter records
    the adoption of expert opinions under his revision grant: those stay until then.
    """
    if decision.accepted_at is None:
        return []
    office = role_group(Role.OFFICE)
    drafters = [Stage.INITIATION]
    if not decision.needs_public_participation or decision.participations.exists():
        drafters.append(Stage.PUBLIC_PARTICIPATION)
    ended: list[tuple[object, list[str]]] = [(office, [Stage.ACCEPTANCE])]
    ended += [(opinion.expert, [Stage.EXPERT_INPUT])
              for opinion in decision.expert_opinions.select_related("expert").order_by("pk")]
    risk = decision.risk_assessments.order_by("-id").first()
    if risk is not None and risk.controllable and decision.risk_assessor_id:
        ended.append((decision.risk_assessor, [Stage.RISK_ASSESSMENT]))
    meeting = decision.meetings.order_by("-id").first()
    decided = meeting.head_decision if meeting else None
    if decided in (HeadDecision.ADOPTED, HeadDecision.NOT_ADOPTED):
        drafters.append(Stage.REVISION)
        if decision.reviewer_id:
            ended.append((decision.reviewer, [Stage.LEGAL_REVIEW]))
        if decision.counsel_id:
            ended.append((decision.counsel, [Stage.LEGAL_REVIEW]))
        if decided == HeadDecision.ADOPTED:
            ended.append((role_group(Role.SECRETARY), [Stage.COLLECTIVE_DECISION]))
        else:
            ended.append((office, [Stage.PUBLICATION]))
    return [(decision.drafter, drafters), *ended]


def _all_stage_grants(decision: Decision) -> list[tuple[object, list[str]]]:
    stage_of = {rule.permission: rule.stage for rule in rulebook.RULES if rule.permission}
    grants = {"object_pk": str(decision.pk), "permission__codename__in": list(stage_of),
              "permission__content_type__app_label": Decision._meta.app_label}
    held: dict = {}
    for model, field in ((UserObjectPermission, "user"), (GroupObjectPermission, "group")):
        for row in model.objects.filter(**grants).select_related(field, "permission") \
                .order_by(f"{field}_id", "pk"):
            held.setdefault(getattr(row, field), []).append(stage_of[row.permission.codename])
    return list(held.items())


def _stage_grants_held(decision: Decision) -> set[tuple[str, int, str]]:
    """Every stage grant on ``decision``, as (``user`` or ``group``, holder id, codename): two
    queries for all the holders ``revoke_ended_grants`` asks about."""
    codenames = [rule.permission for rule in rulebook.RULES if rule.permission]
    grants = {"object_pk": str(decision.pk), "permission__codename__in": codenames,
              "permission__content_type__app_label": Decision._meta.app_label}
    return {(field, holder_id, codename)
            for model, field in ((UserObjectPermission, "user"), (GroupObjectPermission, "group"))
            for holder_id, codename in model.objects.filter(**grants).values_list(
                f"{field}_id", "permission__codename")}


def _held(granted: set[tuple[str, int, str]], holder, stages) -> list[str]:
    """Those of ``stages`` granted to ``holder`` himself (not through a group), in stage order."""
    field = "group" if isinstance(holder, Group) else "user"
    return [stage for stage in stages
            if (field, holder.pk, rulebook.rule_for(stage).permission) in granted]


def _holder_label(holder) -> str:
    if isinstance(holder, Group):
        return f"group:{holder.name}"
    return f"user:{holder.get_username()}"


# The grants each step of the procedure makes.

def grant_for_initiation(decision: Decision, *, acting_user) -> None:
    """The drafter of the lead unit completes, consults the public on, and revises his draft."""
    grant(decision, decision.drafter, Stage.INITIATION, Stage.PUBLIC_PARTICIPATION,
          Stage.REVISION, acting_user=acting_user)


def grant_for_acceptance(decision: Decision, *, acting_user, task=None) -> None:
    grant(decision, role_group(Role.OFFICE), Stage.ACCEPTANCE, acting_user=acting_user, task=task)


def grant_after_acceptance(decision: Decision, *, acting_user, task=None) -> None:
    """The office's assignments: reviewer and legal adviser, experts, risk assessor; then the
    meeting and the office."""
    grant(decision, decision.reviewer, Stage.LEGAL_REVIEW, acting_user=acting_user, task=task)
    if decision.counsel_id:
        grant(decision, decision.counsel, Stage.LEGAL_REVIEW, acting_user=acting_user, task=task)
    for expert in decision.experts.all():
        grant(decision, expert, Stage.EXPERT_INPUT, acting_user=acting_user, task=task)
    if decision.risk_assessor_id:
        grant(decision, decision.risk_assessor, Stage.RISK_ASSESSMENT,
              acting_user=acting_user, task=task)
    grant(decision, role_group(Role.SECRETARY), Stage.COLLECTIVE_DECISION,
          acting_user=acting_user, task=task)
    grant(decision, role_group(Role.OFFICE), Stage.PUBLICATION, acting_user=acting_user, task=task)
    grant(decision, role_group(Role.MEMBER), acting_user=acting_user, task=task)
    grant(decision, role_group(Role.HEAD), acting_user=acting_user, task=task)


#: Which of the grants above gives each stage's permission (the system check finds a stage
#: nobody is ever granted); the archive is filed by the flow, no one acts at it.
GRANTED_BY: dict[str, Callable[..., None]] = {
    Stage.INITIATION: grant_for_initiation,
    Stage.PUBLIC_PARTICIPATION: grant_for_initiation,
    Stage.REVISION: grant_for_initiation,
    Stage.ACCEPTANCE: grant_for_acceptance,
    Stage.EXPERT_INPUT: grant_after_acceptance,
    Stage.RISK_ASSESSMENT: grant_after_acceptance,
    Stage.LEGAL_REVIEW: grant_after_acceptance,
    Stage.COLLECTIVE_DECISION: grant_after_acceptance,
    Stage.PUBLICATION: grant_after_acceptance,
}
