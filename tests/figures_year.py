"""A year of decisions with known figures, played through the real flow on the days its story
gives each step (time-machine), for the tests of the dashboard and the annual report.

2026, two lead units (农业服务中心 "farm", 规划建设管理办公室 "planning"), and 2025 beside it.

Each decision: its lead unit, the day it was proposed (and submitted); its consultations (the
day its window closed, its comments); its reviews (review task opened -> review recorded); its
meeting.

- A farm, 2026-03-02: online (04-02; comments adopted, partly, not) and a hearing (03-27;
  adopted); lawful 04-06 -> 04-09 (3 days); adopted 04-20, published 04-22.
- B farm, 2026-03-09: written (03-20; adopted); unlawful 03-23 -> 03-25 (2), revised 03-30,
  lawful 03-30 -> 04-02 (3); adopted 04-20, published 04-23.
- C planning, 2026-04-01: symposium (04-07; adopted, not); lawful 04-08 -> 04-13 (5); not
  adopted 04-27.
- D planning, 2026-05-06: none (not disclosable); lawful 05-07 -> 05-11 (4); deferred 05-25,
  its meeting task open again (due 06-23).
- E farm, 2026-06-01: none (not disclosable); withdrawn by the office 06-03 during its review.
- F farm, 2026-10-12: waits at acceptance (due 10-19).
- G planning, 2026-06-01: online (07-02; partly); lawful 07-03 -> 08-17 (45 days: late);
  adopted 08-24, published 08-26.
- H farm, 2025-10-13: none; lawful 2025-10-14 -> 10-16 (2); adopted 2025-10-27, published
  10-29.
- I farm, 2025-12-15: none; lawful 2025-12-16 -> 12-18 (2); adopted 2026-01-12, published
  01-14.

The 2026 catalogue, published 2026-01-05: 1 A's (farm), 2 D's (planning), 3 no decision
(farm), 4 removed 06-30 (farm), 5 E's (farm, withdrawn). None for 2025.
"""

import datetime
from contextlib import contextmanager

import time_machine
from django.db import transaction

from decisions import services
from decisions.catalogue import selectors as catalogue_selectors
from decisions.catalogue import services as catalogue
from workflows import actions

from .factories import Journey, make_user

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
FARM = "农业服务中心"
PLANNING = "规划建设管理办公室"
NOT_DISCLOSED = {"needs_public_participation": False,
                 "participation_skip_ground": "not_disclosable",
                 "participation_skip_basis": "《中华人民共和国保守国家秘密法》第十三条"}


def on(day: datetime.date, hour: int = 9):
    """The clock stopped at ``hour`` o'clock of ``day``, Beijing time."""
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), SHANGHAI),
                               tick=False)


def comment(adoption: str, text: str = "建议增加公示环节") -> dict:
    return {"source": "村民", "text": text, "adoption": adoption, "reason": "已研究"}


def online(start: datetime.date, end: datetime.date, *comments) -> dict:
    return {"method": "online", "channel": "镇政府网站", "notice": "公开征求意见",
            "window_start": start, "window_end": end, "comments": list(comments)}


def meeting_day(method: str, day: datetime.date, *comments, **extra) -> dict:
    return {"method": method, "channel": "镇政府会议室", "notice": "召开会议听取意见",
            "window_start": day, "window_end": day, "comments": list(comments), **extra}


def consult(journey: Journey, *consultations: dict) -> Journey:
    drafter = journey.people["drafter"]
    return journey.run("public_participation", drafter,
                       lambda task: services.decision_record_participation(
                           decision=journey.decision, consultations=list(consultations),
                           acting_user=drafter, task=task))


def propose(people, day: datetime.date, title: str, unit: str, **overrides) -> Journey:
    with on(day):
        return Journey(people, title=title, lead_unit=unit, **overrides).submit()


def review_round(journey: Journey, counsel_on: datetime.date, review_on: datetime.date,
                 outcome: str = "lawful") -> Journey:
    with on(counsel_on):
        journey.counsel_opinion()
    with on(review_on):
        journey.review(outcome=outcome, counsel_first=False)
    return journey


#: The people the year's story needs, as tests/conftest.py's ``people`` names them.
PEOPLE = (("drafter", "drafter", "王起草"), ("drafter2", "drafter", "赵起草"),
          ("office", "office", "李办公"), ("reviewer", "reviewer", "张审查"),
          ("counsel", "counsel", "林律师"), ("member", "member", "郑委员"),
          ("member2", "member", "冯委员"), ("secretary", "secretary", "孙秘书"),
          ("head", "head", "刘书记"), ("auditor", "auditor", "何审计"))


@contextmanager
def year_played(django_db_blocker):
    """The year built once for a whole test module, in a transaction rolled back after it (each
    test runs in a savepoint inside it): ``(people, journeys)``."""
    with django_db_blocker.unblock(), transaction.atomic():
        people = {name: make_user(name, role, full_name) for name, role, full_name in PEOPLE}
        yield people, build_year(people)
        transaction.set_rollback(True)


def build_year(people) -> dict:
    """The decisions above, each step on its day, by letter; the catalogue's items under
    ``"catalogue"``, by number."""
    j = {}

    j["H"] = propose(people, D(2025, 10, 13), "H 去年的村道养护办法", FARM, **NOT_DISCLOSED)
    with on(D(2025, 10, 14)):
        j["H"].accept()
    review_round(j["H"], D(2025, 10, 15), D(2025, 10, 16))
    with on(D(2025, 10, 27)):
        j["H"].meet("adopted")
    with on(D(2025, 10, 29)):
        j["H"].publish()

    j["I"] = propose(people, D(2025, 12, 15), "I 跨年决定的河道保洁方案", FARM, **NOT_DISCLOSED)
    with on(D(2025, 12, 16)):
        j["I"].accept()
    review_round(j["I"], D(2025, 12, 17), D(2025, 12, 18))
    with on(D(2026, 1, 12)):
        j["I"].meet("adopted")
    with on(D(2026, 1, 14)):
        j["I"].publish()

    office = people["office"]
    with on(D(2026, 1, 5)):
        listed = catalogue.catalogue_create(year=2026, organ="季家镇人民政府", acting_user=office)
        items = {number: catalogue.catalogue_item_add(
            catalogue=listed, title=title, lead_unit=unit, planned_quarter=quarter,
            basis="《重大行政决策程序暂行条例》第三条", acting_user=office)
            for number, (title, unit, quarter) in enumerate((
                ("农村生活垃圾收运", FARM, 1), ("镇区路灯改造", PLANNING, 2),
                ("农村公路养护办法", FARM, 3), ("已移出的事项", FARM, 2), ("集市迁址", FARM, 2)),
                1)}
        catalogue.catalogue_consent_record(catalogue=listed, date=D(2026, 1, 4),
                                           reference="季家委〔2026〕1号", acting_user=office)
        catalogue.catalogue_publish(catalogue=listed, acting_user=office)
    items = {number: catalogue_selectors.item_by_pk(item.pk) for number, item in items.items()}
    j["catalogue"] = items

    j["A"] = propose(people, D(2026, 3, 2), "A 农村生活垃圾收运方案", FARM,
                     catalogue_item=items[1])
    with on(D(2026, 3, 3)):
        j["A"].accept()
    j["B"] = propose(people, D(2026, 3, 9), "B 农贸市场摊位管理办法", FARM)
    with on(D(2026, 3, 10)):
        j["B"].accept()
    with on(D(2026, 3, 23)):
        consult(j["B"], meeting_day("written", D(2026, 3, 20), comment("adopted")))
    review_round(j["B"], D(2026, 3, 24), D(2026, 3, 25), outcome="unlawful")
    with on(D(2026, 3, 30)):
        j["B"].revise()
    review_round(j["B"], D(2026, 3, 31), D(2026, 4, 2))

    j["C"] = propose(people, D(2026, 4, 1), "C 镇区停车收费办法", PLANNING)
    with on(D(2026, 4, 2)):
        j["C"].accept()
    with on(D(2026, 4, 6)):
        consult(j["A"],
                online(D(2026, 3, 4), D(2026, 4, 2), comment("adopted"),
                       comment("partly_adopted"), comment("not_adopted")),
                meeting_day("hearing", D(2026, 3, 27), comment("adopted"),
                            hearing_on=D(2026, 3, 27), materials_sent_on=D(2026, 3, 18),
                            record_confirmed=True))
    with on(D(2026, 4, 8)):
        consult(j["C"], meeting_day("symposium", D(2026, 4, 7), comment("adopted"),
                                    comment("not_adopted")))
    review_round(j["A"], D(2026, 4, 7), D(2026, 4, 9))
    review_round(j["C"], D(2026, 4, 9), D(2026, 4, 13))
    with on(D(2026, 4, 20)):
        j["A"].meet("adopted")
        j["B"].meet("adopted")
    with on(D(2026, 4, 22)):
        j["A"].publish()
    with on(D(2026, 4, 23)):
        j["B"].publish()
    with on(D(2026, 4, 27)):
        j["C"].meet("not_adopted", head_reason="收费标准争议较大")

    j["D"] = propose(people, D(2026, 5, 6), "D 镇区路灯改造方案", PLANNING,
                     catalogue_item=items[2], **NOT_DISCLOSED)
    with on(D(2026, 5, 7)):
        j["D"].accept()
    review_round(j["D"], D(2026, 5, 8), D(2026, 5, 11))
    with on(D(2026, 5, 25)):
        j["D"].meet("deferred", head_reason="资金来源尚未落实，下次会议再议")

    j["E"] = propose(people, D(2026, 6, 1), "E 撤回的集市迁址方案", FARM,
                     catalogue_item=items[5], **NOT_DISCLOSED)
    j["G"] = propose(people, D(2026, 6, 1), "G 老旧小区改造方案", PLANNING)
    with on(D(2026, 6, 2)):
        j["E"].accept()
        j["G"].accept()
    with on(D(2026, 6, 3)):
        actions.withdraw_decision(j["E"].decision, reason="上级已统一部署",
                                  acting_user=people["office"])
    with on(D(2026, 6, 30)):
        catalogue.catalogue_item_remove(item=items[4], reason="上级统一实施，本镇不再单独决策",
                                        acting_user=office)
    with on(D(2026, 7, 3)):
        consult(j["G"], online(D(2026, 6, 3), D(2026, 7, 2), comment("partly_adopted")))
    review_round(j["G"], D(2026, 7, 6), D(2026, 8, 17))
    with on(D(2026, 8, 24)):
        j["G"].meet("adopted")
    with on(D(2026, 8, 26)):
        j["G"].publish()

    j["F"] = propose(people, D(2026, 10, 12), "F 待受理的公厕建设方案", FARM)
    return j
