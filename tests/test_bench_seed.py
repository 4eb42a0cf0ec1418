"""The bench's seed (bench/seed.py, issue 13) on its small scale, in the test database: the
audit chain verifies, every foreign key holds, and the app serves the seeded decisions to the
people of their own town only."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from viewflow.workflow.models import Process, Task

from bench.seed import SCALES, TOWNS, seed
from decisions.audit import verify_chain
from decisions.models import Decision, StageTask
from workflows.flows import DecisionFlow

from .http_client import decision_url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_the_small_seed_keeps_the_chain_the_keys_and_the_pages(capsys):
    report = seed(SCALES["small"], say=lambda _text: None)

    rows = report["rows"]
    assert rows["decisions"] == SCALES["small"] == Decision.objects.count()
    assert rows["users"] == 14 * len(TOWNS)  # the demo's people in every town
    assert report["foreign_keys_checked"] > 50  # seed() raises if any row points nowhere
    assert rows["flow tasks"] > 10 * rows["decisions"]
    # every decision has its workflow run, and every stage task is a task of the flow
    assert not Decision.objects.exclude(process_id__in=Process.objects.values("id")).exists()
    assert not StageTask.objects.exclude(pk__in=Task.objects.values("id")).exists()

    chain = verify_chain()
    assert chain.ok and chain.events == report["events"] == rows["audit events"]
    call_command("audit_verify")
    assert "intact" in capsys.readouterr().out

    # a cloned decision of the fourth town: its drafter and office read it, another town's not
    town = TOWNS[3]
    cloned = Decision.objects.filter(lead_unit__startswith=town).order_by("id").first()
    assert cloned is not None and cloned.title.startswith(town)
    for username in ("drafter_03", "office_03"):
        page = client_of(username).get(decision_url(cloned))
        assert page.status_code == 200, username
        assert cloned.title in page.content.decode()
    assert client_of("drafter_04").get(decision_url(cloned)).status_code == 404

    # the demo's own logins still work on the seeded county: the inbox, the queue, the list
    office = client_of("office")
    for name in ("inbox", "queue", "index"):
        assert office.get(DecisionFlow.instance.reverse(name)).status_code == 200, name
    template = Decision.objects.order_by("id").first()
    assert office.get(decision_url(template)).status_code == 200
