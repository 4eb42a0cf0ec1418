"""The rulebook and its start-up check; pure rules need no database."""

import os
import subprocess
import sys
from pathlib import Path

from decisions import checks, rulebook
from decisions.rulebook import Stage

ROOT = Path(__file__).resolve().parent.parent


def test_stage_identifiers_are_the_contract():
    assert [s.value for s in Stage] == [
        "initiation", "acceptance", "public_participation", "expert_input", "risk_assessment",
        "legal_review", "revision", "collective_decision", "publication", "archived"]
    assert list(rulebook.STAGE_ORDER) == [s.value for s in Stage]


def test_every_stage_has_an_actor_a_period_and_a_source():
    for rule in rulebook.RULES:
        assert rule.actor in rulebook.Role
        assert rule.period_days > 0
        assert rule.article and rule.period_source


def test_only_lawful_outcomes_clear_the_gate():
    assert {"lawful", "lawful_with_risk"} == rulebook.REVIEW_OUTCOMES_CLEARING_THE_GATE


def test_system_check_passes_and_fails_when_a_stage_lacks_a_rule(monkeypatch):
    assert checks.rulebook_is_complete() == []
    broken = dict(rulebook.RULES_BY_STAGE)
    del broken["legal_review"]
    monkeypatch.setattr(rulebook, "RULES_BY_STAGE", broken)
    errors = checks.rulebook_is_complete()
    assert [e.id for e in errors] == ["juece.E001"]


def test_system_check_fails_for_a_stage_without_period(monkeypatch):
    rules = dict(rulebook.RULES_BY_STAGE)
    rules["publication"] = rulebook.StageRule(Stage.PUBLICATION, "Art. 32", rulebook.Role.OFFICE,
                                              0, True, "none", "act_publication")
    monkeypatch.setattr(rulebook, "RULES_BY_STAGE", rules)
    assert [e.id for e in checks.rulebook_is_complete()] == ["juece.E003"]


def _django_check(settings_module: str, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    environment.update(DJANGO_SETTINGS_MODULE=settings_module, **env)
    return subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_a_secret_key():
    refused = _django_check("config.settings.production")
    assert refused.returncode != 0
    assert "DJANGO_SECRET_KEY" in refused.stderr
    started = _django_check("config.settings.production", DJANGO_SECRET_KEY="x" * 50)
    assert started.returncode == 0, started.stderr


def test_decided_adoptions_are_every_answer_but_pending():
    assert list(rulebook.DECIDED_ADOPTIONS) == ["adopted", "partly_adopted", "not_adopted"]
    assert rulebook.AdoptionStatus.PENDING not in rulebook.DECIDED_ADOPTIONS


def test_each_consultation_stage_has_its_flag_on_the_decision():
    from decisions.models import Decision

    assert list(rulebook.STAGE_FLAGS) == list(rulebook.CONSULTATION_STAGES)
    decision = Decision(needs_public_participation=False, needs_expert_input=True,
                        needs_risk_assessment=False)
    assert [decision.needs(stage) for stage in rulebook.CONSULTATION_STAGES] == [
        False, True, False]
    assert decision.needs("expert_input")


def test_stage_rank_follows_the_statute():
    assert rulebook.stage_rank(Stage.INITIATION) == 0
    assert rulebook.stage_rank("legal_review") == 5
    assert [rulebook.stage_rank(s) for s in Stage] == list(range(len(Stage)))
