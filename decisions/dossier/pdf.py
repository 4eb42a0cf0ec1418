"""The dossier's summary in Chinese: the whole procedure of one decision on a few PDF pages.

Its fonts, embedded (subset) so that the summary reads the same on any machine, and the refusal
of a character no font can draw, are ``decisions.documents.fonts``'.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf.enums import WrapMode, XPos, YPos

from ..audit.labels import STAGE_ACTS
from ..documents.fonts import SANS, CJKDocument
from ..people import display_name
from ..rulebook import STAGE_ORDER, Stage


class SummaryDocument(CJKDocument):
    def __init__(self, footer_text: str):
        super().__init__()
        self.footer_text = footer_text
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)

    def footer(self):
        self.set_y(-12)
        self.set_font(SANS, size=8)
        page = _("page %(n)d") % {"n": self.page_no()}
        self.cell(0, 6, f"{self.footer_text}　{page}", align="C")

    def heading(self, text: str):
        self.ln(3)
        self.set_font(SANS, size=13)
        self.multi_cell(0, 8, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                        wrapmode=WrapMode.CHAR)
        self.set_draw_color(160, 160, 160)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(1.5)
        self.set_font(SANS, size=10)

    def line_of(self, text: str, indent: float = 0, size: float = 10):
        self.set_font(SANS, size=size)
        self.set_x(self.l_margin + indent)
        self.multi_cell(0, 5.6, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                        wrapmode=WrapMode.CHAR)

    def field(self, label: str, value, indent: float = 0):
        self.line_of(f"{label}：{_text(value)}", indent)


def summary_pdf(record: dict, events: list, *, created_at: datetime.datetime,
                created_by: dict) -> bytes:
    """The summary of ``record`` (``dossier.decision_record``) and its events."""
    d = record["decision"]
    pdf = SummaryDocument(_("Decision %(id)s · archive dossier") % {"id": d["id"]})
    pdf.set_title(d["title"])
    pdf.add_page()
    pdf.set_font(SANS, size=16)
    pdf.multi_cell(0, 9, _("Archive dossier of a major administrative decision"), align="C",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(SANS, size=14)
    pdf.multi_cell(0, 8, d["title"], align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                   wrapmode=WrapMode.CHAR)
    pdf.ln(2)
    pdf.field(_("Decision number"), d["id"])
    pdf.field(_("Source of the proposal"), d["proposal_source_label"])
    pdf.field(_("Lead unit"), d["lead_unit"])
    pdf.field(_("Drafter"), _name(d["drafter"]))
    pdf.field(_("Legality reviewer"), _name(d["reviewer"]))
    if d.get("counsel"):
        pdf.field(_("Legal adviser or government lawyer"), _name(d["counsel"]))
    pdf.field(_("Stage"), d["stage_label"])
    pdf.field(_("Status"), d["status_label"])
    pdf.field(_("Proposed at"), d["created_at"])
    pdf.field(_("Dossier created"), f"{_text(created_at)}，{_name(created_by)}")

    _procedure(pdf, record, events)
    _versions(pdf, record)
    _consultation(pdf, record)
    _reviews(pdf, record)
    _meetings(pdf, record)
    _publication(pdf, record)
    _withdrawal(pdf, record)
    _chain(pdf, events)
    return bytes(pdf.output())


def _procedure(pdf: SummaryDocument, record: dict, events: list) -> None:
    pdf.heading(_("The procedure, stage by stage"))
    by_stage: dict[str, list] = {}
    for event in events:
        by_stage.setdefault(event.stage, []).append(event)
    skipped = {skip["stage"]: skip for skip in record["stage_skips"]}
    handlers = stage_handlers(events)
    for stage in STAGE_ORDER:
        label = Stage(stage).label
        if stage in skipped:
            skip = skipped[stage]
            pdf.line_of(_("%(stage)s: not needed (%(reason)s), decided by %(who)s on %(when)s")
                        % {"stage": label, "reason": skip["reason"],
                           "who": _name(skip["decided_by"]), "when": _text(skip["decided_at"])})
            continue
        stage_events = by_stage.get(stage)
        if not stage_events:
            continue
        actors = handlers.get(stage, [])
        pdf.line_of(_("%(stage)s: %(first)s to %(last)s; %(count)d events; by %(actors)s")
                    % {"stage": label, "first": _text(stage_events[0].occurred_at),
                       "last": _text(stage_events[-1].occurred_at),
                       "count": len(stage_events), "actors": "、".join(actors) or "—"})
    for returned in record["returns"]:
        pdf.line_of(_("Returned to the drafter on %(when)s by %(who)s: %(reason)s")
                    % {"when": _text(returned["returned_at"]),
                       "who": _name(returned["returned_by"]), "reason": returned["reason"]})
    for disagreement in record["disagreements"]:
        pdf.line_of(_("Disagreement between units: %(issue)s") % {"issue": disagreement["issue"]})


def _versions(pdf: SummaryDocument, record: dict) -> None:
    pdf.heading(_("Draft versions"))
    for version in record["versions"]:
        pdf.line_of(_("Version %(n)d, %(when)s, by %(who)s")
                    % {"n": version["number"], "when": _text(version["created_at"]),
                       "who": _name(version["created_by"])})
        pdf.line_of(f"SHA-256：{version['sha256']}", indent=6, size=8.5)
        if version["note"]:
            pdf.field(_("Explanation of the revision"), version["note"], indent=6)
        for attachment in version["attachments"]:
            pdf.line_of(_("Attachment %(name)s, %(size)d bytes, SHA-256 %(sha)s")
                        % {"name": attachment["name"], "size": attachment["size"],
                           "sha": attachment["sha256"]}, indent=6, size=8.5)


def _consultation(pdf: SummaryDocument, record: dict) -> None:
    if record["participations"]:
        pdf.heading(_("Public participation"))
        for number, p in enumerate(record["participations"], 1):
            pdf.line_of(_("Consultation %(number)d: %(method)s, %(start)s to %(end)s (%(days)d "
                          "days), on version %(n)s; %(comments)d comments")
                        % {"number": number, "method": p["method_label"],
                           "start": _text(p["window_start"]), "end": _text(p["window_end"]),
                           "days": p["window_days"], "n": p["draft_version"],
                           "comments": len(p["comments"])})
            if p.get("channel"):
                pdf.field(_("Channel"), p["channel"], indent=6)
            if p.get("notice"):
                pdf.field(_("Notice"), p["notice"], indent=6)
            if p.get("hearing_on"):
                pdf.line_of(_("Hearing on %(held)s, its materials sent to the participants on "
                              "%(sent)s (Art. 16); record confirmed and signed: %(confirmed)s "
                              "(Art. 17)")
                            % {"held": _text(p["hearing_on"]),
                               "sent": _text(p["materials_sent_on"]),
                               "confirmed": _("yes") if p["record_confirmed"] else _("no")},
                            indent=6)
            for comment in p["comments"]:
                pdf.line_of(f"{comment['source']}：{comment['text']}（{comment['adoption_label']}"
                            f"，{comment['reason']}）", indent=6)
    if record["expert_opinions"]:
        pdf.heading(_("Expert opinions"))
        for o in record["expert_opinions"]:
            pdf.line_of(_("%(signature)s (signed %(when)s, version %(n)s): %(opinion)s; "
                          "adoption: %(adoption)s")
                        % {"signature": o["signature"], "when": _text(o["signed_at"]),
                           "n": o["draft_version"], "opinion": o["opinion"],
                           "adoption": o["adoption_label"]})
    if record["risk_assessments"]:
        pdf.heading(_("Risk assessment"))
        for r in record["risk_assessments"]:
            pdf.line_of(_("%(when)s by %(who)s, version %(n)s: %(verdict)s")
                        % {"when": _text(r["assessed_at"]), "who": _name(r["assessed_by"]),
                           "n": r["draft_version"],
                           "verdict": _("risk controllable") if r["controllable"]
                           else _("risk not controllable")})
            pdf.field(_("Risk points"), r["risk_points"], indent=6)


def _reviews(pdf: SummaryDocument, record: dict) -> None:
    if not record["reviews"]:
        return
    pdf.heading(_("Legality review"))
    for r in record["reviews"]:
        pdf.line_of(_("Version %(n)s: %(outcome)s, by %(who)s on %(when)s")
                    % {"n": r["draft_version"], "outcome": r["outcome_label"],
                       "who": _name(r["reviewed_by"]), "when": _text(r["reviewed_at"])})
        if r["risk_statement"]:
            pdf.field(_("Legal risk stated"), r["risk_statement"], indent=6)
    for c in record["counsel_opinions"]:
        pdf.line_of(_("Legal adviser %(counsel)s on version %(n)s (Art. 28): %(opinion)s")
                    % {"counsel": c["counsel"], "n": c["draft_version"],
                       "opinion": c["opinion"]})


def _meetings(pdf: SummaryDocument, record: dict) -> None:
    if not record["meetings"]:
        return
    pdf.heading(_("Collective decision"))
    for m in record["meetings"]:
        pdf.line_of(_("%(kind)s on %(date)s, on version %(n)s")
                    % {"kind": m["kind_label"], "date": _text(m["meeting_date"]),
                       "n": m["draft_version"]})
        for absence in m.get("absent", []):
            pdf.line_of(_("%(name)s: absent (%(reason)s)")
                        % {"name": _name(absence["member"]), "reason": absence["reason"]},
                        indent=6)
        for position in m["positions"]:
            reason = f"（{position['reason']}）" if position["reason"] else ""
            pdf.line_of(f"{_name(position['member'])}：{position['position_label']}{reason}",
                        indent=6)
        pdf.line_of(_("The head, %(head)s, speaking last: %(decision)s")
                    % {"head": _name(m["head"]), "decision": m["head_decision_label"]},
                    indent=6)
        if m["head_reason"]:
            pdf.field(_("Head's reason"), m["head_reason"], indent=6)


def _publication(pdf: SummaryDocument, record: dict) -> None:
    publication = record["publication"]
    if publication is None:
        return
    pdf.heading(_("Publication"))
    pdf.line_of(_("Published on %(date)s (version %(n)s), recorded by %(who)s")
                % {"date": _text(publication["published_on"]),
                   "n": publication["draft_version"], "who": _name(publication["recorded_by"])})
    if publication.get("party_report_on"):
        pdf.line_of(_("Reported to the Party committee on %(date)s (%(ref)s)")
                    % {"date": _text(publication["party_report_on"]),
                       "ref": publication["party_report_ref"]}, indent=6)
    pdf.field(_("Explanation of how opinions were adopted"),
              publication["adoption_explanation"], indent=6)


def _withdrawal(pdf: SummaryDocument, record: dict) -> None:
    withdrawal = record.get("withdrawal")
    if withdrawal is None:
        return
    pdf.heading(_("Withdrawal"))
    pdf.line_of(_("Withdrawn at the stage “%(stage)s” on %(date)s by %(who)s")
                % {"stage": withdrawal["stage_label"], "date": _text(withdrawal["withdrawn_at"]),
                   "who": _name(withdrawal["withdrawn_by"])})
    pdf.field(_("Reason"), withdrawal["reason"], indent=6)


def _chain(pdf: SummaryDocument, events: list) -> None:
    pdf.heading(_("Audit trail"))
    if not events:
        pdf.line_of(_("No events."))
        return
    pdf.line_of(_("%(count)d events of this decision, chain positions %(first)d to %(last)d.")
                % {"count": len(events), "first": events[0].sequence,
                   "last": events[-1].sequence})
    for label, event in ((_("First event"), events[0]), (_("Last event"), events[-1])):
        pdf.line_of(f"{label}：#{event.sequence}　{_text(event.occurred_at)}", indent=6)
        pdf.line_of(f"SHA-256：{event.hash}", indent=6, size=8.5)
    pdf.line_of(_("The export of this dossier is recorded as the next event of the chain; "
                  "it cannot be contained in the dossier it seals."), size=9)


def stage_handlers(events: list) -> dict[str, list[str]]:
    """Each stage's 经办人: the people who did its work (``STAGE_ACTS``), in the order they
    first acted. Not whoever else touched the decision then (a grant, a read, a stage change),
    nor the flow engine's task events, which name the person whose act opened the task."""
    handlers: dict[str, list[str]] = {}
    for event in events:
        if event.action not in STAGE_ACTS or event.actor is None:
            continue
        names = handlers.setdefault(event.stage, [])
        name = _name(_actor(event))
        if name not in names:
            names.append(name)
    return handlers


def _actor(event) -> dict | None:
    if event.actor is None:
        return None
    return {"name": display_name(event.actor)}


def _name(person: dict | None) -> str:
    return person["name"] if person else "—"


def _text(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
