"""The provisions of Decree No. 713 the system enforces: each with the rule that carries it, the
service that enforces it and the tests that prove it.

docs/statute.md is this table, written by ``python -m decisions.statute > docs/statute.md``;
tests/test_statute_table.py fails when the file is stale, when an enforced provision names no
test or a test that does not exist, and when a gate's code is raised but listed nowhere. A
provision not yet enforced says so: the table is the list of what is still open.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Provision:
    article: str
    requires: str
    rule: str = ""
    service: str = ""
    codes: tuple[str, ...] = ()
    tests: tuple[str, ...] = field(default=())
    enforced: bool = True


PARTICIPATION = "tests/test_statute_participation_and_risk.py"
MEETING = "tests/test_meeting_publication_gates.py"
GATES = "tests/test_gates.py"
CONSULTATIONS = "tests/test_consultations.py"
COUNSEL = "tests/test_counsel_opinion.py"
CATALOGUE = "tests/test_catalogue.py"

PROVISIONS: tuple[Provision, ...] = (
    Provision(
        "Art. 3 para. 3", "The decision organ's catalogue of the year's major decision items is "
                          "published only with the consent of the Party committee at the same "
                          "level, and adjusted during the year: an item added after publication "
                          "says why, a removed one stays with its reason; anyone reads it.",
        "Catalogue, CatalogueItem (never deleted; PostgreSQL constraints), "
        "manage_catalogue (the office)",
        "catalogue_create, catalogue_item_add, catalogue_item_remove, "
        "catalogue_consent_record, catalogue_publish",
        ("catalogue_consent_missing", "catalogue_empty", "catalogue_published",
         "catalogue_item_removed"),
        (f"{CATALOGUE}::test_publishing_needs_the_party_committees_consent_and_an_item",
         f"{CATALOGUE}::test_the_database_refuses_a_publication_without_consent",
         f"{CATALOGUE}::test_the_consent_needs_its_date_and_reference_and_is_fixed_once_"
         "published",
         f"{CATALOGUE}::test_after_publication_an_addition_says_why",
         f"{CATALOGUE}::test_a_removal_says_why_and_keeps_the_item",
         f"{CATALOGUE}::test_only_the_office_keeps_the_catalogue",
         f"{CATALOGUE}::test_anyone_reads_the_published_catalogue_without_logging_in",
         f"{CATALOGUE}::test_the_api_reads_the_published_catalogue_without_a_token")),
    Provision(
        "Art. 3 para. 3", "Every decision carries out an item of its year's published "
                          "catalogue, or says why it is outside the catalogue; the office "
                          "corrects the link with a reason.",
        "Decision.catalogue_item / outside_catalogue_reason (never both)",
        "decision_create, decision_submit, decision_catalogue_link_correct",
        tests=(f"{CATALOGUE}::test_a_proposal_names_an_open_item_of_its_year_or_a_reason",
               f"{CATALOGUE}::test_the_api_asks_for_an_item_or_a_reason",
               f"{CATALOGUE}::test_the_page_offers_the_open_items_and_asks_for_an_item_or_a_"
               "reason",
               f"{CATALOGUE}::test_the_office_corrects_the_link_with_a_reason")),
    Provision(
        "Art. 13", "A disagreement between units is put to the organ with its issue, the units' "
                   "opinions and the lead unit's reasons.",
        "UnitDisagreement (all three parts required)", "decision_create, decision_submit",
        tests=("tests/test_statute_disagreements_and_review.py::"
               "test_a_disagreement_without_one_of_its_parts_is_refused_and_nothing_is_kept",
               "tests/test_statute_disagreements_and_review.py::"
               "test_the_api_records_disagreements_and_refuses_an_incomplete_one")),
    Provision(
        "Art. 14", "Public participation is left out only for a matter that may not be disclosed "
                   "by law, its basis cited, confirmed by the office at acceptance.",
        "ParticipationSkipGround.NOT_DISCLOSABLE", "decision_create, decision_accept",
        ("participation_skip_not_allowed",),
        (f"{PARTICIPATION}::test_participation_is_left_out_only_on_the_ground_of_non_disclosure",
         f"{PARTICIPATION}::test_the_office_confirms_the_ground_at_acceptance",
         f"{PARTICIPATION}::test_api_proposal_refuses_a_skip_without_the_ground")),
    Provision(
        "Art. 15", "An open consultation of the public lasts at least 30 days, or says why not.",
        "PUBLIC_CONSULTATION_MIN_DAYS", "decision_record_participation",
        tests=(f"{GATES}::test_short_consultation_window_needs_a_reason",)),
    Provision(
        "Arts. 14-18", "Several consultations per decision, each with its method, channel and "
                       "notice; the 30 days only for the open consultation of the public; a "
                       "consultation still open cannot be completed.",
        "ParticipationMethod, PUBLIC_CONSULTATION_METHODS, PublicParticipation (one row each)",
        "decision_record_participation", ("consultation_window_open",),
        (f"{CONSULTATIONS}::test_several_consultations_are_recorded_each_with_its_comments",
         f"{CONSULTATIONS}::test_thirty_days_only_for_the_open_consultation_of_the_public",
         f"{CONSULTATIONS}::test_a_consultation_still_open_cannot_be_recorded",
         f"{CONSULTATIONS}::test_api_refuses_a_consultation_still_open_and_a_hearing_noticed_"
         "too_late",
         f"{CONSULTATIONS}::test_page_shows_each_refusal_as_a_message")),
    Provision(
        "Arts. 16-17", "A hearing's materials reach participants 7 days before it; its record is "
                       "confirmed and signed by them.",
        "HEARING_MATERIALS_MIN_DAYS, PublicParticipation.hearing_on / .materials_sent_on / "
        ".record_confirmed", "decision_record_participation", ("hearing_notice_too_short",),
        (f"{CONSULTATIONS}::test_a_hearings_materials_reach_its_participants_seven_days_before_it",
         f"{CONSULTATIONS}::test_a_hearing_records_its_dates_its_notice_and_its_confirmed_record",
         f"{CONSULTATIONS}::test_api_answers_400_for_a_hearing_without_its_dates_or_its_"
         "confirmed_record",
         f"{CONSULTATIONS}::test_page_shows_a_hearings_missing_fields_beside_them")),
    Provision(
        "Art. 18", "Every public comment is kept with whether it was adopted, and why.",
        "PublicComment.adoption", "decision_record_participation",
        tests=(f"{MEETING}::test_no_meeting_while_a_public_comment_awaits_its_adoption",)),
    Provision(
        "Art. 19 para. 2", "Each expert writes and signs his own opinion.",
        "StageView.can_assign (the named expert)", "decision_submit_expert_opinion",
        tests=(f"{GATES}::test_expert_signs_with_his_own_name",)),
    Provision(
        "Art. 20", "No expert, reviewer, legal adviser or assessor with a direct interest: not "
                   "the drafter, nobody of the lead unit; the expert and the legal adviser "
                   "declare no interest when signing.",
        "selectors.conflict_of_interest",
        "decision_accept, decision_submit_expert_opinion, decision_submit_counsel_opinion",
        ("conflict_of_interest",),
        ("tests/test_independence.py::test_no_one_of_the_lead_unit_is_named",
         "tests/test_independence.py::test_an_expert_declares_no_interest_when_signing",
         "tests/test_independence.py::test_api_refuses_a_conflicted_person_at_acceptance",
         f"{COUNSEL}::test_a_counsel_of_the_lead_unit_is_a_conflict_of_interest")),
    Provision(
        "Art. 25 para. 2", "No draft goes to the organ unreviewed or found unlawful; only an "
                           "exploratory reform may go with its legal risk stated.",
        "selectors.review_gate_problem, REVIEW_OUTCOMES_CLEARING_THE_GATE",
        "decision_record_legal_review, decision_record_meeting",
        ("review_missing", "review_not_lawful", "review_stale_version",
         "lawful_with_risk_not_exploratory"),
        (f"{GATES}::test_meeting_refused_without_any_review",
         f"{GATES}::test_meeting_refused_when_latest_review_not_lawful",
         f"{GATES}::test_meeting_refused_when_draft_changed_after_review",
         f"{PARTICIPATION}::test_lawful_with_risk_only_for_a_declared_exploratory_reform",
         f"{PARTICIPATION}::test_the_meeting_states_that_the_risk_was_put_to_it")),
    Provision(
        "Art. 26 para. 2", "The review is given at least 7 working days, however its period "
                           "is set or changed.",
        "LEGAL_REVIEW_MIN_WORKING_DAYS, review_period_problem",
        "decision_change_deadline, StagePeriod.clean, system check juece.E011",
        ("review_period_too_short",),
        ("tests/test_deadlines.py::"
               "test_office_extends_with_a_reason_and_never_below_seven_working_days",
               "tests/test_review_period.py::"
               "test_a_review_period_under_seven_working_days_is_refused",
               "tests/test_review_period.py::"
               "test_a_row_written_around_the_admin_is_named_by_the_check_and_not_applied")),
    Provision(
        "Art. 27", "The review states its opinion on authority, procedure and content.",
        "LegalReview.opinion_authority / _procedure / _content", "decision_record_legal_review",
        tests=("tests/test_statute_disagreements_and_review.py::"
               "test_a_review_states_each_of_its_three_opinions",)),
    Provision(
        "Art. 28", "During each round of the review the legal adviser or government lawyer the "
                   "office named gives and signs his own opinion on the version under review; the "
                   "draft is found lawful (or lawful with the risk stated) only once he has.",
        "Role.COUNSEL, COUNSEL_OPINION_STEP, selectors.counsel_opinion_of",
        "decision_accept, decision_submit_counsel_opinion, decision_record_legal_review",
        ("counsel_opinion_missing",),
        (f"{COUNSEL}::test_acceptance_names_the_counsel_of_the_counsel_role",
         f"{COUNSEL}::test_each_round_opens_the_counsels_task_beside_the_reviewers",
         f"{COUNSEL}::test_the_draft_is_not_found_lawful_before_the_counsel_signs",
         f"{COUNSEL}::test_an_opinion_on_an_earlier_version_does_not_count",
         f"{COUNSEL}::test_only_the_named_counsel_signs_his_own_opinion",
         f"{COUNSEL}::test_api_counsel_task_and_its_gates",
         f"{COUNSEL}::test_review_page_refuses_lawful_before_the_counsel_and_shows_his_opinion")),
    Provision(
        "Art. 29", "The organ discusses only a complete package: comments and expert opinions "
                   "weighed, the risk assessment in, the review lawful.",
        "selectors.meeting_package_missing", "decision_record_meeting",
        ("meeting_package_incomplete",),
        (f"{MEETING}::test_no_meeting_while_an_expert_opinion_awaits_its_adoption",
         f"{MEETING}::test_no_meeting_without_the_risk_assessment_it_needs",
         f"{MEETING}::test_api_meeting_package")),
    Provision(
        "Art. 30", "Discussion at the organ's meeting with a quorum; every position recorded, "
                   "the head last, his reason when he departs from the majority.",
        "MEETING_QUORUM_MIN, MeetingAbsence, MemberPositionRecord", "decision_record_meeting",
        ("quorum_not_met", "meeting_date_invalid", "positions_missing"),
        (f"{MEETING}::test_the_meeting_counts_only_when_more_than_half_attend",
         f"{MEETING}::test_every_member_attends_or_is_absent_with_a_reason",
         f"{MEETING}::test_a_meeting_is_not_dated_in_the_future_nor_before_its_review",
         f"{GATES}::test_head_decision_refused_until_every_attendee_has_a_position",
         f"{GATES}::test_head_departing_from_majority_must_state_reason")),
    Provision(
        "Art. 31", "The decision is reported to the Party committee before it is issued.",
        "Publication.party_report_on / _ref", "decision_publish", ("party_report_missing",),
        (f"{MEETING}::test_no_publication_before_the_report_to_the_party_committee",)),
    Provision(
        "Art. 32", "The adopted decision is published, as adopted, after the meeting, with how "
                   "opinions were adopted.",
        "Publication.draft_sha256 (and a PostgreSQL trigger)", "decision_publish",
        ("not_adopted", "publication_date_invalid", "published_text_not_adopted"),
        (f"{GATES}::test_publication_refused_unless_adopted",
         f"{MEETING}::test_publication_not_before_the_meeting",
         f"{MEETING}::test_the_published_text_is_the_adopted_version")),
    Provision(
        "Art. 33", "The file is archived complete and can no longer change; a withdrawn "
                   "proposal keeps its record.",
        "Stage.ARCHIVED, the audit chain", "decision_archive, decision_withdraw",
        ("withdrawal_not_allowed",),
        (f"{GATES}::test_archived_decision_is_read_only",
         "tests/test_withdrawal.py::test_no_withdrawal_after_the_head_decided",
         "tests/test_withdrawal.py::test_the_dossier_and_timeline_show_the_withdrawal")),
)

#: Codes that guard the procedure's mechanics (or a local rule) rather than one provision.
PROCEDURAL_CODES = frozenset({
    "task_not_open", "stage_not_needed", "not_concluded", "consultation_incomplete",
    "adoption_after_meeting", "review_extension_too_long", "review_extension_used"})


def render() -> str:
    lines = [
        "# The statute, provision by provision",
        "",
        "Generated from `decisions/statute.py` by `python -m decisions.statute > docs/statute.md`;",
        "`tests/test_statute_table.py` fails when this file is stale or a provision's tests are "
        "missing.",
        "Articles are those of 《重大行政决策程序暂行条例》 (State Council Decree No. 713).",
        "",
        "| Article | Requires | Rule | Enforced by | Refusal codes | Tests |",
        "|---|---|---|---|---|---|",
    ]
    for p in PROVISIONS:
        tests = "<br>".join(f"`{t}`" for t in p.tests) if p.enforced else "**not yet enforced**"
        codes = ", ".join(f"`{c}`" for c in p.codes)
        lines.append(f"| {p.article} | {p.requires} | {p.rule} | {p.service} | {codes} | "
                     f"{tests} |")
    open_ = [p.article for p in PROVISIONS if not p.enforced]
    lines += ["", f"Still open: {', '.join(open_)}." if open_ else "Nothing is open."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(), end="")
