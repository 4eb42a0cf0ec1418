"""The start-up check that every stage is wired through the layers: its input definition, its
service, the grant of its permission, the label of its audit action and its step in the flow."""

import inspect
from types import SimpleNamespace

import pytest

from decisions import checks, commands, permissions, services
from decisions.audit import labels as audit_labels
from decisions.rulebook import Stage
from workflows import checks as workflow_checks
from workflows.flows import DecisionFlow


def _without(table: dict, key) -> dict:
    remaining = dict(table)
    del remaining[key]
    return remaining


def test_every_stage_is_wired_in_the_project():
    assert checks.every_stage_is_wired() == []
    assert workflow_checks.every_stage_has_its_step() == []


@pytest.mark.parametrize(("module", "table", "stage", "error_id"), [
    (commands, "INPUTS", Stage.LEGAL_REVIEW, "juece.E006"),
    (services, "BY_STAGE", Stage.RISK_ASSESSMENT, "juece.E007"),
    (services, "BY_STAGE", Stage.ARCHIVED, "juece.E007"),
    (permissions, "GRANTED_BY", Stage.PUBLICATION, "juece.E008"),
])
def test_a_stage_missing_from_a_table_is_named(monkeypatch, module, table, stage, error_id):
    monkeypatch.setattr(module, table, _without(getattr(module, table), stage))
    errors = checks.every_stage_is_wired()
    assert [e.id for e in errors] == [error_id]
    assert stage.value in errors[0].msg


def test_an_audit_action_without_its_label_names_the_stage(monkeypatch):
    monkeypatch.setattr(audit_labels, "ACTION_LABELS",
                        _without(audit_labels.ACTION_LABELS, "meeting_record"))
    errors = checks.every_stage_is_wired()
    assert [e.id for e in errors] == ["juece.E009"]
    assert "collective_decision" in errors[0].msg and "meeting_record" in errors[0].msg


def test_a_command_that_runs_nothing_is_no_input_definition(monkeypatch):
    monkeypatch.setitem(commands.INPUTS, Stage.REVISION, commands.StageInput)
    errors = checks.every_stage_is_wired()
    assert [e.id for e in errors] == ["juece.E006"]
    assert "revision" in errors[0].msg


def test_a_stage_without_its_step_in_the_flow_is_named(monkeypatch):
    monkeypatch.setattr(DecisionFlow.instance.node("publication"), "stage", Stage.REVISION)
    errors = workflow_checks.every_stage_has_its_step()
    assert [e.id for e in errors] == ["juece.E010"]
    assert "publication" in errors[0].msg


def test_each_stage_service_records_the_action_the_table_names():
    for stage, pairs in services.BY_STAGE.items():
        for service, action in pairs:
            assert f'action="{action}"' in inspect.getsource(service), (stage, action)


def test_each_grant_function_grants_the_stages_the_table_names(monkeypatch):
    granted: dict = {}
    monkeypatch.setattr(permissions, "role_group", lambda role: role)
    decision = SimpleNamespace(drafter="drafter", reviewer="reviewer", counsel_id=1,
                               counsel="counsel", risk_assessor_id=1,
                               risk_assessor="risk", experts=SimpleNamespace(all=lambda: ["e"]))
    for function in set(permissions.GRANTED_BY.values()):
        monkeypatch.setattr(permissions, "grant", lambda _decision, _holder, *stages, f=function,
                            **_kwargs: granted.setdefault(f, set()).update(stages))
        function(decision, acting_user=None)
    for stage, function in permissions.GRANTED_BY.items():
        assert stage in granted[function], stage
