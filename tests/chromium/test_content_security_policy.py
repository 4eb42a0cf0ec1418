"""The Content-Security-Policy in a real browser: what it blocks is caught (conftest.py fails a
test on it), and the pages outside the flow's journeys work under it: the admin, the API's
Swagger UI and the decision list's stage filter."""

import re

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.factories import PASSWORD, Journey


def test_an_injected_inline_script_and_style_are_blocked_and_caught(person, people,
                                                                     csp_violations):
    me = person(people["drafter"]).log_in()
    page = me.page
    page.evaluate("""() => {
        const script = document.createElement('script');
        script.textContent = 'window.injected = true';
        document.body.appendChild(script);
        const style = document.createElement('style');
        style.textContent = 'body { background: red }';
        document.head.appendChild(style);
    }""")
    expect(page.locator("body")).not_to_have_css("background-color", "rgb(255, 0, 0)")
    assert page.evaluate("() => window.injected") is None
    page.wait_for_function("() => true")
    directives = " ".join(csp_violations)
    assert "script-src-elem" in directives and "style-src-elem" in directives, csp_violations
    csp_violations.clear()  # caught as they should be: not a failure of this test


def test_the_decision_list_filter_applies_itself(person, people):
    Journey(people)
    me = person(people["office"]).log_in()
    page = me.page
    page.goto("/")  # the dashboard: every decision the office may read
    page.locator("form.juece-filter select").select_option("initiation")
    expect(page).to_have_url(re.compile(r"[?&]stage=initiation"))
    me.shot("decisions-filtered")


def test_the_admin_and_the_api_docs_work_under_the_policy(person, db):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.test", PASSWORD)
    me = person(admin)
    page = me.page
    page.goto("/admin/login/")
    page.locator("#id_username").fill("admin")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator("#site-name")).to_be_visible()
    page.goto("/admin/auth/user/")
    expect(page.locator("#result_list")).to_contain_text("admin")
    me.shot("admin-users")

    page.goto("/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("juece API")
    page.locator(".opblock-tag", has_text="decisions").first.wait_for()
    me.shot("api-docs")
