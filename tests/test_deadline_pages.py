"""Deadlines on the pages: due dates and their state, the office's changes through HTTP, the
missing-calendar warning, and each user's own notifications."""

import datetime
import re

import time_machine

from decisions.models import CalendarYear, DeadlineChange, Notification, TaskDeadline
from workflows.flows import DecisionFlow

from .factories import Journey, open_task
from .http_client import decision_url, logged_in
from .test_i18n import english_words

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
MONDAY = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
CHRISTMAS_EVE = datetime.datetime(2026, 12, 24, 9, 0, tzinfo=SHANGHAI)


def at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9), SHANGHAI),
                               tick=False)


def deadline_of(decision, node_name) -> TaskDeadline:
    return TaskDeadline.objects.get(task_id=open_task(decision, node_name).pk)


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def change_url(decision, deadline) -> str:
    return DecisionFlow.instance.reverse("deadline_change",
                                         args=[decision.process_id, deadline.pk])


def state_of(html: str) -> list[str]:
    return re.findall(r'data-state="(\w+)"', html)


def test_inbox_and_decision_page_show_the_due_date_and_its_colour(people):
    with time_machine.travel(MONDAY, tick=False):
        journey = Journey(people, title="垃圾分类收费方案")
    due = deadline_of(journey.decision, "initiation").due_on
    assert due == datetime.date(2026, 3, 16)
    drafter = logged_in(people["drafter"])
    inbox = DecisionFlow.instance.reverse("inbox")
    for day, state, label in [(datetime.date(2026, 3, 3), "green", "正常"),
                              (datetime.date(2026, 3, 12), "yellow", "临近"),
                              (datetime.date(2026, 3, 17), "red", "逾期")]:
        with at(day):
            html = page(drafter, inbox)
            assert state_of(html) == [state], day
            assert label in html and "2026-03-16" in html.replace("2026年3月16日", "2026-03-16")
            detail = page(drafter, decision_url(journey.decision))
            assert state_of(detail) == [state]
            assert 'data-due-on="2026-03-16"' in detail


def test_the_queue_shows_the_state_too(people):
    with time_machine.travel(MONDAY, tick=False):
        Journey(people).submit()
    with at(datetime.date(2026, 3, 10)):
        html = page(logged_in(people["office"]), DecisionFlow.instance.reverse("queue"))
    assert state_of(html) == ["red"]


def test_office_changes_a_deadline_with_a_reason(people):
    with time_machine.travel(MONDAY, tick=False):
        journey = Journey(people).submit()
        deadline = deadline_of(journey.decision, "acceptance")
        response = logged_in(people["office"]).post(
            change_url(journey.decision, deadline),
            {"due_on": "2026-03-20", "reason": "申报材料较多，延长受理期限"}, follow=True)
    assert response.status_code == 200
    deadline.refresh_from_db()
    assert deadline.due_on == datetime.date(2026, 3, 20)
    change = DeadlineChange.objects.get(deadline=deadline)
    assert change.reason == "申报材料较多，延长受理期限"
    html = response.content.decode()
    assert 'data-due-on="2026-03-20"' in html
    assert "申报材料较多，延长受理期限" in html


def test_a_review_deadline_under_7_working_days_is_refused_clearly(people):
    with time_machine.travel(MONDAY, tick=False):
        journey = Journey(people).submit().accept().participate()
        deadline = deadline_of(journey.decision, "legal_review")
        before = deadline.due_on
        response = logged_in(people["office"]).post(
            change_url(journey.decision, deadline),
            {"due_on": "2026-03-05", "reason": "情况紧急"}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "7个工作日" in html and "2026-03-11" in html
    deadline.refresh_from_db()
    assert deadline.due_on == before
    assert not DeadlineChange.objects.exists()


def test_a_change_without_a_reason_is_refused(people):
    with time_machine.travel(MONDAY, tick=False):
        journey = Journey(people).submit()
        deadline = deadline_of(journey.decision, "acceptance")
        logged_in(people["office"]).post(change_url(journey.decision, deadline),
                                         {"due_on": "2026-03-20", "reason": ""})
    deadline.refresh_from_db()
    assert deadline.due_on == datetime.date(2026, 3, 9)


def test_only_the_office_changes_deadlines(people):
    with time_machine.travel(MONDAY, tick=False):
        journey = Journey(people).submit()
        deadline = deadline_of(journey.decision, "acceptance")
        url = change_url(journey.decision, deadline)
        data = {"due_on": "2026-03-20", "reason": "想延期"}
        assert logged_in(people["drafter"]).post(url, data).status_code == 403
        assert logged_in(people["auditor"]).post(url, data).status_code == 403
        assert logged_in(people["drafter2"]).post(url, data).status_code == 404
        drafter_page = page(logged_in(people["drafter"]), decision_url(journey.decision))
        office_page = page(logged_in(people["office"]), decision_url(journey.decision))
    deadline.refresh_from_db()
    assert deadline.due_on == datetime.date(2026, 3, 9)
    assert url not in drafter_page
    assert url in office_page


def test_a_deadline_in_a_year_without_holidays_is_flagged_and_the_office_told(people):
    assert not CalendarYear.objects.filter(year=2027).exists()
    with time_machine.travel(CHRISTMAS_EVE, tick=False):
        journey = Journey(people, title="春节期间环境整治方案")
        deadline = deadline_of(journey.decision, "initiation")
        assert deadline.uncovered_year == 2027
        inbox = page(logged_in(people["drafter"]), DecisionFlow.instance.reverse("inbox"))
        detail = page(logged_in(people["drafter"]), decision_url(journey.decision))
    assert "2027年节假日安排未导入" in inbox
    assert "2027年节假日安排未导入" in detail
    notice = Notification.objects.get(user=people["office"])
    assert notice.decision == journey.decision
    assert "春节期间环境整治方案" in notice.message and "2027" in notice.message
    assert not Notification.objects.exclude(user=people["office"]).exists()


def unread_badge(html: str) -> str | None:
    found = re.search(r'data-unread="(\d+)"', html)
    return found.group(1) if found else None


def test_notifications_listed_read_and_counted_in_the_header(people):
    with time_machine.travel(CHRISTMAS_EVE, tick=False):
        journey = Journey(people, title="春节期间环境整治方案")
    office = people["office"]
    for n in range(2):
        Notification.objects.create(user=office, message=f"提醒{n}")
    client = logged_in(office)
    notifications = DecisionFlow.instance.reverse("notifications")
    html = page(client, notifications)
    assert unread_badge(html) == "3"
    assert html.count('data-read="0"') == 3
    assert html.index("提醒1") < html.index("提醒0")  # newest first
    assert english_words(html, [office.username]) == []

    notice = Notification.objects.get(decision=journey.decision)
    response = client.get(DecisionFlow.instance.reverse("notification_open", args=[notice.pk]))
    assert response.status_code == 302 and response.url == decision_url(journey.decision)
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert unread_badge(page(client, notifications)) == "2"

    response = client.post(DecisionFlow.instance.reverse("notifications_read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(user=office, read_at__isnull=True).exists()
    html = page(client, notifications)
    assert unread_badge(html) is None
    assert 'data-read="0"' not in html


def test_nobody_reads_another_users_notification(people):
    notice = Notification.objects.create(user=people["office"], message="仅本人可见")
    intruder = logged_in(people["drafter"])
    url = DecisionFlow.instance.reverse("notification_open", args=[notice.pk])
    assert intruder.get(url).status_code == 404
    assert "仅本人可见" not in page(intruder, DecisionFlow.instance.reverse("notifications"))
    intruder.post(DecisionFlow.instance.reverse("notifications_read"))
    notice.refresh_from_db()
    assert notice.read_at is None
