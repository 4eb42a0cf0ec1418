"""The dossier summary names as a stage's 经办人 only the people who did that stage's work: not
the person whose act opened the stage's task, nor whoever granted, read or moved the decision."""

import io
import re
import zipfile

from pypdf import PdfReader

from decisions.dossier.build import build_dossier
from decisions.dossier.pdf import stage_handlers

from .factories import Journey

EXPECTED = {
    "initiation": ["王起草"],
    "acceptance": ["李办公"],
    "public_participation": ["王起草"],
    # The lead unit's word on each expert opinion's adoption (Art. 21) is an expert-input act.
    "expert_input": ["陈专家", "周专家", "王起草"],
    "risk_assessment": ["吴评估"],
    "legal_review": ["林律师", "张审查"],
    "revision": ["王起草"],
    "collective_decision": ["孙秘书"],
    "publication": ["李办公"],
    "archived": ["李办公"],
}


def published(people):
    journey = Journey(people, needs_expert_input=True, needs_risk_assessment=True).submit()
    journey.accept(experts=[people["expert"], people["expert2"]]).participate()
    journey.expert_opinion().expert_opinion(people["expert2"]).assess_risk()
    return journey.review("unlawful").revise().review("lawful").meet("adopted").publish().decision


def test_each_stage_names_only_the_people_who_acted_in_it(people):
    decision = published(people)
    events = list(decision.events.select_related("actor").order_by("sequence"))
    # The engine's task events and the stage changes name others in these stages: the office
    # opened the experts' tasks, the drafter's act moved the decision into expert input.
    assert {e.actor.username for e in events if e.stage == "expert_input"} >= {
        "office", "drafter", "expert", "expert2"}
    assert stage_handlers(events) == EXPECTED


def test_the_summary_pdf_prints_those_handlers(people):
    decision = published(people)
    with zipfile.ZipFile(io.BytesIO(build_dossier(decision, acting_user=people["auditor"]))) as z:
        pdf = z.read("summary.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = re.sub(r"\s+", "", text)
    handlers = dict(re.findall(r"(专家论证|风险评估|决策受理)：[^；]*；记录\d+条；"
                               r"经办人：([^；。]*?)"
                               r"(?=公众参与|专家论证|风险评估|合法性审查|修改完善|$)", text))
    assert handlers == {"决策受理": "李办公", "专家论证": "陈专家、周专家、王起草",
                        "风险评估": "吴评估"}
