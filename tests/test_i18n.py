"""Chinese by default, English on request: a Chinese user meets no English on a journey's pages.

Every page a decision passes through is rendered as the logged-in user who works on it, once in
the default language and once asking for ``zh-hans``; the visible text (what a reader sees,
including tooltips, placeholders, option and button labels) must hold no English word.
"""

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

import config.urls  # noqa: F401  (builds the site's URL patterns, so flow nodes can reverse)
from decisions.models import Decision
from decisions.rulebook import Stage
from workflows import actions
from workflows.flows import DecisionFlow
from workflows.views import StageFormView

from .factories import PASSWORD, Journey, open_task
from .http_client import decision_url, task_url

#: Words a Chinese page may show besides the test users' logins and e-mail addresses (data).
ALLOWED = {
    "SHA",  # SHA-256, the digest sealing each draft version
    "IP",  # IP地址, the audit trail's record of where an act came from
    "English",  # the language switch offers English by its own name
}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

#: Attributes whose values are shown to the reader (tooltips, placeholders, alternative text).
VISIBLE_ATTRIBUTES = ("placeholder", "title", "alt", "aria-label")
#: viewflow's Material fields are custom elements that draw their label, help and error text.
FIELD_ATTRIBUTES = ("label", "help-text", "error")
#: Elements whose content is not prose: code, styles, scripts.
SKIPPED_ELEMENTS = {"script", "style", "code", "template"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                 "param", "source", "track", "wbr"}
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")

CHINESE_CLIENTS = {
    "default language": {},
    "Accept-Language: zh-hans": {"HTTP_ACCEPT_LANGUAGE": "zh-hans"},
}


class VisibleText(HTMLParser):
    """The text a reader sees: content outside code, scripts and icon glyphs, plus the labels,
    tooltips, placeholders and option labels that elements draw from their attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, is its content hidden from the reader?) per open element
        self.parts = []

    def hidden(self) -> bool:
        return any(flag for _tag, flag in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        # An icon's content is a glyph name (a ligature), not text; its tooltip is text.
        is_icon = any(c.startswith("material-icons") for c in attrs.get("class", "").split())
        if not self.hidden() and attrs.get("type") != "hidden":
            self.parts.extend(attrs.get(name, "") for name in VISIBLE_ATTRIBUTES)
            if "-" in tag:  # vf-field-*, md-outlined-text-field
                self.parts.extend(attrs.get(name, "") for name in FIELD_ATTRIBUTES)
                self.parts.extend(_option_labels(attrs.get("optgroups", "")))
                if "disabled" in attrs:  # a read-only field shows its value
                    self.parts.append(attrs.get("value", ""))
            if tag == "input" and attrs.get("type") in {"submit", "button", "reset"}:
                self.parts.append(attrs.get("value", ""))
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, tag in SKIPPED_ELEMENTS or is_icon))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.stack.pop()

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        if not self.hidden():
            self.parts.append(data)


def _option_labels(optgroups: str) -> list[str]:
    """The labels of a viewflow select's options, which it carries as JSON in an attribute."""
    if not optgroups:
        return []
    return [str(group["options"].get("label", "")) for group in json.loads(optgroups)]


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def english_words(html: str, logins: list[str]) -> list[str]:
    """English words of the visible text, less e-mail addresses, the allowed words and the
    logins where they stand as names (not, say, as a quoted key of leaked data)."""
    text = EMAIL.sub(" ", visible_text(html))
    for login in logins:
        text = re.sub(rf"(?<![\w'\"]){re.escape(login)}(?![\w'\"])", " ", text)
    return sorted(set(ENGLISH_WORD.findall(text)) - ALLOWED)


class Pages:
    """Renders each page for every Chinese client, keeping the HTML under a page name."""

    def __init__(self, people):
        self.people = people
        self.rendered = {}  # (page, client) -> html
        self.clients = {}

    def client(self, role: str, header_set: str) -> Client:
        key = (role, header_set)
        if key not in self.clients:
            client = Client(**CHINESE_CLIENTS[header_set])
            if role != "anonymous":
                assert client.login(username=self.people[role].username, password=PASSWORD)
            self.clients[key] = client
        return self.clients[key]

    def get(self, page: str, role: str, url: str):
        for header_set in CHINESE_CLIENTS:
            response = self.client(role, header_set).get(url)
            assert response.status_code == 200, f"{page} as {role}: {response.status_code}"
            self.rendered[(page, header_set)] = response.content.decode("utf-8")
        return response

    def post(self, page: str, role: str, url: str, data: dict, header_set: str):
        """A form posted once, as a browser would; the page it leads to shows the message."""
        response = self.client(role, header_set).post(url, data, follow=True)
        assert response.redirect_chain, f"{page} as {role}: the form was refused"
        assert response.status_code == 200, f"{page} as {role}: {response.status_code}"
        self.rendered[(page, header_set)] = response.content.decode("utf-8")
        return response

    def task(self, page: str, journey: Journey, node_name: str, role: str):
        """A task's own pages: claimed from the queue if need be, then its detail and form."""
        user = self.people[role]
        task = open_task(journey.decision, node_name, owner=user)
        if task.owner_id is None:
            self.get(f"{page}: assign", role, task_url(task, "assign"))
            task = actions.claim_task(task, acting_user=user)
        self.get(f"{page}: task detail", role, task_url(task, "detail"))
        self.get(f"{page}: task form", role, task_url(task))
        return task


@pytest.fixture
def journey_pages(people) -> Pages:
    """Every page of a decision that passes through every stage, rendered in Chinese."""
    pages = Pages(people)
    flow = DecisionFlow.instance
    pages.get("login", "anonymous", settings.LOGIN_URL)
    pages.get("start form", "drafter", DecisionFlow.start.reverse("execute"))
    pages.get("empty inbox", "office", flow.reverse("inbox"))
    pages.get("empty queue", "office", flow.reverse("queue"))
    pages.get("empty archive", "office", flow.reverse("archive"))

    journey = Journey(people, needs_expert_input=True, needs_risk_assessment=True,
                      skip_reasons={})
    pages.task("initiation", journey, "initiation", "drafter")
    journey.submit()
    pages.get("queue", "office", flow.reverse("queue"))
    pages.task("acceptance", journey, "acceptance", "office")
    pages.get("inbox", "office", flow.reverse("inbox"))
    journey.accept()
    pages.task("public participation", journey, "public_participation", "drafter")
    pages.task("expert input", journey, "expert_input", "expert")
    pages.task("risk assessment", journey, "risk_assessment", "risk_assessor")
    journey.participate().expert_opinion().assess_risk(controllable=True)
    pages.task("legal review", journey, "legal_review", "reviewer")
    pages.get("decision page during review", "drafter", decision_url(journey.decision))
    opinion = journey.decision.expert_opinions.get()
    pages.post("expert opinion adoption recorded", "drafter",
               flow.reverse("opinion_adoption", args=[journey.decision.process_id, opinion.pk]),
               {"adoption": "adopted", "reason": "意见合理"}, "Accept-Language: zh-hans")
    journey.review("unlawful")
    pages.task("revision", journey, "revision", "drafter")
    journey.revise().review("lawful")
    pages.task("collective decision", journey, "collective_decision", "secretary")
    journey.meet("adopted")
    publication = pages.task("publication", journey, "publication", "office")
    pages.post("publication recorded", "office", task_url(publication), {
        "published_on": timezone.localdate().isoformat(),
        "party_report_on": timezone.localdate().isoformat(),
        "party_report_ref": "季家委请〔2026〕12号",
        "published_text": journey.decision.current_version.text,
        "adoption_explanation": "采纳了村民关于增加收运频次的意见。"}, "default language")
    assert Decision.objects.get(pk=journey.decision.pk).stage == Stage.ARCHIVED

    pages.get("archive", "office", flow.reverse("archive"))
    pages.get("decision list", "auditor", flow.reverse("index"))
    pages.get("decision page", "auditor", decision_url(journey.decision))
    pages.get("timeline", "auditor", flow.reverse("timeline", args=[journey.decision.process_id]))
    pages.get("audit trail search", "auditor", flow.reverse("audit_search"))
    pages.get("audit trail search, filtered", "auditor",
              flow.reverse("audit_search") + "?person=drafter&action=draft_version_create")
    return pages


def test_a_chinese_user_sees_no_english_on_a_journey(journey_pages, people):
    logins = [user.get_username() for user in people.values()]
    dump = os.environ.get("JUECE_I18N_DUMP")
    offending = {}
    for (page, header_set), html in journey_pages.rendered.items():
        if dump:
            name = re.sub(r"\W+", "_", f"{page}_{header_set}")
            Path(dump).mkdir(parents=True, exist_ok=True)
            (Path(dump) / f"{name}.html").write_text(html)
        words = english_words(html, logins)
        if words:
            offending[f"{page} ({header_set})"] = words
    assert not offending, "English words on Chinese pages:\n" + "\n".join(
        f"  {page}: {', '.join(words)}" for page, words in offending.items())


@pytest.mark.parametrize("how", ["cookie", "header"])
def test_english_on_request(people, how):
    journey = Journey(people).submit()
    client = Client(HTTP_ACCEPT_LANGUAGE="en") if how == "header" else Client()
    if how == "cookie":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.login(username=people["office"].username, password=PASSWORD)
    page = client.get(decision_url(journey.decision)).content.decode()
    assert "Current stage" in page
    assert "Acceptance" in page
    assert "当前阶段" not in page
    queue = client.get(DecisionFlow.instance.reverse("queue")).content.decode()
    assert "Accept or return the proposal" in queue
    assert "1-1 of 1" in queue


def test_success_messages_follow_the_reader_language():
    with translation.override("en"):
        assert str(StageFormView.success_message) == "Recorded."
    with translation.override("zh-hans"):
        assert str(StageFormView.success_message) != "Recorded."


def test_the_page_header_switches_the_language(people):
    from .http_client import logged_in

    client = logged_in(people["drafter"])
    page = client.get("/decision/").content.decode()
    assert 'name="language" value="en"' in page
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/decision/"})
    assert response.status_code == 302
    assert "Decisions" in client.get("/decision/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/decision/"})
    assert "English" in client.get("/decision/").content.decode()
