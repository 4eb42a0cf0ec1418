"""The API's decisions and tasks, written out field by field (workflows/api/serializers.py), are
the answer DRF's generic walk over the declared fields gives, on every decision of the demo (every
stage and outcome) and every task of theirs, open or done."""

import pytest
from django.test import RequestFactory
from rest_framework import serializers

from decisions import selectors
from decisions.models import Decision, StageTask
from workflows.api.serializers import DecisionSerializer, TaskSerializer

from .test_seed_demo import seed_demo


@pytest.fixture
def demo(db):
    seed_demo()


def _generic(serializer, instance) -> dict:
    return serializers.ModelSerializer.to_representation(serializer, instance)


def test_every_demo_decision_and_task_is_written_as_the_generic_serializer_writes_it(
        demo, settings):
    decisions = list(selectors.decisions_with_open_tasks(
        _auditor(), per_row=True).order_by("id"))
    assert len(decisions) == Decision.objects.count() >= 15
    for time_zone in ("Asia/Shanghai", "UTC"):
        settings.TIME_ZONE = time_zone
        serializer = DecisionSerializer(context={"request": RequestFactory().get("/")})
        for decision in decisions:
            assert serializer.to_representation(decision) == _generic(serializer, decision)
    assert any(d.expert_opinions.all() for d in decisions)
    assert any(d.counsel_id for d in decisions) and any(not d.counsel_id for d in decisions)

    serializer = TaskSerializer()
    tasks = StageTask.objects.select_related("holder", "deadline")
    assert tasks.filter(holder__isnull=True).exists()
    assert tasks.filter(deadline__isnull=True).exists()
    for task in tasks:
        assert serializer.to_representation(task) == _generic(serializer, task)


def _auditor():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="auditor")
