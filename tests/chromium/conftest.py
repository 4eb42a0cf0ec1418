"""Chromium (Debian's, driven by Playwright) against a live server on PostgreSQL.

Every test here is marked ``browser`` and ``postgres``. Without ``/usr/bin/chromium`` (or
``JUECE_CHROMIUM``) the tests skip saying why, unless ``JUECE_REQUIRE_BROWSER=1`` (set by
``.ci/run``), where a missing browser fails them. Each test saves a screenshot per step under
``test-artifacts/browser/<test name>/``.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from .people import Person

CHROMIUM = os.environ.get("JUECE_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are ordinary synchronous calls, not made from a coroutine.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    """Mark the browser tests and run them last: Playwright's driver thread and event loop stay up
    for the rest of the session, and a test that forks processes must not inherit them."""
    here = Path(__file__).parent
    missing = not (os.path.exists(CHROMIUM) and _has_playwright())
    in_browser = [item for item in items if here in Path(str(item.fspath)).parents]
    items[:] = [item for item in items if item not in in_browser] + in_browser
    for item in in_browser:
        item.add_marker(pytest.mark.browser)
        item.add_marker(pytest.mark.postgres)
        if missing and os.environ.get("JUECE_REQUIRE_BROWSER") != "1":
            item.add_marker(pytest.mark.skip(
                reason=f"needs Chromium at {CHROMIUM} and the playwright package "
                       "(apt-get install chromium fonts-noto-cjk)"))


def _has_playwright() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"JUECE_REQUIRE_BROWSER=1 but there is no Chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--lang=zh-CN"])
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def official_calendar(transactional_db):
    """A live-server test starts from a flushed database: load the holidays again."""
    from decisions.calendar.official import load_official_calendar

    load_official_calendar()


@pytest.fixture
def town(db):
    """The town's people, one per role, named as the demo names them."""
    from tests.factories import make_user

    return {
        "drafter": make_user("drafter", "drafter", "王建国"),
        "office": make_user("office", "office", "李秀英"),
        "reviewer": make_user("reviewer", "reviewer", "张明"),
        "counsel": make_user("counsel", "counsel", "林晓燕"),
        "expert": make_user("expert", "expert", "陈志强"),
        "expert2": make_user("expert2", "expert", "刘芳"),
        "risk_assessor": make_user("risk_assessor", "risk_assessor", "赵磊"),
        "member1": make_user("member1", "member", "孙丽"),
        "member2": make_user("member2", "member", "周杰"),
        "secretary": make_user("secretary", "secretary", "郑敏"),
        "head": make_user("head", "head", "黄志明"),
    }


@pytest.fixture
def artifacts(request) -> Path:
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


# Every page reports what its Content-Security-Policy blocked (config/settings/base.py): the
# browser fires securitypolicyviolation in the page, which this script writes to the console.
CSP_REPORTER = """
document.addEventListener('securitypolicyviolation', function (event) {
  console.error('CSP violation: ' + event.effectiveDirective + ' blocked '
                + (event.blockedURI || 'inline') + ' in ' + (event.sourceFile || event.documentURI)
                + ':' + event.lineNumber + ' ' + (event.sample || ''));
});
"""


@pytest.fixture
def csp_violations() -> list[str]:
    """What the policy blocked in any page of the test's browsers: a test fails on any."""
    return []


@pytest.fixture
def person(chromium, live_server, artifacts, csp_violations):
    """``person(user)``: a fresh browser context for that user, not yet logged in. The test
    fails, after it ran, if the Content-Security-Policy blocked anything in any of its pages."""
    contexts = []
    counter = [0]

    def on_console(message):
        if message.text.startswith("CSP violation") or "Content Security Policy" in message.text:
            csp_violations.append(f"{message.page.url if message.page else '?'}: {message.text}")

    def open_as(user, *, viewport=DESKTOP) -> Person:
        context = chromium.new_context(locale="zh-CN", viewport=viewport,
                                       base_url=live_server.url, accept_downloads=True)
        context.set_default_timeout(15_000)
        context.add_init_script(CSP_REPORTER)
        context.on("console", on_console)
        contexts.append(context)
        return Person(user=user, page=context.new_page(), folder=artifacts, counter=counter)

    yield open_as
    for context in contexts:
        context.close()
    if csp_violations:
        pytest.fail("The Content-Security-Policy blocked something:\n" + "\n".join(csp_violations))
