"""The decision list's count is kept per reader until what he may read changes
(decisions/readable_counts.py): never counted twice for nothing, never stale after a commit."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import remove_perm
from rest_framework.test import APIClient

from decisions import permissions
from decisions.models import Decision
from decisions.rulebook import VIEW_PERMISSION

from .api import PASSWORD

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _listed(api, username, **params) -> tuple[int, bool]:
    """The list's count and whether answering it counted the list (a ``COUNT(*)``)."""
    with CaptureQueriesContext(connection) as queries:
        response = api.get(username, "/api/v1/decisions/", **params)
    assert response.status_code == 200, response.content
    counted = any("COUNT(*)" in q["sql"] for q in queries.captured_queries)
    return response.json()["count"], counted


def test_the_count_is_counted_once_and_again_after_each_change(api):
    api.propose(title="第一件")
    assert _listed(api, "drafter") == (1, True)
    assert _listed(api, "drafter") == (1, False)

    api.propose(title="第二件")  # a new decision and its grants: the generation moves
    assert _listed(api, "drafter") == (2, True)
    assert _listed(api, "drafter") == (2, False)
    assert _listed(api, "drafter2") == (0, True)


def test_a_grant_taken_back_or_a_role_given_is_seen_at_once(api, django_user_model):
    first = api.propose(title="第一件")["id"]
    api.propose(title="第二件")
    assert _listed(api, "drafter") == (2, True)

    remove_perm(VIEW_PERMISSION, django_user_model.objects.get(username="drafter"),
                Decision.objects.get(pk=first))
    assert _listed(api, "drafter") == (1, True)

    # drafter2 joins the auditors, whose global grant reads every decision (and logs in again:
    # a role change ends his tokens).
    assert _listed(api, "drafter2") == (0, True)
    django_user_model.objects.get(username="drafter2").groups.add(Group.objects.get(name="auditor"))
    token = APIClient().post("/api/v1/auth/token/", {"username": "drafter2", "password": PASSWORD},
                             format="json").json()["token"]
    api.clients["drafter2"].credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert _listed(api, "drafter2") == (2, True)


def test_an_open_transaction_counts_its_own_changes(api, django_user_model):
    api.propose(title="第一件")
    assert _listed(api, "drafter2") == (0, True)
    assert _listed(api, "drafter2") == (0, False)
    with transaction.atomic():
        permissions.grant(Decision.objects.get(),
                          django_user_model.objects.get(username="drafter2"),
                          acting_user=django_user_model.objects.get(username="office"))
        assert _listed(api, "drafter2") == (1, True)
    assert _listed(api, "drafter2") == (1, True)


def test_filtered_lists_are_counted_each_time(api):
    api.propose(title="第一件")
    for _ in range(2):
        assert _listed(api, "drafter", stage="initiation") == (1, True)
        assert _listed(api, "drafter", overdue="false") == (1, True)



def test_open_tasks_are_paged_from_the_inbox_and_the_queue_merged(api, monkeypatch):
    """The office's own tasks (claimed) and those of its queue, oldest first, across pages; the
    page is picked by key (a bounded read of each list), never from the union of both."""
    from rest_framework.pagination import PageNumberPagination

    pks = [api.propose(title=f"决策{n}")["id"] for n in range(5)]
    for pk in pks:
        api.submit(pk)
    queued = sorted(t["id"] for t in api.get("office", "/api/v1/tasks/").json()["results"])
    for number in queued[1::2]:  # claim every second one: it moves to the office's inbox
        assert api.post("office", f"/api/v1/tasks/{number}/claim/").status_code == 200
    monkeypatch.setattr(PageNumberPagination, "page_size", 2)
    seen, url = [], "/api/v1/tasks/"
    with CaptureQueriesContext(connection) as queries:
        while url:
            page = api["office"].get(url).json()
            assert page["count"] == 5
            seen += [(t["id"], t["status"]) for t in page["results"]]
            url = page["next"]
    assert [number for number, _status in seen] == queued
    assert [status for _number, status in seen] == ["new", "assigned"] * 2 + ["new"]
    picks = [q["sql"] for q in queries.captured_queries
             if 'FROM "viewflow_task"' in q["sql"] and "COUNT(*)" not in q["sql"]
             and q["sql"].startswith('SELECT "viewflow_task"."id"')]
    assert picks and all("LIMIT" in sql and "UNION" not in sql for sql in picks)
    assert api.get("office", "/api/v1/tasks/", stage="legal_review").json()["count"] == 0
    assert api.get("office", "/api/v1/tasks/", stage="acceptance").json()["count"] == 5


def test_the_decision_list_page_counts_once_per_change(api, django_user_model):
    """The browser's decision list keeps the same count as the API's."""
    api.propose(title="第一件")
    client = Client()
    client.force_login(django_user_model.objects.get(username="drafter"))

    def listed() -> bool:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/decision/").status_code == 200
        return any(q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "decisions_decision"')
                   for q in queries.captured_queries)

    assert listed() is True
    assert listed() is False
    api.propose(title="第二件")
    assert listed() is True
    with CaptureQueriesContext(connection) as queries:
        client.get("/decision/?stage=initiation")
    assert any(q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "decisions_decision"')
               for q in queries.captured_queries)
