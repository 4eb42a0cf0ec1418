from django.core import checks

from . import commands, permissions, rulebook, services
from .audit import labels as audit_labels


@checks.register()
def rulebook_is_complete(app_configs=None, **kwargs):
    """Every stage needs an actor and a period, and its own permission if someone acts at it."""
    errors = []
    for stage in rulebook.Stage:
        rule = rulebook.RULES_BY_STAGE.get(stage.value)
        if rule is None:
            errors.append(checks.Error(f"The rulebook has no rule for stage {stage.value}.",
                                       id="juece.E001"))
            continue
        if rule.actor not in rulebook.Role:
            errors.append(checks.Error(f"Stage {stage.value} has no actor.", id="juece.E002"))
        if not rule.period_days or rule.period_days <= 0:
            errors.append(checks.Error(f"Stage {stage.value} has no period.", id="juece.E003"))
        if stage != rulebook.Stage.ARCHIVED and not rule.permission:
            errors.append(checks.Error(f"Stage {stage.value} has no permission.",
                                       id="juece.E004"))
    if list(rulebook.STAGE_ORDER) != [s.value for s in rulebook.Stage]:
        errors.append(checks.Error("The rulebook's order differs from the stage list.",
                                   id="juece.E005"))
    return errors


@checks.register()
def every_stage_is_wired(app_configs=None, **kwargs):
    """Every stage has its service and the label of the audit action it records; every stage at
    which someone acts also has its input definition and a grant of its permission. (Its flow
    node is the workflow layer's check.)"""
    errors = []
    for stage in rulebook.Stage:
        rule = rulebook.RULES_BY_STAGE.get(stage.value)
        if rule is not None and rule.permission:
            command = commands.INPUTS.get(stage)
            if not (isinstance(command, type) and issubclass(command, commands.StageInput)
                    and command.run is not commands.StageInput.run):
                errors.append(checks.Error(
                    f"Stage {stage.value} has no input definition in decisions.commands.INPUTS.",
                    id="juece.E006"))
            if not callable(permissions.GRANTED_BY.get(stage)):
                errors.append(checks.Error(
                    f"Stage {stage.value}'s permission is not granted: no entry in "
                    "decisions.permissions.GRANTED_BY.", id="juece.E008"))
        stage_services = services.BY_STAGE.get(stage, ())
        if not stage_services or not all(callable(service) for service, _ in stage_services):
            errors.append(checks.Error(
                f"Stage {stage.value} has no service in decisions.services.BY_STAGE.",
                id="juece.E007"))
        for _service, action in stage_services:
            if action not in audit_labels.ACTION_LABELS:
                errors.append(checks.Error(
                    f"Stage {stage.value}'s audit action {action} has no label in "
                    "decisions.audit.labels.ACTION_LABELS.", id="juece.E009"))
    return errors


@checks.register()
def meeting_quorum_is_lawful(app_configs=None, **kwargs):
    """settings.JUECE_MEETING_QUORUM is a fraction that may raise the quorum of more than half
    (Art. 30 and the meeting rules), never lower it."""
    from .records.meeting import configured_meeting_quorum

    try:
        quorum = configured_meeting_quorum()
    except (ValueError, ZeroDivisionError) as error:
        return [checks.Error(f"JUECE_MEETING_QUORUM is not a fraction between 0 and 1: {error}.",
                             id="juece.E020")]
    if quorum < rulebook.MEETING_QUORUM_MIN:
        return [checks.Error(
            f"JUECE_MEETING_QUORUM is {quorum}: a meeting of the decision organ needs more than "
            f"half of its members (at least {rulebook.MEETING_QUORUM_MIN}); a deployment may "
            "raise the quorum, not lower it.", id="juece.E020")]
    return []


@checks.register(checks.Tags.database)
def review_period_is_lawful(app_configs=None, databases=None, **kwargs):
    """A deployment's own period for the legality review (a row the admin wrote, or one written
    before the admin refused it) keeps Art. 26's seven working days. Runs with the database
    checks (``check --database default``, and before every ``migrate``)."""
    from django.db import DatabaseError

    from .models import StagePeriod

    if not databases:
        return []
    try:
        rows = list(StagePeriod.objects.filter(stage=rulebook.Stage.LEGAL_REVIEW))
    except DatabaseError:
        return []  # not migrated yet
    return [checks.Error(
        f"The stage period of {row.stage} ({row.period_days} "
        f"{'working' if row.working_days else 'calendar'} days) is under Art. 26's minimum of "
        f"{rulebook.LEGAL_REVIEW_MIN_WORKING_DAYS} working days; it is not applied.",
        hint="Correct it in the admin (Stage periods).", obj=row, id="juece.E011")
        for row in rows if rulebook.review_period_problem(row.period_days, row.working_days)]
