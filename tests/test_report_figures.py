"""Every figure of the dashboard and the annual report, computed on the year of
tests/figures_year.py (played through the real flow, each step on its day) and compared with
the answers counted by hand from its table; with the lead-unit and year filters, the reader's
scope, and the decisions behind each number."""

import datetime
from decimal import Decimal

import pytest

from decisions import permissions
from decisions.reports import annual, figures
from decisions.reports.figures import Scope, Share

from .figures_year import FARM, PLANNING, year_played

D = datetime.date


@pytest.fixture(scope="module")
def played(django_db_setup, django_db_blocker):
    with year_played(django_db_blocker) as people_and_year:
        yield people_and_year


@pytest.fixture
def people(played, db):
    return played[0]


@pytest.fixture
def year(played, db):
    return played[1]


def ids(year, letters: str) -> tuple[int, ...]:
    return tuple(sorted(year[letter].decision.pk for letter in letters))


def counts(tallies) -> dict[str, int]:
    return {tally.key: tally.count for tally in tallies}


def behind(tallies) -> dict[str, tuple[int, ...]]:
    return {tally.key: tally.decision_ids for tally in tallies if tally.count}


@pytest.mark.parametrize(("part", "whole", "shown"), [
    (4, 5, "80%"), (5, 6, "83.3%"), (2, 3, "66.7%"), (5, 5, "100%"), (0, 3, "0%"), (0, 0, "—")])
def test_a_share_is_shown_to_a_tenth_of_a_percent_and_a_dash_when_nothing_was_counted(
        part, whole, shown):
    assert str(Share(part, whole)) == shown


def test_decisions_by_stage(year, people):
    stages = figures.decisions_by_stage(Scope(2026))
    assert [t.key for t in stages][:2] == ["initiation", "acceptance"]  # the statute's order
    assert behind(stages) == {"acceptance": ids(year, "F"), "collective_decision": ids(year, "D"),
                              "archived": ids(year, "ABCEG")}
    assert sum(t.count for t in stages) == 7
    assert behind(figures.decisions_by_stage(Scope(2026, lead_unit=FARM))) == {
        "acceptance": ids(year, "F"), "archived": ids(year, "ABE")}
    # Decisions are of the year they were proposed in: I, proposed in 2025, is 2025's.
    assert behind(figures.decisions_by_stage(Scope(2025))) == {"archived": ids(year, "HI")}
    assert behind(figures.decisions_by_stage(Scope(2024))) == {}


def test_a_readers_figures_count_only_the_decisions_he_may_read(year, people):
    """The head reads a decision once it is accepted: F, waiting at acceptance, is not his."""
    head = Scope(2026, readable=permissions.decisions_visible_to(people["head"]))
    office = Scope(2026, readable=permissions.decisions_visible_to(people["office"]))
    assert "acceptance" not in behind(figures.decisions_by_stage(head))
    assert behind(figures.decisions_by_stage(office))["acceptance"] == ids(year, "F")
    assert figures.overdue_tasks(head, today=D(2026, 12, 1)).tally.decision_ids == ids(year, "D")
    drafter = Scope(2026, readable=permissions.decisions_visible_to(people["drafter2"]))
    assert sum(t.count for t in figures.decisions_by_stage(drafter)) == 0


def test_decisions_by_outcome(year):
    outcomes = figures.decisions_by_outcome(Scope(2026))
    assert [t.key for t in outcomes] == ["pending", "deferred", "revise", "adopted",
                                         "not_adopted", "withdrawn"]
    assert [t.label for t in outcomes] == ["尚未提请会议决定", "暂缓决定", "修改后再次讨论", "通过",
                                           "未通过", "已撤回"]
    assert behind(outcomes) == {"pending": ids(year, "F"), "deferred": ids(year, "D"),
                                "adopted": ids(year, "ABG"), "not_adopted": ids(year, "C"),
                                "withdrawn": ids(year, "E")}
    assert behind(figures.decisions_by_outcome(Scope(2026, lead_unit=PLANNING))) == {
        "deferred": ids(year, "D"), "adopted": ids(year, "G"), "not_adopted": ids(year, "C")}
    assert behind(figures.decisions_by_outcome(Scope(2025))) == {"adopted": ids(year, "HI")}


def test_review_coverage_counts_the_decisions_decided_in_the_year(year):
    """Decided in the year of the meeting that adopted it or not: I (proposed in 2025) in 2026,
    D (deferred) not at all. Every decided version had a lawful review of that version: the
    gates allow nothing else, and B's unlawful review was of its first version, not the one
    decided."""
    coverage = figures.review_coverage(Scope(2026))
    assert coverage.decided.decision_ids == ids(year, "ABCGI")
    assert coverage.covered.decision_ids == ids(year, "ABCGI")
    assert coverage.not_covered.count == 0
    assert (coverage.share.part, coverage.share.whole, str(coverage.share)) == (5, 5, "100%")
    farm = figures.review_coverage(Scope(2026, lead_unit=FARM))
    assert farm.decided.decision_ids == ids(year, "ABI") and str(farm.share) == "100%"
    assert figures.review_coverage(Scope(2025)).decided.decision_ids == ids(year, "H")
    assert str(figures.review_coverage(Scope(2024)).share) == "—"
    b = year["B"].decision
    assert b.current_version.number == 2
    assert b.reviews.get(outcome="unlawful").draft_version.number == 1


def test_on_time_rate_per_stage(year):
    rows = {row.key: row for row in figures.on_time_by_stage(Scope(2026))}
    assert list(rows) == ["initiation", "acceptance", "public_participation", "expert_input",
                          "risk_assessment", "legal_review", "counsel_opinion", "revision",
                          "collective_decision", "publication"]
    assert {key: (row.closed.count, row.on_time.count, row.late.count)
            for key, row in rows.items()} == {
        "initiation": (7, 7, 0), "acceptance": (6, 6, 0), "public_participation": (4, 4, 0),
        "expert_input": (0, 0, 0), "risk_assessment": (0, 0, 0), "legal_review": (6, 5, 1),
        "counsel_opinion": (6, 6, 0), "revision": (1, 1, 0), "collective_decision": (6, 6, 0),
        "publication": (4, 4, 0)}
    review = rows["legal_review"]
    assert str(review.share) == "83.3%" and str(rows["expert_input"].share) == "—"
    assert review.late.decision_ids == ids(year, "G")
    # E's review was cancelled by its withdrawal: not done, so neither on time nor late.
    assert review.closed.decision_ids == ids(year, "ABCDG")
    assert rows["collective_decision"].closed.decision_ids == ids(year, "ABCDGI")
    planning = {row.key: row for row in figures.on_time_by_stage(Scope(2026, lead_unit=PLANNING))}
    assert (planning["legal_review"].closed.count, planning["legal_review"].on_time.count) == (3, 2)
    last_year = {row.key: row for row in figures.on_time_by_stage(Scope(2025))}
    assert (last_year["legal_review"].closed.count, last_year["publication"].closed.count) == (2, 1)


def test_overdue_tasks_with_their_holders(year):
    overdue = figures.overdue_tasks(Scope(2026), today=D(2026, 12, 1))
    assert [(t.decision_id, t.step, t.holder, t.due_on, t.days_overdue) for t in overdue.tasks] == [
        (year["D"].decision.pk, "集体讨论决定", "会议记录人（待领取）", D(2026, 6, 23), 161),
        (year["F"].decision.pk, "决策受理", "决策机关办公室（待领取）", D(2026, 10, 19), 43)]
    assert overdue.tally.decision_ids == ids(year, "DF")
    assert figures.overdue_tasks(Scope(2026, lead_unit=FARM), today=D(2026, 12, 1)) \
        .tally.decision_ids == ids(year, "F")
    # Late from the day after the due day.
    assert figures.overdue_tasks(Scope(2026), today=D(2026, 10, 19)).tally.decision_ids == \
        ids(year, "D")
    assert figures.overdue_tasks(Scope(2026), today=D(2026, 6, 23)).tasks == ()


def test_review_time_from_the_task_opening_to_the_review(year):
    """B 2 and 3 days, A 3, C 5, D 4, G 45: 62 days over 6 reviews."""
    times = figures.review_times(Scope(2026))
    assert (times.reviews.count, times.timed) == (6, 6)
    assert (times.average_days, times.longest_days) == (Decimal("10.3"), Decimal("45.0"))
    assert times.longest.decision_ids == ids(year, "G")
    assert times.reviews.decision_ids == ids(year, "ABCDG")
    planning = figures.review_times(Scope(2026, lead_unit=PLANNING))
    assert (planning.average_days, planning.longest_days) == (Decimal("18.0"), Decimal("45.0"))
    farm = figures.review_times(Scope(2026, lead_unit=FARM))
    assert (farm.reviews.count, farm.average_days, farm.longest_days) == (
        3, Decimal("2.7"), Decimal("3.0"))
    last_year = figures.review_times(Scope(2025))
    assert (last_year.reviews.decision_ids, last_year.average_days) == (ids(year, "HI"),
                                                                       Decimal("2.0"))
    nothing = figures.review_times(Scope(2024))
    assert (nothing.reviews.count, nothing.average_days, nothing.longest_days) == (0, None, None)


def test_consultation_methods(year):
    methods = figures.consultation_methods(Scope(2026))
    assert [(t.key, t.label, t.count) for t in methods] == [
        ("written", "书面征求意见", 1), ("online", "网上公开征求意见", 2),
        ("symposium", "座谈会", 1), ("hearing", "听证会", 1)]
    assert behind(methods)["online"] == ids(year, "AG")
    assert counts(figures.consultation_methods(Scope(2026, lead_unit=FARM))) == {
        "written": 1, "online": 1, "hearing": 1}
    assert figures.consultation_methods(Scope(2025)) == ()


def test_catalogue_items_never_decided(year, people):
    """Items 1 (A, adopted), 2 (D, deferred), 3 (no decision), 5 (E, withdrawn); 4 removed."""
    gap = figures.catalogue_items_undecided(Scope(2026))
    assert gap.has_catalogue
    assert counts(gap.tallies()) == {"items": 4, "decided": 1, "undecided": 3, "not_started": 2}
    assert (gap.decided.decision_ids, gap.undecided.decision_ids) == (ids(year, "A"),
                                                                      ids(year, "D"))
    assert gap.items.decision_ids == ids(year, "AD")
    assert [(row.number, row.decision_ids) for row in gap.undecided_items] == [
        (2, ids(year, "D")), (3, ()), (5, ())]
    farm = figures.catalogue_items_undecided(Scope(2026, lead_unit=FARM))
    assert counts(farm.tallies()) == {"items": 3, "decided": 1, "undecided": 2, "not_started": 2}
    planning = figures.catalogue_items_undecided(Scope(2026, lead_unit=PLANNING))
    assert counts(planning.tallies()) == {"items": 1, "decided": 0, "undecided": 1,
                                          "not_started": 0}
    none = figures.catalogue_items_undecided(Scope(2025))
    assert not none.has_catalogue and none.items.count == 0
    # The catalogue is public: the items are counted for any reader, the decisions behind
    # them only where he may read them.
    drafter = Scope(2026, readable=permissions.decisions_visible_to(people["drafter2"]))
    hidden = figures.catalogue_items_undecided(drafter)
    assert counts(hidden.tallies()) == counts(gap.tallies())
    assert hidden.undecided.decision_ids == ()


PARAGRAPH_2026 = (
    "2026年，重大行政决策事项经集体讨论作出决定5项，其中决定通过4项、不予通过1项。"
    "坚持未经合法性审查或者经审查不合法的决策草案不得提交集体讨论，全年开展合法性审查6次，"
    "其中退回补充材料0次、审查认为不合法1次，承办单位已按审查意见修改1次。"
    "作出决定的5项决策均经合法性审查，实现重大行政决策合法性审查100%覆盖。"
    "在规定期限内完成的合法性审查占83.3%（6次中的5次）。"
    "通过书面征求意见、网上公开征求意见、座谈会、听证会等方式开展公众参与5次，其中举行听证会1次，"
    "收到意见建议8条，采纳4条、部分采纳2条。"
    "年度重大行政决策事项目录所列4项中，已作出决定1项，尚未作出决定3项（其中尚未启动决策程序2项）。")


def test_annual_report_figures(year):
    report = annual.annual_report(2026)
    assert (report.decided.count, report.adopted.count, report.not_adopted.count) == (5, 4, 1)
    assert report.decided.decision_ids == ids(year, "ABCGI")
    assert report.not_adopted.decision_ids == ids(year, "C")
    assert (report.reviews.count, report.reviews_returned.count) == (6, 0)
    assert (report.unlawful.count, report.unlawful_revised.count) == (1, 1)
    assert report.unlawful_revised.decision_ids == ids(year, "B")
    assert str(report.coverage_share) == "100%"
    assert (report.on_time_share.part, report.on_time_share.whole) == (5, 6)
    assert (report.consultations.count, report.hearings.count) == (5, 1)
    assert report.hearings.decision_ids == ids(year, "A")
    assert (report.comments.count, report.comments_adopted.count,
            report.comments_partly_adopted.count) == (8, 4, 2)
    assert report.methods == ("written", "online", "symposium", "hearing")
    assert [(d.title[0], d.meeting_date, d.outcome, d.published_on, d.reviewed)
            for d in report.decisions] == [
        ("I", D(2026, 1, 12), "adopted", D(2026, 1, 14), True),
        ("A", D(2026, 4, 20), "adopted", D(2026, 4, 22), True),
        ("B", D(2026, 4, 20), "adopted", D(2026, 4, 23), True),
        ("C", D(2026, 4, 27), "not_adopted", None, True),
        ("G", D(2026, 8, 24), "adopted", D(2026, 8, 26), True)]
    assert [d.outcome_label for d in report.decisions] == ["通过", "通过", "通过", "未通过", "通过"]
    assert annual.annual_report_paragraph(report) == PARAGRAPH_2026


def test_annual_report_of_one_lead_unit(year):
    report = annual.annual_report(2026, lead_unit=FARM)
    assert report.decided.decision_ids == ids(year, "ABI")
    assert (report.reviews.count, report.unlawful.count, report.consultations.count,
            report.comments.count, report.comments_adopted.count) == (3, 1, 3, 5, 3)
    assert annual.annual_report_paragraph(report) == (
        "2026年，农业服务中心承办的重大行政决策事项经集体讨论作出决定3项，其中决定通过3项、不予通过0项。"
        "坚持未经合法性审查或者经审查不合法的决策草案不得提交集体讨论，全年开展合法性审查3次，"
        "其中退回补充材料0次、审查认为不合法1次，承办单位已按审查意见修改1次。"
        "作出决定的3项决策均经合法性审查，实现重大行政决策合法性审查100%覆盖。"
        "在规定期限内完成的合法性审查占100%（3次中的3次）。"
        "通过书面征求意见、网上公开征求意见、听证会等方式开展公众参与3次，其中举行听证会1次，"
        "收到意见建议5条，采纳3条、部分采纳1条。"
        "年度重大行政决策事项目录所列3项中，已作出决定1项，尚未作出决定2项（其中尚未启动决策程序2项）。")
    assert annual.annual_report_paragraph(annual.annual_report(2024, lead_unit=FARM)) == (
        "2024年，未就农业服务中心承办的重大行政决策事项作出决定。全年未开展合法性审查。全年未开展公众参与。")


def test_annual_report_of_other_years(year):
    report = annual.annual_report(2025)
    assert report.decided.decision_ids == ids(year, "H")
    assert annual.annual_report_paragraph(report) == (
        "2025年，重大行政决策事项经集体讨论作出决定1项，其中决定通过1项、不予通过0项。"
        "坚持未经合法性审查或者经审查不合法的决策草案不得提交集体讨论，全年开展合法性审查2次，"
        "其中退回补充材料0次、审查认为不合法0次，承办单位已按审查意见修改0次。"
        "作出决定的1项决策均经合法性审查，实现重大行政决策合法性审查100%覆盖。"
        "在规定期限内完成的合法性审查占100%（2次中的2次）。全年未开展公众参与。")
    assert annual.annual_report_paragraph(annual.annual_report(2024)) == (
        "2024年，未作出重大行政决策。全年未开展合法性审查。全年未开展公众参与。")


def test_the_paragraph_is_chinese_whatever_the_readers_language(year):
    from django.utils import translation

    with translation.override("en"):
        assert annual.annual_report_paragraph(annual.annual_report(2026)) == PARAGRAPH_2026


def test_the_tally_behind_a_link(year):
    scope = Scope(2026)
    assert figures.tally_behind(scope, "stage", "archived").decision_ids == ids(year, "ABCEG")
    assert figures.tally_behind(scope, "outcome", "withdrawn").decision_ids == ids(year, "E")
    assert figures.tally_behind(scope, "coverage", "decided").decision_ids == ids(year, "ABCGI")
    assert figures.tally_behind(scope, "on_time", "legal_review.late").decision_ids == \
        ids(year, "G")
    assert figures.tally_behind(scope, "review_time", "longest").decision_ids == ids(year, "G")
    assert figures.tally_behind(scope, "methods", "hearing").decision_ids == ids(year, "A")
    assert figures.tally_behind(Scope(2026, lead_unit=FARM), "methods", "symposium") is None
    assert figures.tally_behind(scope, "nothing", "archived") is None
    assert figures.tally_behind(scope, "stage", "nothing") is None


def test_the_filters_offer_the_years_and_the_lead_units(year, people):
    assert figures.years(today=D(2026, 12, 1)) == [2026, 2025]
    assert figures.years(today=D(2027, 1, 4)) == [2027, 2026, 2025]
    assert figures.lead_units() == sorted([FARM, PLANNING])
