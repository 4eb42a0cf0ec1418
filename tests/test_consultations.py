"""Issue 10: several consultations of the public per decision, and hearings (Arts. 14-18).

Each consultation has its method, channel, notice and window (a meeting or a hearing: its day);
the 30-day minimum (Art. 15) holds for the open consultation of the public only; nothing is
recorded while a window is open (``consultation_window_open``); a hearing's materials reach its
participants 7 days before it (``hearing_notice_too_short``, Art. 16) and its record is
confirmed and signed (Art. 17). Through the service, the API and the page."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from decisions import selectors, services
from decisions.dossier.build import decision_record
from decisions.errors import StatutoryGateError
from decisions.models import AuditEvent, PublicComment, PublicParticipation

from .factories import Journey
from .http_client import Office, comments_formset, consultations_formset, decision_url

D = datetime.date
ONLINE = {"method": "online", "channel": "季家镇人民政府网站", "window_start": D(2025, 3, 2),
          "window_end": D(2025, 3, 31),
          "notice": "公布草案及说明，意见通过电子邮件提交，期限30日。",
          "comments": [{"source": "村民张某", "text": "建议增加收运频次", "adoption": "adopted",
                        "reason": "合理"}]}
HEARING = {"method": "hearing", "channel": "镇政府三楼会议室", "window_start": D(2025, 3, 20),
           "window_end": D(2025, 3, 20), "hearing_on": D(2025, 3, 20),
           "materials_sent_on": D(2025, 3, 13), "record_confirmed": True,
           "notice": "3月20日上午9时在镇政府三楼会议室举行听证会。",
           "comments": [{"source": "商户王某", "text": "希望保留早市摊位",
                         "adoption": "partly_adopted", "reason": "早市保留至上午9时"}]}


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def consulting(people) -> Journey:
    return Journey(people).submit().accept()


def record(people, journey, consultations=None, **single):
    return services.decision_record_participation(
        decision=journey.decision, acting_user=people["drafter"],
        **({"consultations": consultations} if consultations is not None else single))


def field_errors(call) -> dict:
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict


def gate(call) -> StatutoryGateError:
    with pytest.raises(StatutoryGateError) as refused:
        call()
    return refused.value


# Through the service


def test_several_consultations_are_recorded_each_with_its_comments(people):
    journey = consulting(people)
    online, hearing = record(people, journey, [ONLINE, HEARING])
    assert (online.method, online.channel, online.window_days) == (
        "online", "季家镇人民政府网站", 30)
    assert (hearing.hearing_on, hearing.materials_sent_on, hearing.record_confirmed) == (
        D(2025, 3, 20), D(2025, 3, 13), True)
    assert [c.source for c in online.comments.all()] == ["村民张某"]
    assert [c.source for c in hearing.comments.all()] == ["商户王某"]
    event = AuditEvent.objects.get(action="public_participation_record")
    listed = event.after["consultations"]
    assert [(c["method"], c["channel"]) for c in listed] == [
        ("online", "季家镇人民政府网站"), ("hearing", "镇政府三楼会议室")]
    assert listed[1]["hearing_on"] == "2025-03-20" and listed[1]["record_confirmed"] is True
    assert [c["source"] for c in listed[1]["comments"]] == ["商户王某"]


def test_the_one_consultation_call_still_records_one_even_dated_before_the_proposal(people):
    """Dates are what happened: a consultation may precede the proposal's entry."""
    journey = consulting(people)
    before = timezone.localdate(journey.decision.created_at) - datetime.timedelta(days=400)
    (only,) = record(people, journey, method="online", window_start=before,
                     window_end=before + datetime.timedelta(days=29),
                     comments=[{"source": "村民", "text": "同意", "adoption": "adopted",
                                "reason": "无"}])
    assert only.window_start == before and only.comments.count() == 1
    assert only.window_start < journey.decision.accepted_at.date()


def test_thirty_days_only_for_the_open_consultation_of_the_public(people):
    journey = consulting(people)
    symposium = {"method": "symposium", "window_start": D(2025, 3, 5),
                 "window_end": D(2025, 3, 5)}
    written = {"method": "written", "window_start": D(2025, 3, 1), "window_end": D(2025, 3, 7)}
    short_online = {**ONLINE, "window_end": D(2025, 3, 11)}
    errors = field_errors(lambda: record(people, journey, [symposium, written, short_online]))
    assert list(errors) == ["consultations.2.shortening_reason"]
    assert "第十五条" in errors["consultations.2.shortening_reason"][0]
    record(people, journey, [symposium, written,
                             {**short_online, "shortening_reason": "防汛工作紧迫"}])
    assert PublicParticipation.objects.filter(decision=journey.decision).count() == 3


def test_a_window_does_not_close_before_it_opens(people):
    journey = consulting(people)
    errors = field_errors(lambda: record(people, journey, [
        ONLINE, {**ONLINE, "window_start": D(2025, 3, 9), "window_end": D(2025, 3, 8)}]))
    assert list(errors) == ["consultations.1.window_end"]


def test_a_consultation_still_open_cannot_be_recorded(people):
    journey = consulting(people)
    today = timezone.localdate()
    still_open = {**ONLINE, "window_start": today - datetime.timedelta(days=29),
                  "window_end": today}
    refusal = gate(lambda: record(people, journey, [HEARING, still_open]))
    assert refusal.code == "consultation_window_open"
    assert tomorrow().isoformat() in refusal.message and "第2项" in refusal.message
    assert not PublicParticipation.objects.exists()
    closed = {**still_open, "window_start": today - datetime.timedelta(days=30),
              "window_end": today - datetime.timedelta(days=1)}
    record(people, journey, [HEARING, closed])
    assert PublicParticipation.objects.count() == 2


def test_a_hearing_records_its_dates_its_notice_and_its_confirmed_record(people):
    journey = consulting(people)
    bare = {"method": "hearing", "window_start": D(2025, 3, 20), "window_end": D(2025, 3, 20),
            "record_confirmed": False}
    errors = field_errors(lambda: record(people, journey, [ONLINE, bare]))
    assert set(errors) == {"consultations.1.hearing_on", "consultations.1.materials_sent_on",
                           "consultations.1.notice", "consultations.1.record_confirmed"}
    assert "第十六条" in errors["consultations.1.materials_sent_on"][0]
    assert "第十七条" in errors["consultations.1.record_confirmed"][0]
    assert not PublicParticipation.objects.exists()


def test_a_hearing_falls_within_its_window(people):
    journey = consulting(people)
    errors = field_errors(lambda: record(people, journey, [
        {**HEARING, "hearing_on": D(2025, 3, 21)}]))
    assert list(errors) == ["consultations.0.hearing_on"]


def test_a_hearings_materials_reach_its_participants_seven_days_before_it(people):
    journey = consulting(people)
    refusal = gate(lambda: record(people, journey, [
        ONLINE, {**HEARING, "materials_sent_on": D(2025, 3, 14)}]))
    assert refusal.code == "hearing_notice_too_short"
    assert "第十六条" in refusal.message and "7" in refusal.message
    assert not PublicParticipation.objects.exists()
    record(people, journey, [ONLINE, HEARING])  # sent 7 days before: on time


def test_each_comment_of_each_consultation_says_whether_it_was_adopted(people):
    journey = consulting(people)
    pending = {**HEARING, "comments": [{**HEARING["comments"][0], "adoption": "pending"}]}
    errors = field_errors(lambda: record(people, journey, [ONLINE, pending]))
    assert list(errors) == ["consultations.1.comments"]
    assert "第十八条" in errors["consultations.1.comments"][0]


def test_the_consultations_come_as_a_list_or_as_one_never_both_nor_none(people):
    journey = consulting(people)
    assert list(field_errors(lambda: record(people, journey, []))) == ["consultations"]
    assert list(field_errors(lambda: services.decision_record_participation(
        decision=journey.decision, acting_user=people["drafter"], method="online",
        consultations=[ONLINE]))) == ["consultations"]


def test_the_meeting_package_weighs_the_comments_of_every_consultation(people):
    journey = consulting(people)
    record(people, journey, [ONLINE, HEARING])
    assert not any("公众意见" in str(item)
                   for item in selectors.meeting_package_missing(journey.decision))
    PublicComment.objects.filter(participation__method="hearing").update(adoption="pending")
    missing = [str(item) for item in selectors.meeting_package_missing(journey.decision)]
    assert any("公众意见" in item or "public comment" in item for item in missing), missing


def test_the_dossier_lists_every_consultation(people):
    journey = consulting(people)
    record(people, journey, [ONLINE, HEARING])
    listed = decision_record(journey.decision)["participations"]
    assert [(p["method"], p["channel"]) for p in listed] == [
        ("online", "季家镇人民政府网站"), ("hearing", "镇政府三楼会议室")]
    assert listed[1]["hearing_on"] == D(2025, 3, 20)
    assert listed[1]["record_confirmed"] is True
    assert [c["source"] for c in listed[1]["comments"]] == ["商户王某"]


# Through the API


def api_consultation(item: dict) -> dict:
    body = {key: value.isoformat() if isinstance(value, datetime.date) else value
            for key, value in item.items() if key != "comments"}
    body["comments"] = [{"source": c["source"], "text": c["text"],
                         "adopted": c["adoption"], "reason": c["reason"]}
                        for c in item["comments"]]
    return body


def api_consulting(api) -> int:
    pk = api.propose()["id"]
    api.submit(pk)
    api.accept(pk)
    return pk


def test_api_records_several_consultations(api):
    pk = api_consulting(api)
    online = {**api_consultation(ONLINE), "comments": [
        {"source": "村民张某", "text": "建议增加收运频次", "adopted": True, "reason": "合理"}]}
    api.complete("drafter", pk, "public_participation",
                 {"consultations": [online, api_consultation(HEARING)]})
    rows = list(PublicParticipation.objects.filter(decision_id=pk).order_by("id"))
    assert [(p.method, p.channel) for p in rows] == [
        ("online", "季家镇人民政府网站"), ("hearing", "镇政府三楼会议室")]
    assert rows[0].comments.get().adoption == "adopted"
    assert rows[1].record_confirmed and rows[1].materials_sent_on == D(2025, 3, 13)


def test_api_refuses_a_consultation_still_open_and_a_hearing_noticed_too_late(api):
    pk = api_consulting(api)
    today = timezone.localdate()
    still_open = {**api_consultation(ONLINE), "window_start": (
        today - datetime.timedelta(days=30)).isoformat(), "window_end": today.isoformat()}
    body = api.complete("drafter", pk, "public_participation",
                        {"consultations": [still_open]}, expect=409)
    assert set(body) == {"detail", "code"} and body["code"] == "consultation_window_open"
    assert tomorrow().isoformat() in body["detail"]
    late = {**api_consultation(HEARING), "materials_sent_on": "2025-03-15"}
    body = api.complete("drafter", pk, "public_participation",
                        {"consultations": [api_consultation(ONLINE), late]}, expect=409)
    assert set(body) == {"detail", "code"} and body["code"] == "hearing_notice_too_short"
    assert "第十六条" in body["detail"]
    assert not PublicParticipation.objects.filter(decision_id=pk).exists()


def test_api_answers_400_for_a_hearing_without_its_dates_or_its_confirmed_record(api):
    pk = api_consulting(api)
    bare = {**api_consultation(HEARING), "record_confirmed": False}
    del bare["hearing_on"], bare["materials_sent_on"]
    body = api.complete("drafter", pk, "public_participation",
                        {"consultations": [api_consultation(ONLINE), bare]}, expect=400)
    assert body["consultations"][0] == {}
    assert set(body["consultations"][1]) == {"hearing_on", "materials_sent_on",
                                             "record_confirmed"}
    assert "第十七条" in body["consultations"][1]["record_confirmed"][0]


def test_api_keeps_the_one_consultation_body(api):
    pk = api_consulting(api)
    body = api.complete("drafter", pk, "public_participation", {
        "method": "symposium", "window_start": "2025-03-05", "window_end": "2025-03-05",
        "comments": [{"source": "村民代表", "text": "同意", "adopted": True, "reason": "无"}]})
    assert "public_participation" not in [t["stage"] for t in body["open_tasks"]]
    assert PublicParticipation.objects.get(decision_id=pk).window_days == 1
    missing = api.complete("drafter", api_consulting(api), "public_participation",
                           {"method": "online"}, expect=400)
    assert set(missing) == {"window_start", "window_end"}


# Through the page


def page_form(consultations, comments) -> dict:
    def posted(value):
        return value.isoformat() if isinstance(value, datetime.date) else value
    return {**consultations_formset([{k: posted(v) for k, v in c.items() if k != "comments"}
                                     for c in consultations]),
            **comments_formset(comments)}


def page_consulting(people) -> Office:
    office = Office(people)
    office.propose()
    office.submit()
    office.accept()
    return office


PAGE_COMMENTS = [
    {"consultation": "1", "source": "村民张某", "text": "建议增加收运频次", "adoption": "adopted",
     "reason": "合理"},
    {"consultation": "2", "source": "商户王某", "text": "希望保留早市摊位",
     "adoption": "partly_adopted", "reason": "早市保留至上午9时"}]


def test_page_records_two_consultations_and_the_decision_page_shows_them(people):
    office = page_consulting(people)
    office.complete("public_participation", "drafter", page_form([ONLINE, HEARING],
                                                                 PAGE_COMMENTS))
    online, hearing = PublicParticipation.objects.order_by("id")
    assert [c.source for c in online.comments.all()] == ["村民张某"]
    assert [c.source for c in hearing.comments.all()] == ["商户王某"]
    assert hearing.record_confirmed and hearing.notice.startswith("3月20日")
    page = office.client("drafter").get(decision_url(office.decision)).content.decode()
    for shown in ("季家镇人民政府网站", "镇政府三楼会议室", "听证会召开日期", "2025-03-20",
                  "2025-03-13", "第2项征求意见", "希望保留早市摊位", "听证参加人已确认并签字"):
        assert shown in page, shown


UNTOUCHED = {"method": "", "channel": "", "notice": "", "window_start": "", "window_end": "",
             "shortening_reason": "", "hearing_on": "", "materials_sent_on": ""}


def test_page_untouched_added_consultation_is_no_consultation(people):
    office = page_consulting(people)
    office.complete("public_participation", "drafter",
                    page_form([ONLINE, UNTOUCHED], PAGE_COMMENTS[:1]))
    assert PublicParticipation.objects.count() == 1


def test_page_refuses_a_comment_naming_an_empty_consultation(people):
    office = page_consulting(people)
    response = office.complete("public_participation", "drafter",
                               page_form([ONLINE, UNTOUCHED], PAGE_COMMENTS), expect=200)
    assert "consultation" in response.context["formset"].forms[1].errors
    assert "第2项征求意见尚未填写" in response.content.decode()
    assert not PublicParticipation.objects.exists()


@pytest.mark.parametrize(("change", "shown"), [
    ({"window_start": D(2025, 3, 1), "window_end": None}, "第十五条"),
    ({"materials_sent_on": D(2025, 3, 15)}, "第十六条"),
], ids=["window open", "hearing noticed too late"])
def test_page_shows_each_refusal_as_a_message(people, change, shown):
    office = page_consulting(people)
    hearing = dict(HEARING)
    online = dict(ONLINE)
    if change.get("window_end", "") is None:
        online.update(window_start=timezone.localdate() - datetime.timedelta(days=29),
                      window_end=timezone.localdate())
    else:
        hearing.update(change)
    response = office.complete("public_participation", "drafter",
                               page_form([online, hearing], PAGE_COMMENTS), expect=409)
    page = response.content.decode()
    assert "juece-error-summary" in page and shown in page
    if "window_end" in change:
        assert tomorrow().isoformat() in page
    assert not PublicParticipation.objects.exists()


def test_page_shows_a_hearings_missing_fields_beside_them(people):
    office = page_consulting(people)
    bare = {**HEARING, "hearing_on": "", "materials_sent_on": "", "record_confirmed": False}
    response = office.complete("public_participation", "drafter",
                               page_form([ONLINE, bare], PAGE_COMMENTS), expect=200)
    row = response.context["consultations"].forms[1]
    assert set(row.errors) == {"hearing_on", "materials_sent_on", "record_confirmed"}
    page = response.content.decode()
    assert "第2项征求意见 · 听证会召开日期" in page
    assert "第十七条" in page
