"""Finding one's way: the start button, the login page for visitors, the 403 and 404 pages, the
menu's completed tasks, names written family name first, and deadline colours on every list."""

import datetime
import re
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from decisions.models import TaskDeadline
from decisions.people import display_name
from workflows.flows import DecisionFlow
from workflows.forms import UserChoiceField

from .factories import Journey, open_task
from .http_client import decision_url, logged_in, start_url, task_url

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
MONDAY = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)


def url(name: str, *args) -> str:
    return DecisionFlow.instance.reverse(name, args=args)


def page(client, address) -> str:
    response = client.get(address)
    assert response.status_code == 200, address
    return response.content.decode()


# The start button.

@pytest.mark.parametrize("name", ["index", "process_list"])
def test_a_drafter_finds_the_start_button_on_the_landing_page_and_the_list(people, name):
    html = page(logged_in(people["drafter"]), url(name))
    assert re.search(rf'<a class="[^"]*juece-start[^"]*" href="{re.escape(start_url())}"', html)
    assert "提出决策建议" in html


@pytest.mark.parametrize("role", ["office", "reviewer", "expert", "secretary", "head",
                                  "auditor"])
def test_nobody_else_sees_the_start_button(people, role):
    html = page(logged_in(people[role]), url("index"))
    assert "juece-start" not in html
    assert start_url() not in html


def test_the_landing_page_is_the_decision_list(people):
    response = logged_in(people["drafter"]).get("/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].lstrip(".") == url("index")
    assert "juece-start" in response.content.decode()


# Logged-out visitors.

def test_logged_out_visitors_go_to_the_login_page(people):
    journey = Journey(people)
    task = open_task(journey.decision, "initiation")
    for address in ["/", url("index"), url("process_list"), decision_url(journey.decision),
                    url("inbox"), url("queue"), url("archive"), task_url(task), start_url(),
                    url("notifications")]:
        response = Client().get(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith("/accounts/login/?next="), address
    login = Client().get(url("inbox"), follow=True)
    assert login.status_code == 200
    assert 'name="password"' in login.content.decode()


def test_the_login_page_and_the_api_stay_outside_the_login_redirect(db):
    """(The database: the API's 401 is an audit event.)"""
    assert Client().get("/accounts/login/").status_code == 200
    assert Client().get("/api/v1/decisions/").status_code in (401, 403)


# 403 and 404 in plain Chinese, inside the site (the test settings run with DEBUG = False).

def test_a_refused_page_says_so_in_chinese_with_a_way_home(people):
    response = logged_in(people["drafter"]).get(url("audit_search"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "您无权打开此页面" in html and "请联系决策机关办公室" in html
    assert 'href="/"' in html and "返回首页" in html
    assert "juece-user-name" in html, "the page sits inside the site, with its menu"
    assert "Forbidden" not in html and "Access Forbidden" not in html


def test_a_missing_decision_says_so_in_chinese_with_a_way_home(people):
    response = logged_in(people["drafter"]).get(url("process_detail", 999999))
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and "此地址没有对应的页面" in html
    assert 'href="/"' in html and "返回首页" in html
    assert "已办任务" in html, "the page sits inside the site, with its menu"


def test_an_unknown_address_says_so_in_chinese_for_anyone(people):
    for client in (Client(), logged_in(people["office"])):
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        html = response.content.decode()
        assert "页面不存在" in html and "返回首页" in html
        assert "重大行政决策" in html and "juece/css/page.css" in html, \
            "the site's title and colours (page.css: the Content-Security-Policy, no inline style)"


def test_a_decision_one_may_not_read_is_not_found(people):
    journey = Journey(people)
    response = logged_in(people["expert"]).get(decision_url(journey.decision))
    assert response.status_code == 404
    assert journey.decision.title not in response.content.decode()


# The menu entry for one's completed tasks is not called after the last stage.

def test_completed_tasks_are_not_called_archive(people):
    journey = Journey(people)
    journey.submit()
    client = logged_in(people["drafter"])
    html = page(client, url("index"))
    menu = html[html.index("vf-page__menu"):html.index("vf-page__body")]
    link = re.search(rf'href="{re.escape(url("archive"))}">(.*?)</a>', menu, re.S).group(1)
    assert "已办任务" in link
    assert "归档" not in menu
    archive = page(client, url("archive"))
    assert re.search(r'<h1 class="vf-card__title">\s*已办任务\s*</h1>', archive)
    assert journey.decision.title in archive
    assert "归档" in html, "the stage keeps its statutory name in the stage filter"


def test_a_task_is_opened_by_its_name_in_the_inbox_and_the_queue(people):
    journey = Journey(people)
    inbox = page(logged_in(people["drafter"]), url("inbox"))
    task = open_task(journey.decision, "initiation")
    address = re.escape(task.flow_task.reverse("index", args=[task.process_id, task.pk]))
    assert re.search(rf'<a href="{address}">完善并提交决策建议</a>', inbox)
    journey.submit()
    queue = page(logged_in(people["office"]), url("queue"))
    task = open_task(journey.decision, "acceptance")
    address = re.escape(task.flow_task.reverse("index", args=[task.process_id, task.pk]))
    assert re.search(rf'<a href="{address}">受理或退回决策建议</a>', queue)


# Names as Chinese people write them.

@pytest.mark.parametrize(("first", "last", "username", "expected"), [
    ("建国", "王", "wang", "王建国"),
    ("", "王建国", "wang", "王建国"),
    ("", "", "wang", "wang"),
    ("Ming", "Zhang", "zhang", "Ming Zhang"),
])
def test_display_name(first, last, username, expected):
    user = get_user_model()(username=username, first_name=first, last_name=last)
    assert display_name(user) == expected


def drafter_named_in_two_parts(people):
    drafter = people["drafter"]
    drafter.first_name, drafter.last_name = "建国", "王"
    drafter.save()
    return drafter


def test_pages_write_names_family_name_first(people):
    drafter = drafter_named_in_two_parts(people)
    journey = Journey(people)
    journey.submit()
    client = logged_in(drafter)
    for address in [url("index"), url("inbox"), decision_url(journey.decision), url("archive")]:
        html = page(client, address)
        assert "建国 王" not in html, address
    assert "王建国" in page(client, url("index")), "the menu's user"
    assert "王建国" in page(client, decision_url(journey.decision)), "the drafter"
    office = logged_in(people["office"])
    task = open_task(journey.decision, "acceptance")
    office.post(task_url(task, "assign"))
    form = page(office, task_url(task))
    assert "建国 王" not in form


def test_person_choices_write_names_family_name_first(people):
    drafter = drafter_named_in_two_parts(people)
    field = UserChoiceField(queryset=get_user_model().objects.filter(pk=drafter.pk))
    assert [label for _pk, label in field.choices][1:] == ["王建国"]


def test_an_expert_signs_with_his_name_as_written(people):
    expert = people["expert"]
    expert.first_name, expert.last_name = "志强", "陈"
    expert.save()
    journey = Journey(people, needs_expert_input=True,
                      skip_reasons={"risk_assessment": "不涉及社会稳定风险"})
    journey.submit().accept()
    from decisions import services
    from workflows import actions

    task = open_task(journey.decision, "expert_input", owner=expert)
    actions.run_task(task, acting_user=expert, perform=lambda task: (
        services.decision_submit_expert_opinion(decision=journey.decision, opinion="可行。",
                                                signature="陈志强", declares_no_interest=True,
                                                acting_user=expert,
                                                task=task)))
    assert journey.decision.expert_opinions.get().signature == "陈志强"


def test_add_user_records_the_name_as_written(db):
    call_command("add_user", "clerk", "--role", "office", "--password", "pw-long-enough-1",
                 "--name", "李秀英", stdout=StringIO())
    clerk = get_user_model().objects.get(username="clerk")
    assert display_name(clerk) == "李秀英"


# Deadlines: the same red / yellow / green badge on the inbox, queue, list and decision page.

def badges(html: str) -> list[str]:
    return re.findall(r'<span class="juece-due juece-due--(\w+)" data-state="\w+">', html)


def test_the_deadline_badge_is_the_same_on_all_four_pages(people):
    with time_machine.travel(MONDAY, tick=False):
        waiting = Journey(people, title="等待起草的决策")
        queued = Journey(people, title="等待受理的决策")
        queued.submit()
    for day, state in [(datetime.date(2026, 3, 3), "green"), (datetime.date(2026, 3, 12),
                                                             "yellow"),
                       (datetime.date(2026, 3, 30), "red")]:
        with time_machine.travel(datetime.datetime.combine(day, datetime.time(9), SHANGHAI),
                                 tick=False):
            drafter, office = logged_in(people["drafter"]), logged_in(people["office"])
            inbox, queue = badges(page(drafter, url("inbox"))), badges(page(office, url("queue")))
            assert inbox == [state], day
            assert badges(page(drafter, decision_url(waiting.decision))) == inbox, day
            assert badges(page(office, decision_url(queued.decision))) == queue, day
            listed = page(drafter, url("index"))
            assert badges(listed) == queue + inbox, day
            assert 'data-label="期限状态"' in listed


def test_the_list_shows_the_most_pressing_open_deadline(people):
    with time_machine.travel(MONDAY, tick=False):
        journey = Journey(people)
    deadline = TaskDeadline.objects.get(task_id=open_task(journey.decision, "initiation").pk)
    TaskDeadline.objects.filter(pk=deadline.pk).update(due_on=datetime.date(2026, 3, 3))
    with time_machine.travel(datetime.datetime(2026, 3, 5, 9, tzinfo=SHANGHAI), tick=False):
        assert badges(page(logged_in(people["auditor"]), url("index"))) == ["red"]


def test_a_finished_task_page_writes_its_times_out(people):
    journey = Journey(people)
    task = open_task(journey.decision, "initiation")
    journey.submit()
    html = page(logged_in(people["drafter"]),
                task.flow_task.reverse("detail", args=[task.process_id, task.pk]))
    assert "md-outlined-text-field" not in html, "viewflow's JavaScript never draws it"
    times = html[html.index("juece-task-times"):]
    assert "创建时间" in times and "完成时间" in times
    assert re.search(r"<dd>\d{4}-\d\d-\d\d \d\d:\d\d</dd>", times)
    assert "受理或退回决策建议" in times, "the next task is named"
