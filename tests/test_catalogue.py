"""The annual catalogue of major decision items (Art. 3 para. 3): the office drafts it, records
the Party committee's consent, publishes it and adjusts it with reasons; the public reads it
without a login; every decision names its item or says why it is outside the catalogue."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

import config.urls  # noqa: F401  (builds the site's URL patterns, so flow nodes can reverse)
from decisions.audit.labels import ACTION_LABELS
from decisions.catalogue import selectors
from decisions.catalogue import services as catalogue
from decisions.errors import StatutoryGateError
from decisions.models import AuditEvent, Catalogue, CatalogueItem, Decision
from workflows import actions

from .api import PASSWORD as API_PASSWORD
from .api import proposal as api_proposal
from .factories import Journey, open_task, proposal
from .http_client import decision_url, logged_in, proposal_form, start_url, task_url
from .test_i18n import english_words

YEAR = timezone.localdate().year
ORGAN = "季家镇人民政府"
CONSENT_REF = "季家委〔2026〕3号"
ADDED_REASON = "汛期排查新发现隐患点，经镇党委同意增补。"
ITEMS = [
    {"title": "季家镇农村人居环境整治三年行动方案", "lead_unit": "农业服务中心",
     "planned_quarter": 2, "basis": "《农村人居环境整治提升五年行动方案》"},
    {"title": "季家镇集镇道路改造提升工程实施方案", "lead_unit": "规划建设管理环保办公室",
     "planned_quarter": 3, "basis": "《重庆市城市道路管理条例》；镇人大代表建议"},
]


def draft(office, year=YEAR, items=ITEMS) -> Catalogue:
    made = catalogue.catalogue_create(year=year, organ=ORGAN, acting_user=office)
    for item in items:
        catalogue.catalogue_item_add(catalogue=made, acting_user=office, **item)
    return made


def published(office, year=YEAR, items=ITEMS) -> Catalogue:
    made = draft(office, year, items)
    catalogue.catalogue_consent_record(catalogue=made, date=datetime.date(year, 1, 1),
                                       reference=CONSENT_REF, acting_user=office)
    return catalogue.catalogue_publish(catalogue=made, acting_user=office)


def item_of(made: Catalogue, number: int) -> CatalogueItem:
    return made.items.get(number=number)


def events(action: str):
    return AuditEvent.objects.filter(action=action).order_by("sequence")


# The office keeps the catalogue


def test_the_office_drafts_the_list_records_the_consent_and_publishes_it(people):
    office = people["office"]
    made = draft(office)
    assert made.title == f"{ORGAN}{YEAR}年度重大行政决策事项目录"
    assert list(made.items.values_list("number", "title")) == [
        (1, ITEMS[0]["title"]), (2, ITEMS[1]["title"])]
    assert all(item.added_reason == "" and item.added_by == office for item in made.items.all())
    catalogue.catalogue_consent_record(catalogue=made, date=datetime.date(YEAR, 1, 15),
                                       reference=CONSENT_REF, acting_user=office)
    made = catalogue.catalogue_publish(catalogue=made, acting_user=office)
    assert made.published_at is not None and made.published_by == office
    actions_done = [e.action for e in AuditEvent.objects.filter(action__startswith="catalogue")
                    .order_by("sequence")]
    assert actions_done == ["catalogue_create", "catalogue_item_add", "catalogue_item_add",
                            "catalogue_consent_record", "catalogue_publish"]
    assert {e.actor for e in AuditEvent.objects.filter(action__startswith="catalogue")} == {office}
    publish = events("catalogue_publish").get()
    assert publish.after["catalogue_year"] == YEAR and publish.after["items"] == [1, 2]
    assert publish.after["party_consent_reference"] == CONSENT_REF


def test_publishing_needs_the_party_committees_consent_and_an_item(people):
    office = people["office"]
    made = draft(office)
    with pytest.raises(StatutoryGateError) as refused:
        catalogue.catalogue_publish(catalogue=made, acting_user=office)
    assert refused.value.code == "catalogue_consent_missing"
    assert "党委同意" in refused.value.message
    made.refresh_from_db()
    assert made.published_at is None and not events("catalogue_publish").exists()

    empty = catalogue.catalogue_create(year=YEAR + 1, organ=ORGAN, acting_user=office)
    catalogue.catalogue_consent_record(catalogue=empty, date=timezone.localdate(),
                                       reference="季家委〔2026〕9号", acting_user=office)
    with pytest.raises(StatutoryGateError) as refused:
        catalogue.catalogue_publish(catalogue=empty, acting_user=office)
    assert refused.value.code == "catalogue_empty"


@pytest.mark.postgres
def test_the_database_refuses_a_publication_without_consent(people):
    made = draft(people["office"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Catalogue.objects.filter(pk=made.pk).update(published_at=timezone.now(),
                                                   published_by=people["office"])


def test_the_consent_needs_its_date_and_reference_and_is_fixed_once_published(people):
    office = people["office"]
    made = draft(office)
    with pytest.raises(ValidationError) as refused:
        catalogue.catalogue_consent_record(catalogue=made, date=None, reference=" ",
                                           acting_user=office)
    assert set(refused.value.message_dict) == {"date", "reference"}
    with pytest.raises(ValidationError) as refused:
        catalogue.catalogue_consent_record(
            catalogue=made, date=timezone.localdate() + datetime.timedelta(days=1),
            reference=CONSENT_REF, acting_user=office)
    assert set(refused.value.message_dict) == {"date"}
    made = published(office, year=YEAR - 1)
    with pytest.raises(StatutoryGateError) as refused:
        catalogue.catalogue_consent_record(catalogue=made, date=timezone.localdate(),
                                           reference="另一文号", acting_user=office)
    assert refused.value.code == "catalogue_published"


def test_an_item_needs_its_fields_and_a_quarter_of_the_year(people):
    made = catalogue.catalogue_create(year=YEAR, organ=ORGAN, acting_user=people["office"])
    with pytest.raises(ValidationError) as refused:
        catalogue.catalogue_item_add(catalogue=made, title="", lead_unit=" ", planned_quarter=5,
                                     basis="", acting_user=people["office"])
    assert set(refused.value.message_dict) == {"title", "lead_unit", "planned_quarter", "basis"}
    assert not made.items.exists()


def test_one_catalogue_a_year(people):
    draft(people["office"])
    with pytest.raises(ValidationError) as refused:
        catalogue.catalogue_create(year=YEAR, organ=ORGAN, acting_user=people["office"])
    assert "year" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        catalogue.catalogue_create(year="明年", organ="", acting_user=people["office"])
    assert set(refused.value.message_dict) == {"year", "organ"}


def test_after_publication_an_addition_says_why(people):
    office = people["office"]
    made = published(office)
    extra = {"title": "季家镇地质灾害隐患点综合治理方案", "lead_unit": "规划建设管理环保办公室",
             "planned_quarter": 3, "basis": "《地质灾害防治条例》"}
    with pytest.raises(ValidationError) as refused:
        catalogue.catalogue_item_add(catalogue=made, acting_user=office, **extra)
    assert set(refused.value.message_dict) == {"reason"}
    added = catalogue.catalogue_item_add(catalogue=made, reason=ADDED_REASON, acting_user=office,
                                         **extra)
    assert added.number == 3 and added.added_reason.startswith("汛期")
    event = events("catalogue_item_add").last()
    assert event.after["published"] is True and event.after["added_reason"] == added.added_reason


def test_a_removal_says_why_and_keeps_the_item(people):
    office = people["office"]
    made = published(office)
    item = item_of(made, 2)
    with pytest.raises(ValidationError) as refused:
        catalogue.catalogue_item_remove(item=item, reason="  ", acting_user=office)
    assert set(refused.value.message_dict) == {"reason"}
    catalogue.catalogue_item_remove(item=item, reason="并入区级项目统一实施。", acting_user=office)
    item.refresh_from_db()
    assert item.removed_at and item.removed_by == office and item.removed_reason
    assert made.items.count() == 2  # never deleted
    with pytest.raises(StatutoryGateError) as refused:
        catalogue.catalogue_item_remove(item=item, reason="再次", acting_user=office)
    assert refused.value.code == "catalogue_item_removed"
    event = events("catalogue_item_remove").get()
    assert event.actor == office and event.after["removed_reason"] == "并入区级项目统一实施。"
    assert event.before == {"number": 2, "title": ITEMS[1]["title"]}


@pytest.mark.postgres
def test_the_database_refuses_a_removal_without_its_reason(people):
    item = item_of(draft(people["office"]), 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        CatalogueItem.objects.filter(pk=item.pk).update(removed_at=timezone.now(),
                                                       removed_by=people["office"])


@pytest.mark.parametrize("role", ["drafter", "reviewer", "head", "auditor", "member"])
def test_only_the_office_keeps_the_catalogue(people, role):
    office, other = people["office"], people[role]
    assert catalogue.may_manage_catalogue(office)
    assert not catalogue.may_manage_catalogue(other)
    with pytest.raises(PermissionDenied):
        catalogue.catalogue_create(year=YEAR, organ=ORGAN, acting_user=other)
    made = draft(office)
    for attempt in (
        lambda: catalogue.catalogue_item_add(catalogue=made, acting_user=other, **ITEMS[0]),
        lambda: catalogue.catalogue_item_remove(item=item_of(made, 1), reason="x",
                                                acting_user=other),
        lambda: catalogue.catalogue_consent_record(catalogue=made, date=timezone.localdate(),
                                                   reference="x", acting_user=other),
        lambda: catalogue.catalogue_publish(catalogue=made, acting_user=other),
    ):
        with pytest.raises(PermissionDenied):
            attempt()


def test_every_catalogue_action_has_its_label():
    for action in ("catalogue_create", "catalogue_item_add", "catalogue_item_remove",
                   "catalogue_consent_record", "catalogue_publish", "decision_catalogue_link"):
        assert action in ACTION_LABELS


# A decision names its item, or why it is outside the catalogue


def test_a_proposal_names_an_open_item_of_its_year_or_a_reason(people):
    office, drafter = people["office"], people["drafter"]
    made = published(office)
    draft_only = draft(office, year=YEAR + 1)
    last_year = published(office, year=YEAR - 1)
    removed = catalogue.catalogue_item_remove(item=item_of(made, 2), reason="并入区级项目。",
                                              acting_user=office)
    cases = {
        "neither": ({"outside_catalogue_reason": ""}, "catalogue_item"),
        "both": ({"catalogue_item": item_of(made, 1),
                  "outside_catalogue_reason": "理由"}, "outside_catalogue_reason"),
        "not published": ({"catalogue_item": item_of(draft_only, 1)}, "catalogue_item"),
        "removed": ({"catalogue_item": removed}, "catalogue_item"),
        "another year": ({"catalogue_item": item_of(last_year, 1)}, "catalogue_item"),
    }
    for case, (overrides, field) in cases.items():
        with pytest.raises(ValidationError) as refused:
            actions.start_decision(acting_user=drafter, **proposal(**overrides))
        assert field in refused.value.message_dict, case
    assert not Decision.objects.exists()
    linked = actions.start_decision(acting_user=drafter,
                                    **proposal(catalogue_item=item_of(made, 1)))
    assert linked.catalogue_item == item_of(made, 1) and linked.outside_catalogue_reason == ""
    outside = actions.start_decision(acting_user=drafter, **proposal(
        outside_catalogue_reason="  汛期突发情况，年初未能预见。  "))
    assert outside.catalogue_item is None
    assert outside.outside_catalogue_reason == "汛期突发情况，年初未能预见。"
    created = AuditEvent.objects.get(action="decision_create", decision=linked)
    assert created.after["catalogue_item_id"] == item_of(made, 1).pk


@pytest.mark.postgres
def test_the_database_refuses_an_item_and_a_reason_together(people):
    made = published(people["office"])
    decision = Journey(people).decision
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(catalogue_item=item_of(made, 1))


def user(username):
    return get_user_model().objects.get(username=username)


def web(username) -> Client:
    client = Client()
    assert client.login(username=username, password=API_PASSWORD)
    return client


def test_the_api_asks_for_an_item_or_a_reason(api):
    made = published(user("office"))
    item = item_of(made, 1)
    neither = api.post("drafter", "/api/v1/decisions/",
                       api_proposal(outside_catalogue_reason=""))
    assert neither.status_code == 400 and "catalogue_item" in neither.json()
    assert str(YEAR) in neither.json()["catalogue_item"][0]
    both = api.post("drafter", "/api/v1/decisions/",
                    api_proposal(catalogue_item=item.pk, outside_catalogue_reason="理由"))
    assert both.status_code == 400 and "outside_catalogue_reason" in both.json()
    unknown = api.post("drafter", "/api/v1/decisions/", api_proposal(catalogue_item=999999))
    assert unknown.status_code == 400 and "catalogue_item" in unknown.json()
    wrong_type = api.post("drafter", "/api/v1/decisions/", api_proposal(catalogue_item="一"))
    assert wrong_type.status_code == 400 and "catalogue_item" in wrong_type.json()
    assert not Decision.objects.exists()
    created = api.post("drafter", "/api/v1/decisions/", api_proposal(catalogue_item=item.pk))
    assert created.status_code == 201, created.content
    assert created.json()["catalogue_item"] == item.pk
    assert created.json()["outside_catalogue_reason"] == ""


def test_the_page_offers_the_open_items_and_asks_for_an_item_or_a_reason(people):
    office = people["office"]
    made = published(office)
    catalogue.catalogue_item_remove(item=item_of(made, 2), reason="并入区级项目。",
                                    acting_user=office)
    client = logged_in(people["drafter"])
    page = client.get(start_url())
    assert page.status_code == 200
    offered = list(page.context["form"].fields["catalogue_item"].queryset)
    assert offered == [item_of(made, 1)]
    refused = client.post(start_url(), proposal_form(outside_catalogue_reason=""))
    assert refused.status_code == 200
    assert "catalogue_item" in refused.context["form"].errors
    assert "请选择" in refused.context["form"].errors["catalogue_item"][0]
    assert not Decision.objects.exists()
    forged = client.post(start_url(), proposal_form(catalogue_item=item_of(made, 2),
                                                    outside_catalogue_reason=""))
    assert forged.status_code == 200 and "catalogue_item" in forged.context["form"].errors
    done = client.post(start_url(), proposal_form(catalogue_item=item_of(made, 1),
                                                  outside_catalogue_reason=""))
    assert done.status_code == 302
    decision = Decision.objects.get()
    assert decision.catalogue_item == item_of(made, 1)
    shown = client.get(decision_url(decision)).content.decode()
    assert f"{YEAR}年目录第1项" in shown and ITEMS[0]["title"] in shown


def test_the_page_and_the_api_refuse_alike(api):
    published(user("office"))
    through_form = web("drafter").post(
        start_url(), proposal_form(outside_catalogue_reason="")).context["form"].errors
    through_api = api.post("drafter", "/api/v1/decisions/",
                           api_proposal(outside_catalogue_reason="")).json()
    assert set(through_form) == set(through_api) == {"catalogue_item"}


def test_a_decision_proposed_before_the_catalogue_stays_valid_and_shows_it(api):
    pk = api.propose()["id"]
    Decision.objects.filter(pk=pk).update(outside_catalogue_reason="")  # as migrated
    page = web("drafter").get(decision_url(Decision.objects.get(pk=pk)))
    assert "未关联目录" in page.content.decode()
    api.submit(pk)  # submitted as it stands: nothing to check
    assert Decision.objects.get(pk=pk).stage == "acceptance"


def test_the_drafter_may_change_the_link_before_submitting(api):
    made = published(user("office"))
    pk = api.propose()["id"]
    task = api.task(pk, "initiation", "drafter")
    both = api.post("drafter", f"/api/v1/tasks/{task['id']}/complete/",
                    {"catalogue_item": item_of(made, 1).pk})
    assert both.status_code == 400 and "outside_catalogue_reason" in both.json()
    api.complete("drafter", pk, "initiation", {"catalogue_item": item_of(made, 1).pk,
                                               "outside_catalogue_reason": ""})
    decision = Decision.objects.get(pk=pk)
    assert decision.catalogue_item == item_of(made, 1) and decision.stage == "acceptance"


def test_the_initiation_page_keeps_the_item_even_once_removed(people):
    """The drafter's own task page offers the item his proposal names, removed since or not, and
    submits it unchanged; changing to a removed item is refused."""
    office = people["office"]
    made = published(office)
    journey = Journey(people, catalogue_item=item_of(made, 2))
    catalogue.catalogue_item_remove(item=item_of(made, 2), reason="并入区级项目。",
                                    acting_user=office)
    client = logged_in(people["drafter"])
    task = open_task(journey.decision, "initiation")
    page = client.get(task_url(task))
    form = page.context["form"]
    assert set(form.fields["catalogue_item"].queryset) == {item_of(made, 1), item_of(made, 2)}
    assert form.initial["catalogue_item"] == item_of(made, 2)
    data = {**proposal_form(catalogue_item=item_of(made, 2)), "outside_catalogue_reason": ""}
    data.pop("draft_text")
    assert page.status_code == 200
    assert client.post(task_url(task), data).status_code == 302
    decision = Decision.objects.get(pk=journey.decision.pk)
    assert decision.stage == "acceptance" and decision.catalogue_item == item_of(made, 2)


def test_the_office_corrects_the_link_with_a_reason(people):
    office = people["office"]
    made = published(office)
    decision = Journey(people).decision
    with pytest.raises(ValidationError) as refused:
        catalogue.decision_catalogue_link_correct(
            decision=decision, catalogue_item=item_of(made, 1), reason="", acting_user=office)
    assert set(refused.value.message_dict) == {"reason"}
    with pytest.raises(PermissionDenied):
        catalogue.decision_catalogue_link_correct(
            decision=decision, catalogue_item=item_of(made, 1), reason="误填",
            acting_user=people["drafter"])
    catalogue.decision_catalogue_link_correct(decision=decision, catalogue_item=item_of(made, 1),
                                              reason="起草人误填为目录外事项。", acting_user=office)
    decision.refresh_from_db()
    assert decision.catalogue_item == item_of(made, 1) and decision.outside_catalogue_reason == ""
    event = events("decision_catalogue_link").get()
    assert event.actor == office and event.decision == decision
    assert event.before["catalogue_item_id"] is None and event.before["outside_catalogue_reason"]
    assert event.after["catalogue_item"] == f"{YEAR}-1 {ITEMS[0]['title']}"
    assert event.after["reason"] == "起草人误填为目录外事项。"


def test_the_office_corrects_the_link_from_the_decision_page(people):
    made = published(people["office"])
    decision = Journey(people).submit().decision  # the office reads it once submitted
    office = logged_in(people["office"])
    page = office.get(decision_url(decision))
    assert "juece-catalogue-link-form" in page.content.decode()
    url = f"{decision_url(decision)}catalogue-link/"
    office.post(url, {"catalogue_item": item_of(made, 2).pk, "reason": ""})
    assert Decision.objects.get(pk=decision.pk).catalogue_item is None  # no reason: nothing
    office.post(url, {"catalogue_item": item_of(made, 2).pk, "reason": "应为第2项。"})
    assert Decision.objects.get(pk=decision.pk).catalogue_item == item_of(made, 2)
    drafter = logged_in(people["drafter"])
    assert "juece-catalogue-link-form" not in drafter.get(decision_url(decision)).content.decode()
    assert drafter.post(url, {"catalogue_item": item_of(made, 1).pk,
                              "reason": "改"}).status_code == 403
    assert Decision.objects.get(pk=decision.pk).catalogue_item == item_of(made, 2)


# What anyone reads, without a login


def published_year_with_decisions(people):
    """The year's list: item 1 carried out by a published decision, item 2 by one still in the
    procedure, item 3 removed during the year, item 4 never brought, item 5 added during the
    year (and not brought either)."""
    office = people["office"]
    made = published(office, items=[*ITEMS, {
        "title": "季家镇防汛抗旱应急预案修订", "lead_unit": "应急管理办公室",
        "planned_quarter": 2, "basis": "《中华人民共和国防洪法》"}, {
        "title": "季家镇农村供水工程建后管护办法", "lead_unit": "农业服务中心",
        "planned_quarter": 4, "basis": "《农村供水工程管理办法》"}])
    catalogue.catalogue_item_remove(item=item_of(made, 3), reason="并入区级预案统一修订。",
                                    acting_user=office)
    catalogue.catalogue_item_add(
        catalogue=made, title="季家镇地质灾害隐患点综合治理方案",
        lead_unit="规划建设管理环保办公室", planned_quarter=3, basis="《地质灾害防治条例》",
        reason=ADDED_REASON, acting_user=office)
    done = (Journey(people, title="整治方案（已公布）", catalogue_item=item_of(made, 1)).submit()
            .accept().participate().review().meet().publish())
    pending = Journey(people, title="道路改造方案（办理中，标题不公开）",
                      catalogue_item=item_of(made, 2)).submit()
    return made, done.decision, pending.decision


def test_anyone_reads_the_published_catalogue_without_logging_in(people):
    made, done, pending = published_year_with_decisions(people)
    anonymous = Client()
    index = anonymous.get("/catalogue/")
    assert index.status_code == 200
    assert made.title in index.content.decode()
    page = anonymous.get(f"/catalogue/{YEAR}/")
    assert page.status_code == 200
    html = page.content.decode()
    for text in (made.title, ORGAN, CONSENT_REF, ITEMS[0]["title"], ITEMS[1]["title"],
                 "季家镇地质灾害隐患点综合治理方案", ADDED_REASON,
                 "并入区级预案统一修订。", "季家镇农村供水工程建后管护办法", "尚未启动",
                 "已启动决策程序", done.title, "第2季度"):
        assert text in html, text
    assert pending.title not in html  # a decision in the procedure is not named
    assert "道路改造方案（办理中" not in html
    assert not english_words(html, [])
    items = {row.number: row for row in page.context["items"]}
    assert items[1].published_decisions[0][0] == done.title
    assert items[2].brought and not items[2].published_decisions
    assert not items[4].brought and not items[5].brought
    assert [change.kind for change in page.context["changes"]] == ["removed", "added"]


def test_a_year_not_published_is_not_shown(people):
    draft(people["office"])
    anonymous = Client()
    assert anonymous.get(f"/catalogue/{YEAR}/").status_code == 404
    assert list(anonymous.get("/catalogue/").context["catalogues"]) == []
    assert anonymous.get(f"/api/v1/catalogue/{YEAR}/").status_code == 404


def test_the_public_page_takes_no_writes(people):
    published(people["office"])
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post(f"/catalogue/{YEAR}/", {}).status_code in (403, 405)
    assert Client().post(f"/catalogue/{YEAR}/", {}).status_code == 405


def test_items_removed_before_publication_were_never_on_the_public_list(people):
    office = people["office"]
    made = draft(office)
    catalogue.catalogue_item_remove(item=item_of(made, 2), reason="起草时重复列入。",
                                    acting_user=office)
    catalogue.catalogue_consent_record(catalogue=made, date=timezone.localdate(),
                                       reference=CONSENT_REF, acting_user=office)
    catalogue.catalogue_publish(catalogue=made, acting_user=office)
    html = Client().get(f"/catalogue/{YEAR}/").content.decode()
    assert ITEMS[1]["title"] not in html and "起草时重复列入" not in html


def test_the_api_reads_the_published_catalogue_without_a_token(people):
    made, done, pending = published_year_with_decisions(people)
    response = Client().get(f"/api/v1/catalogue/{YEAR}/")
    assert response.status_code == 200
    body = response.json()
    assert body["year"] == YEAR and body["party_consent_reference"] == CONSENT_REF
    by_number = {item["number"]: item for item in body["items"]}
    assert by_number[1]["id"] == item_of(made, 1).pk
    assert by_number[1]["published_decisions"][0]["title"] == done.title
    assert by_number[2]["decision_brought"] and by_number[2]["published_decisions"] == []
    assert not by_number[4]["decision_brought"]
    assert [(c["kind"], c["number"]) for c in body["changes"]] == [("removed", 3), ("added", 5)]
    assert pending.title not in response.content.decode()
    assert Client().get("/api/v1/catalogue/abc/").status_code == 404


def test_the_items_never_brought_to_a_decision(people):
    made, _done, _pending = published_year_with_decisions(people)
    assert [item.number for item in selectors.items_never_brought(YEAR)] == [4, 5]


# The office's pages


def test_the_office_keeps_the_catalogue_through_its_pages(people):
    office = logged_in(people["office"])
    listing = office.get("/decision/catalogue/")
    assert listing.status_code == 200
    created = office.post("/decision/catalogue/", {"year": YEAR, "organ": ORGAN, "title": ""})
    assert created.status_code == 302 and created["Location"].endswith(f"/catalogue/{YEAR}/")
    url = f"/decision/catalogue/{YEAR}/"
    missing = office.post(url, {"action": "add_item", "title": ITEMS[0]["title"]})
    assert missing.status_code == 200
    assert set(missing.context["item_form"].errors) == {"lead_unit", "planned_quarter", "basis"}
    assert missing.context["error_summary"]
    assert office.post(url, {"action": "add_item", **ITEMS[0]}).status_code == 302
    refused = office.post(url, {"action": "publish"})
    assert refused.status_code == 409
    assert "党委同意" in refused.content.decode()
    assert office.post(url, {"action": "consent", "date": f"{YEAR}-01-05",
                             "reference": CONSENT_REF}).status_code == 302
    assert office.post(url, {"action": "publish"}).status_code == 302
    made = Catalogue.objects.get(year=YEAR)
    assert made.is_published and made.party_consent_reference == CONSENT_REF
    no_reason = office.post(url, {"action": "add_item", **ITEMS[1]})
    assert set(no_reason.context["item_form"].errors) == {"reason"}
    item = item_of(made, 1)
    no_reason = office.post(url, {"action": "remove_item", "item": item.pk, "reason": ""})
    assert set(no_reason.context["remove_form"].errors) == {"reason"}
    assert office.post(url, {"action": "remove_item", "item": item.pk,
                             "reason": "并入区级项目。"}).status_code == 302
    page = office.get(url).content.decode()
    card = page.split('class="mdc-card vf-card juece-catalogue"', 1)[1]
    assert "并入区级项目。" in card and not english_words(card, ["office"])


@pytest.mark.parametrize("role", ["drafter", "auditor", "head"])
def test_the_office_pages_are_the_offices(people, role):
    draft(people["office"])
    client = logged_in(people[role])
    assert client.get("/decision/catalogue/").status_code == 403
    assert client.get(f"/decision/catalogue/{YEAR}/").status_code == 403
    assert client.post(f"/decision/catalogue/{YEAR}/", {"action": "publish"}).status_code == 403
    assert not Catalogue.objects.get().is_published
    assert Client().get("/decision/catalogue/").status_code == 302  # to the login page


# The demo


@pytest.mark.django_db
def test_a_demo_seeded_early_in_the_year_has_each_years_catalogue():
    """Seeded in February, the demo's story starts the year before: each decision carries out
    an item of the catalogue of the year it was proposed in, each catalogue published before."""
    from .test_seed_demo import seed_demo

    february = datetime.datetime(2026, 2, 10, 12, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(february):
        seed_demo()
    assert set(Catalogue.objects.values_list("year", flat=True)) == {2025, 2026}
    assert not Catalogue.objects.filter(published_at__isnull=True).exists()
    for decision in Decision.objects.filter(catalogue_item__isnull=False).select_related(
            "catalogue_item__catalogue"):
        made = decision.catalogue_item.catalogue
        assert made.year == timezone.localtime(decision.created_at).year, decision.title
        assert made.published_at < decision.created_at
    assert Decision.objects.filter(catalogue_item__isnull=True).count() == 1
