"""Issue 10, Arts. 29-32: the meeting package, the quorum, the real order of events, the published
text bound to the adopted draft, and the report to the Party committee; each gate through the
service, the API (its code) and the page (its message visible)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from decisions import services
from decisions.errors import StatutoryGateError
from decisions.models import Decision, Meeting, MeetingAbsence, Publication, PublicComment
from decisions.rulebook import Stage

from .factories import PARTY_REPORT_REF, Journey, make_user
from .http_client import http_at_meeting

DAY = datetime.timedelta(days=1)


def today() -> datetime.date:
    return timezone.localdate()


def at_meeting(people, **overrides) -> Journey:
    journey = Journey(people, **overrides)
    journey.submit().accept().participate().review("lawful")
    assert journey.decision.stage == Stage.COLLECTIVE_DECISION
    return journey


def meeting(people, journey, **overrides):
    """Record the meeting through the service: by default every member attends and agrees."""
    members = [people["member"], people["member2"]]
    kwargs = {
        "decision": journey.decision, "meeting_date": today(), "kind": "leadership",
        "head": people["head"], "attendees": members,
        "positions": {m: ("agree", "同意") for m in members}, "head_decision": "adopted",
        "acting_user": people["secretary"],
    }
    kwargs.update(overrides)
    return services.decision_record_meeting(**kwargs)


def refused(call, **kwargs) -> StatutoryGateError:
    with pytest.raises(StatutoryGateError) as refusal:
        call(**kwargs)
    return refusal.value


def publish(people, journey, **overrides):
    kwargs = {"decision": journey.decision, "published_on": today(),
              "adoption_explanation": "采纳了群众意见。", "party_report_on": today(),
              "party_report_ref": PARTY_REPORT_REF, "acting_user": people["office"]}
    kwargs.update(overrides)
    return services.decision_publish(**kwargs)


# The meeting package (Art. 29)


def test_no_meeting_while_an_expert_opinion_awaits_its_adoption(people):
    journey = Journey(people, needs_expert_input=True,
                      skip_reasons={"risk_assessment": "不涉及社会稳定风险"})
    journey.submit().accept().participate().expert_opinion().review("lawful")
    refusal = refused(meeting, people=people, journey=journey)
    assert refusal.code == "meeting_package_incomplete"
    assert "29" in refusal.message or "第二十九条" in refusal.message
    assert "专家" in refusal.message or "expert" in refusal.message
    assert not Meeting.objects.exists()

    journey.adopt_opinions()
    assert meeting(people, journey).head_decision == "adopted"


def test_no_meeting_while_a_public_comment_awaits_its_adoption(people):
    journey = at_meeting(people)
    # A comment recorded before adoption was required (the record as an older release left it).
    PublicComment.objects.filter(participation__decision=journey.decision).update(
        adoption="pending")
    refusal = refused(meeting, people=people, journey=journey)
    assert refusal.code == "meeting_package_incomplete"
    assert "公众意见" in refusal.message or "public comment" in refusal.message


def test_no_meeting_without_the_risk_assessment_it_needs(people):
    journey = at_meeting(people)
    Decision.objects.filter(pk=journey.decision.pk).update(needs_risk_assessment=True)
    refusal = refused(meeting, people=people, journey=journey)
    assert refusal.code == "meeting_package_incomplete"
    assert "风险评估" in refusal.message or "risk assessment" in refusal.message


# Attendance and quorum (Art. 30 and the meeting rules)


def test_every_member_attends_or_is_absent_with_a_reason(people):
    journey = at_meeting(people)
    member, member2 = people["member"], people["member2"]
    with pytest.raises(ValidationError) as missing:
        meeting(people, journey, attendees=[member], positions={member: ("agree", "")})
    assert "absent" in missing.value.message_dict
    assert member2.last_name in " ".join(missing.value.message_dict["absent"])

    with pytest.raises(ValidationError) as no_reason:
        meeting(people, journey, attendees=[member], positions={member: ("agree", "")},
                absent=[{"member": member2, "reason": "  "}])
    assert "absent" in no_reason.value.message_dict

    with pytest.raises(ValidationError) as both:
        meeting(people, journey, absent=[{"member": member2, "reason": "出差"}])
    assert "absent" in both.value.message_dict
    assert not Meeting.objects.exists()


def test_the_meeting_counts_only_when_more_than_half_attend(people):
    journey = at_meeting(people)
    member, member2 = people["member"], people["member2"]
    refusal = refused(meeting, people=people, journey=journey, attendees=[member],
                      positions={member: ("agree", "")},
                      absent=[{"member": member2, "reason": "出差"}])
    assert refusal.code == "quorum_not_met"
    assert "1" in refusal.message and "2" in refusal.message
    assert not Meeting.objects.exists()

    member3 = make_user("member3", "member", "褚委员")
    held = meeting(people, journey, absent=[{"member": member3, "reason": "病假"}])
    assert [(a.member, a.reason) for a in MeetingAbsence.objects.filter(meeting=held)] == [
        (member3, "病假")]
    event = journey.decision.events.get(action="meeting_record")
    assert event.after["absent"] == {"member3": "病假"}


def test_an_inactive_member_is_not_of_the_organ(people):
    journey = at_meeting(people)
    member3 = make_user("member3", "member", "褚委员")
    member3.is_active = False
    member3.save()
    assert meeting(people, journey).attendees.count() == 2


@override_settings(JUECE_MEETING_QUORUM="2/3")
def test_a_deployment_may_raise_the_quorum(people):
    journey = at_meeting(people)
    member3 = make_user("member3", "member", "褚委员")
    refusal = refused(meeting, people=people, journey=journey,
                      absent=[{"member": member3, "reason": "病假"}])
    assert refusal.code == "quorum_not_met"
    assert "2/3" in refusal.message


@override_settings(JUECE_MEETING_QUORUM="1/3")
def test_a_deployment_may_not_lower_the_quorum(people):
    from django.core import checks

    journey = at_meeting(people)
    refusal = refused(meeting, people=people, journey=journey, attendees=[people["member"]],
                      positions={people["member"]: ("agree", "")},
                      absent=[{"member": people["member2"], "reason": "出差"}])
    assert refusal.code == "quorum_not_met"
    assert "juece.E020" in [e.id for e in checks.run_checks()]


# The order of events, in the deployment's time zone


def test_a_meeting_is_not_dated_in_the_future_nor_before_its_review(people):
    journey = at_meeting(people)
    for day in (today() + DAY, today() - DAY):
        refusal = refused(meeting, people=people, journey=journey, meeting_date=day)
        assert refusal.code == "meeting_date_invalid"
        assert day.isoformat() in refusal.message
    assert not Meeting.objects.exists()


def test_days_are_reckoned_in_the_deployment_time_zone(people):
    # 17:30 UTC on 1 June is 01:30 on 2 June in Asia/Shanghai: the review is of 2 June.
    with time_machine.travel(datetime.datetime(2026, 6, 1, 17, 30, tzinfo=datetime.UTC)):
        journey = at_meeting(people)
        assert timezone.localdate() == datetime.date(2026, 6, 2)
        refusal = refused(meeting, people=people, journey=journey,
                          meeting_date=datetime.date(2026, 6, 1))
        assert refusal.code == "meeting_date_invalid"
        assert meeting(people, journey, meeting_date=datetime.date(2026, 6, 2))


def test_publication_not_before_the_meeting(people):
    journey = at_meeting(people).meet("adopted")
    refusal = refused(publish, people=people, journey=journey, published_on=today() - DAY,
                      party_report_on=today() - DAY)
    assert refusal.code == "publication_date_invalid"
    assert not Publication.objects.exists()


# The published text is the adopted draft; the report to the Party committee (Art. 31)


def test_the_published_text_is_the_adopted_version(people):
    journey = at_meeting(people).meet("adopted")
    adopted = journey.decision.current_version
    refusal = refused(publish, people=people, journey=journey, published_text="另一个文本")
    assert refusal.code == "published_text_not_adopted"

    publication = publish(people, journey)  # the text left out: the adopted one is published
    assert publication.published_text == adopted.text
    assert publication.draft_version == adopted
    assert publication.draft_sha256 == adopted.sha256
    assert (publication.party_report_on, publication.party_report_ref) == (today(),
                                                                           PARTY_REPORT_REF)


def test_the_adopted_text_as_a_browser_sends_it_is_the_adopted_text(people):
    journey = at_meeting(people).meet("adopted")
    text = journey.decision.current_version.text.replace("\n", "\r\n") + "\r\n"
    assert publish(people, journey, published_text=text).published_text == \
        journey.decision.current_version.text


@pytest.mark.parametrize("report", [
    {"party_report_on": None},
    {"party_report_ref": " "},
    {"party_report_on": today() + DAY, "published_on": today()},
])
def test_no_publication_before_the_report_to_the_party_committee(people, report):
    journey = at_meeting(people).meet("adopted")
    refusal = refused(publish, people=people, journey=journey, **report)
    assert refusal.code == "party_report_missing"
    assert "31" in refusal.message or "第三十一条" in refusal.message
    assert not Publication.objects.exists()


# Through the API


def api_at_meeting(api, **overrides) -> int:
    pk = api.to_review(**overrides)
    api.review(pk)
    return pk


def assert_refused(response: dict, code: str):
    assert response["code"] == code, response
    assert response["detail"]


def test_api_meeting_gates(api):
    pk = api_at_meeting(api)
    absent = [{"member": "member2", "reason": "出差"}]
    one = [{"member": "member", "position": "agree", "reason": "同意"}]

    response = api.meet(pk, expect=400, attendees=["member"], positions=one)
    assert "absent" in response
    response = api.meet(pk, expect=400, attendees=["member"], positions=one,
                        absent=[{"member": "member2"}])
    assert "absent" in response
    assert_refused(api.meet(pk, expect=409, attendees=["member"], positions=one, absent=absent),
                   "quorum_not_met")
    tomorrow = (today() + DAY).isoformat()
    assert_refused(api.meet(pk, expect=409, meeting_date=tomorrow), "meeting_date_invalid")
    yesterday = (today() - DAY).isoformat()
    assert_refused(api.meet(pk, expect=409, meeting_date=yesterday), "meeting_date_invalid")
    assert not Meeting.objects.exists()

    make_user("member3", "member", "褚委员")
    api.meet(pk, absent=[{"member": "member3", "reason": "病假"}])
    assert Meeting.objects.get().absences.get().member.username == "member3"


def test_api_meeting_package(api):
    from .api import ALL_CONSULTATIONS

    pk = api.to_review(**{**ALL_CONSULTATIONS, "needs_risk_assessment": False,
                          "skip_reasons": {"risk_assessment": "不涉及社会稳定风险"}})
    api.review(pk)
    assert_refused(api.meet(pk, expect=409, adopt=False), "meeting_package_incomplete")
    assert not Meeting.objects.exists()
    api.meet(pk)  # the expert opinion's adoption recorded first, through the API
    assert Meeting.objects.get().decision_id == pk


def test_api_publication_gates(api):
    pk = api_at_meeting(api)
    api.meet(pk)
    yesterday = (today() - DAY).isoformat()
    no_report = api.publication_body()
    del no_report["party_report_on"], no_report["party_report_ref"]
    for body, code in (
            ({"published_text": "全文"}, "published_text_not_adopted"),
            ({"published_on": yesterday, "party_report_on": yesterday},
             "publication_date_invalid"),
            ({"party_report_on": (today() + DAY).isoformat()}, "party_report_missing"),
    ):
        assert_refused(api.publish(pk, expect=409, **body), code)
    response = api.post("office", task_complete_url(api, pk), no_report)
    assert response.status_code == 409, response.content
    assert_refused(response.json(), "party_report_missing")
    assert not Publication.objects.exists()

    api.publish(pk)  # published_text left out
    decision = Decision.objects.get(pk=pk)
    assert decision.publication.published_text == decision.current_version.text
    assert decision.publication.draft_sha256 == decision.current_version.sha256


def task_complete_url(api, pk) -> str:
    return f"/api/v1/tasks/{api.task(pk, 'publication')['id']}/complete/"


# On the page


def test_page_lists_every_member_and_asks_the_reason_of_an_absence(people):
    office = http_at_meeting(people)
    member2 = people["member2"]
    response = office.meet(attendees=["member"], absent={"member2": ""}, expect=200)
    page = response.content.decode()
    assert f'name="absence_{member2.pk}"' in page
    assert f"{member2.last_name}未出席会议" in page or "did not attend" in page
    assert not Meeting.objects.exists()

    response = office.meet(attendees=["member"], positions={"member": "agree"}, expect=409)
    page = response.content.decode()
    assert "过半数" in page or "more than half" in page
    assert not Meeting.objects.exists()


def test_page_refuses_a_meeting_dated_in_the_future(people):
    office = http_at_meeting(people)
    tomorrow = (today() + DAY).isoformat()
    response = office.meet(meeting_date=tomorrow, expect=409)
    assert tomorrow in response.content.decode()
    assert not Meeting.objects.exists()


def test_page_shows_what_the_meeting_package_lacks(people):
    office = http_at_meeting(people)
    PublicComment.objects.filter(participation__decision=office.decision).update(
        adoption="pending")
    response = office.meet(expect=409)
    page = response.content.decode()
    assert "juece-meeting-package" in page
    assert "第二十九条" in page or "Art. 29" in page
    assert not Meeting.objects.exists()


def test_page_publication_needs_the_party_report_and_the_meeting_before_it(people):
    office = http_at_meeting(people)
    office.meet("adopted")
    response = office.publish(party_report_on="", party_report_ref="", expect=200)
    page = response.content.decode()
    assert "第三十一条" in page or "Art. 31" in page
    yesterday = (today() - DAY).isoformat()
    response = office.publish(published_on=yesterday, party_report_on=yesterday, expect=409)
    assert yesterday in response.content.decode()
    response = office.publish(published_text="别的文本", expect=409)
    assert "逐字" in response.content.decode() or "word for word" in response.content.decode()
    assert not Publication.objects.exists()
    office.publish()
    assert office.decision.publication.draft_sha256 == office.decision.current_version.sha256
