from django.core import checks

from . import rulebook


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
