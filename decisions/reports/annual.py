"""The figures a rule-of-law report gives of the year's major decisions, and its paragraph.

The seed report's 2024 section (健全行政决策制度体系) is the model: how many decisions were
taken, that none went to the meeting unreviewed, the coverage of legality review (100% the 2025
target), and how the public was heard. Each figure keeps the decisions behind it.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..models import DraftVersion, PublicComment
from ..rulebook import AdoptionStatus, HeadDecision, ParticipationMethod, ReviewOutcome, Stage
from .figures import (
    CatalogueGap,
    Coverage,
    Scope,
    Share,
    StageTimeliness,
    Tally,
    catalogue_items_undecided,
    concluding_meetings,
    consultations,
    lawful_review_of_decided_version,
    legality_reviews,
    on_time_by_stage,
    outcome_label,
    review_coverage,
    tally_of,
)

#: The report is a Chinese document, whoever prints it.
REPORT_LANGUAGE = "zh-hans"


@dataclass(frozen=True)
class DecidedDecision:
    """A line of the report's list: a decision taken in the year."""

    decision_id: int
    process_id: int | None
    title: str
    lead_unit: str
    meeting_date: datetime.date
    outcome: str
    outcome_label: str
    published_on: datetime.date | None
    reviewed: bool


@dataclass(frozen=True)
class AnnualReport:
    year: int
    lead_unit: str
    #: Decided in the year: adopted or not adopted at a meeting held in it (Art. 30).
    decided: Tally
    adopted: Tally
    not_adopted: Tally
    #: Legality reviews recorded in the year (count: reviews; a decision may have several).
    reviews: Tally
    reviews_returned: Tally
    #: Reviews that found the draft unlawful, and those after which it was revised.
    unlawful: Tally
    unlawful_revised: Tally
    coverage: Coverage
    #: The reviewer's review tasks done in the year, and those done by their due day.
    reviews_on_time: StageTimeliness
    consultations: Tally
    hearings: Tally
    comments: Tally
    comments_adopted: Tally
    comments_partly_adopted: Tally
    methods: tuple[str, ...]
    catalogue: CatalogueGap
    decisions: tuple[DecidedDecision, ...]

    @property
    def coverage_share(self) -> Share:
        return self.coverage.share

    @property
    def on_time_share(self) -> Share:
        return self.reviews_on_time.share


def annual_report(year: int, *, lead_unit: str | None = None) -> AnnualReport:
    """Every figure of the year's report, of one lead unit's decisions when one is named."""
    scope = Scope(year=year, lead_unit=lead_unit or "")
    meetings = list(concluding_meetings(scope)
                    .select_related("decision", "decision__publication")
                    .annotate(covered=lawful_review_of_decided_version()))
    decided = [m.decision_id for m in meetings]
    reviews = legality_reviews(scope)
    unlawful = list(reviews.filter(outcome=ReviewOutcome.UNLAWFUL)
                    .annotate(revised=Exists(DraftVersion.objects.filter(
                        decision=OuterRef("decision"),
                        number__gt=OuterRef("draft_version__number"))))
                    .values_list("decision_id", "revised"))
    returned = list(reviews.filter(outcome=ReviewOutcome.RETURNED)
                    .values_list("decision_id", flat=True))
    review_rows = list(reviews.values_list("decision_id", flat=True))
    held = list(consultations(scope).values_list("decision_id", "method"))
    comments = list(PublicComment.objects.filter(participation__in=consultations(scope))
                    .values_list("participation__decision_id", "adoption"))
    on_time = next(row for row in on_time_by_stage(scope) if row.key == Stage.LEGAL_REVIEW)
    used = {method for _pk, method in held}
    return AnnualReport(
        year=year, lead_unit=scope.lead_unit,
        decided=tally_of("decided", _("Decided in the year"), decided),
        adopted=tally_of("adopted", HeadDecision.ADOPTED.label,
                       [m.decision_id for m in meetings
                        if m.head_decision == HeadDecision.ADOPTED]),
        not_adopted=tally_of("not_adopted", HeadDecision.NOT_ADOPTED.label,
                           [m.decision_id for m in meetings
                            if m.head_decision == HeadDecision.NOT_ADOPTED]),
        reviews=tally_of("reviews", _("Legality reviews recorded"), review_rows,
                       count=len(review_rows)),
        reviews_returned=tally_of("returned", ReviewOutcome.RETURNED.label, returned,
                                count=len(returned)),
        unlawful=tally_of("unlawful", ReviewOutcome.UNLAWFUL.label,
                        [pk for pk, _revised in unlawful], count=len(unlawful)),
        unlawful_revised=tally_of("unlawful_revised", _("Found unlawful, then revised"),
                                [pk for pk, revised in unlawful if revised],
                                count=sum(1 for _pk, revised in unlawful if revised)),
        coverage=review_coverage(scope),
        reviews_on_time=on_time,
        consultations=tally_of("consultations", _("Consultations of the public"),
                             [pk for pk, _method in held], count=len(held)),
        hearings=tally_of("hearings", ParticipationMethod.HEARING.label,
                        [pk for pk, method in held if method == ParticipationMethod.HEARING],
                        count=sum(1 for _pk, m in held if m == ParticipationMethod.HEARING)),
        comments=tally_of("comments", _("Public comments"), [pk for pk, _a in comments],
                        count=len(comments)),
        comments_adopted=tally_of(
            "comments_adopted", _("Comments adopted"),
            [pk for pk, a in comments if a == AdoptionStatus.ADOPTED],
            count=sum(1 for _pk, a in comments if a == AdoptionStatus.ADOPTED)),
        comments_partly_adopted=tally_of(
            "comments_partly_adopted", _("Comments partly adopted"),
            [pk for pk, a in comments if a == AdoptionStatus.PARTLY_ADOPTED],
            count=sum(1 for _pk, a in comments if a == AdoptionStatus.PARTLY_ADOPTED)),
        methods=tuple(m.value for m in ParticipationMethod if m.value in used),
        catalogue=catalogue_items_undecided(scope),
        decisions=tuple(
            DecidedDecision(
                decision_id=m.decision_id, process_id=m.decision.process_id,
                title=m.decision.title, lead_unit=m.decision.lead_unit,
                meeting_date=m.meeting_date, outcome=m.head_decision,
                outcome_label=outcome_label(m.head_decision),
                published_on=_published_on(m.decision), reviewed=m.covered)
            for m in meetings),
    )


def _published_on(decision) -> datetime.date | None:
    publication = getattr(decision, "publication", None)  # none: not (yet) published
    return publication.published_on if publication else None


def annual_report_paragraph(report: AnnualReport) -> str:
    """The report's paragraph on major decisions, in Chinese, modelled on the seed report's
    section 健全行政决策制度体系: only what the figures say, each sentence from its figure."""
    with translation.override(REPORT_LANGUAGE):
        return "".join(_sentences(report))


def _sentences(report: AnnualReport):
    year, unit, decided = report.year, report.lead_unit, report.decided.count
    if decided and unit:
        yield _("In %(year)d, %(n)d major administrative decision(s) led by %(unit)s were "
                "taken: %(adopted)d adopted and %(not_adopted)d not adopted.") % {
                    "year": year, "unit": unit, "n": decided,
                    "adopted": report.adopted.count, "not_adopted": report.not_adopted.count}
    elif decided:
        yield _("In %(year)d, %(n)d major administrative decision(s) were taken: %(adopted)d "
                "adopted and %(not_adopted)d not adopted.") % {
                    "year": year, "n": decided, "adopted": report.adopted.count,
                    "not_adopted": report.not_adopted.count}
    elif unit:
        yield _("In %(year)d, no major administrative decision led by %(unit)s was "
                "taken.") % {"year": year, "unit": unit}
    else:
        yield _("In %(year)d, no major administrative decision was taken.") % {"year": year}

    if report.reviews.count:
        yield _("No draft that was not reviewed, or was found unlawful, was put to the "
                "collective decision: %(n)d legality review(s) were made in the year, of "
                "which %(returned)d returned the draft for more material and %(unlawful)d "
                "found it unlawful; the lead unit revised the draft per the opinion after "
                "%(revised)d of these.") % {
                    "n": report.reviews.count, "returned": report.reviews_returned.count,
                    "unlawful": report.unlawful.count,
                    "revised": report.unlawful_revised.count}
    else:
        yield _("No legality review was recorded in the year.")

    coverage = report.coverage_share
    if coverage.whole and coverage.part == coverage.whole:
        yield _("All %(n)d decision(s) taken had a lawful legality review of the version "
                "decided on: legality review covered 100%% of the major decisions.") % {
                    "n": coverage.whole}
    elif coverage.whole:
        yield _("%(share)s of the decisions taken (%(part)d of %(whole)d) had a lawful "
                "legality review of the version decided on.") % {
                    "share": coverage, "part": coverage.part, "whole": coverage.whole}

    on_time = report.on_time_share
    if on_time.whole:
        yield _("%(share)s of the legality reviews (%(part)d of %(whole)d) were finished "
                "within their period.") % {
                    "share": on_time, "part": on_time.part, "whole": on_time.whole}

    if report.consultations.count:
        methods = pgettext("list separator", ", ").join(
            str(ParticipationMethod(method).label) for method in report.methods)
        yield _("The public was heard %(n)d time(s), by %(methods)s, %(hearings)d of them at "
                "a hearing; %(comments)d comment(s) were received, of which %(adopted)d were "
                "adopted and %(partly)d partly adopted.") % {
                    "n": report.consultations.count, "methods": methods,
                    "hearings": report.hearings.count, "comments": report.comments.count,
                    "adopted": report.comments_adopted.count,
                    "partly": report.comments_partly_adopted.count}
    else:
        yield _("No consultation of the public closed in the year.")

    catalogue = report.catalogue
    if catalogue.has_catalogue:
        yield _("Of the %(items)d item(s) of the year's catalogue of major decisions, "
                "%(decided)d were decided and %(undecided)d not yet, the procedure of "
                "%(not_started)d of these not started.") % {
                    "items": catalogue.items.count, "decided": catalogue.decided.count,
                    "undecided": catalogue.undecided.count,
                    "not_started": catalogue.not_started.count}
