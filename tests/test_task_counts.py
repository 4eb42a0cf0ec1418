"""The menu's task counters (workflows/queues.py ``count_of``): the list's own COUNT, the SQL
the ORM writes for it, built once and run with each user's number."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from workflows import queues

from .factories import Journey

LISTS = (queues.tasks_inbox, queues.tasks_queue, queues.tasks_archive)


def test_a_counter_runs_the_lists_own_count_query_for_each_user(people):
    for n in range(3):
        journey = Journey(people, title=f"决策事项 {n}")
        if n:
            journey.submit()
    assert queues.tasks_inbox(people["drafter"]).exists()
    assert queues.tasks_queue(people["office"]).exists()
    for role in ("drafter", "office", "reviewer", "counsel", "auditor"):
        user = people[role]
        for tasks in LISTS:
            queues.count_of(tasks, user)  # built once (and the permissions' ids read)
            with CaptureQueriesContext(connection) as orm:
                expected = tasks(user).count()
            with CaptureQueriesContext(connection) as counted:
                assert queues.count_of(tasks, user) == expected, (role, tasks.__name__)
            assert [q["sql"] for q in counted.captured_queries] == \
                [q["sql"] for q in orm.captured_queries], (role, tasks.__name__)
