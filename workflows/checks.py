"""System check: every stage at which someone acts has its step in the flow."""

from django.core import checks

from decisions import rulebook

from . import flows
from .nodes import StageView


@checks.register()
def every_stage_has_its_step(app_configs=None, **kwargs):
    """The archive is filed by the flow's own function step; no one acts at it (the rulebook
    gives it no permission), so it has no StageView."""
    staged = {node.stage for node in flows.DecisionFlow.instance.nodes()
              if isinstance(node, StageView)}
    return [checks.Error(f"Stage {rule.stage.value} has no StageView step in "
                         "workflows.flows.DecisionFlow.", id="juece.E010")
            for rule in rulebook.RULES if rule.permission and rule.stage not in staged]
