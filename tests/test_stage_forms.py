"""The stage forms through HTTP: every error summarised on top, the meeting's missing position on
its field, a stale review answered with the current draft, a task page refused with where it
stands. (The same in Chromium: tests/chromium/test_empty_forms.py and test_refusals.py.)"""

import re

import pytest

from decisions.models import LegalReview, Meeting, PublicComment
from decisions.records.drafts import draft_version_create
from workflows import forms

from .factories import Journey, open_task
from .http_client import Office, comments_formset, consultations_formset, logged_in, task_url


def summary(response) -> str:
    match = re.search(r'<section[^>]*juece-error-summary.*?</section>', response.content.decode(),
                      re.S)
    return match.group(0) if match else ""


def test_an_empty_form_lists_every_field_on_top(people):
    office = Office(people)
    office.propose()
    response = office.complete("initiation", "drafter", {}, expect=200)
    top = summary(response)
    for label in ("标题", "承办单位", "拟解决的问题及理由", "法律依据（每行一项）", "初步方案",
                  "必要性与可行性"):
        assert f">{label}</a>: <span>" in top, label
    assert 'novalidate' in response.content.decode()


def test_comments_start_from_one_row_and_an_untouched_row_is_no_comment(people):
    assert forms.PublicCommentFormSet(prefix="comments").total_form_count() == 1
    office = Office(people)
    office.propose()
    office.submit()
    office.accept()
    data = consultations_formset([{"method": "online", "window_start": "2026-03-02",
                                   "window_end": "2026-04-10"}])
    data.update(comments_formset([
        {"source": "村民代表", "text": "建议增加收运频次", "adoption": "adopted", "reason": "合理"},
        {"source": "", "text": "", "adoption": "", "reason": ""}]))
    office.complete("public_participation", "drafter", data)
    assert PublicComment.objects.count() == 1


def test_a_missing_position_is_named_beside_the_members_field(people):
    office = Office(people)
    office.propose()
    office.submit()
    office.accept()
    office.participate()
    office.review("lawful")
    response = office.meet(positions={"member": "agree"}, expect=409)
    field = response.context["form"][f"position_{people['member2'].pk}"]
    assert field.errors and "冯委员" in field.errors[0]
    assert "冯委员的表态意见" in summary(response)
    page = response.content.decode()
    assert page.index("juece-meeting-basis") < page.index('name="meeting_date"') \
        < page.index('name="attendees"') < page.index(f'name="position_{people["member"].pk}"') \
        < page.index('name="head_decision"')
    assert not Meeting.objects.exists()


def test_a_stale_review_shows_and_names_the_current_draft(people):
    office = Office(people)
    office.propose()
    office.submit()
    office.accept()
    office.participate()
    stale = office.decision.current_version.sha256
    draft_version_create(decision=office.decision, text="第一条 改过的草案。",
                         acting_user=people["drafter"])
    response = office.review("lawful", reviewed_version=stale, expect=409)
    assert "当前草案为第2版" in summary(response)
    current = office.decision.current_version.sha256
    assert response.context["form"]["reviewed_version"].value() == current
    assert not LegalReview.objects.exists()


@pytest.mark.parametrize("action", ["index", "execute", "assign"])
def test_a_task_opened_without_the_grant_says_where_it_stands(people, action):
    """To one who may read the decision (the auditor); anyone else gets the site's 404
    (tests/test_security_refusals.py)."""
    journey = Journey(people).submit()
    task = open_task(journey.decision, "acceptance")
    response = logged_in(people["auditor"]).get(task_url(task, action))
    assert response.status_code == 403
    page = response.content.decode()
    assert "决策受理" in page
    assert "决策机关办公室的待认领队列" in page
    assert 'href="/decision/inbox/"' in page


def test_a_held_task_names_its_holder(people):
    journey = Journey(people).submit().accept().participate()
    task = open_task(journey.decision, "legal_review")
    response = logged_in(people["auditor"]).post(task_url(task), {})
    assert response.status_code == 403
    assert "张审查" in response.content.decode()
    assert "合法性审查" in response.content.decode()
