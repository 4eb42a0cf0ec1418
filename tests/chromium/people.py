"""A person at a browser: logs in through the form, clicks, fills visible controls, and keeps a
screenshot of every step."""

import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD


@dataclass
class Person:
    user: object
    page: Page
    folder: Path
    counter: list = field(default_factory=lambda: [0])

    def shot(self, name: str) -> Path:
        """Save the page as it looks now, numbered in the order of the test's steps."""
        self.counter[0] += 1
        slug = re.sub(r"[^\w-]+", "-", f"{self.user.username}-{name}").strip("-")
        path = self.folder / f"{self.counter[0]:02d}-{slug}.png"
        self.page.screenshot(path=path, full_page=True)
        return path

    def log_in(self) -> "Person":
        page = self.page
        page.goto("/accounts/login/")
        page.get_by_label("用户名").fill(self.user.username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name=re.compile("登录")).click()
        page.wait_for_load_state()
        expect(page).not_to_have_url(re.compile("/accounts/login/"))
        return self

    def open_inbox(self) -> None:
        self.page.goto("/")
        self.page.get_by_role("link", name=re.compile("^待办")).first.click()
        expect(self.page).to_have_url(re.compile(r"/inbox/"))

    def open_queue(self) -> None:
        self.page.goto("/")
        self.page.get_by_role("link", name=re.compile("^待认领")).first.click()
        expect(self.page).to_have_url(re.compile(r"/queue/"))

    def open_task(self, title: str) -> None:
        """Open the first task in the inbox or queue whose row names ``title``."""
        row = self.page.locator("tr", has_text=title).first
        before = self.page.url
        row.get_by_role("link").first.click()
        expect(self.page).not_to_have_url(before)

    def submit(self) -> None:
        self.page.get_by_role("button", name="提交").click()
        self.page.wait_for_load_state()

    # Controls as viewflow's Material frontend draws them.

    def fill(self, label: str, text: str) -> None:
        self.page.get_by_label(label, exact=True).fill(text)

    def choose(self, label: str, option: str, *, within=None) -> None:
        """A Material select: open it by its label (its name goes on with the chosen option),
        click the option in its own list (another select's list may still be closing).
        ``within`` narrows the search to part of the page, e.g. one row of a formset."""
        field = (within or self.page).locator("vf-field-select").filter(
            has=self.page.get_by_role("button", name=re.compile("^" + re.escape(label))))
        field.get_by_role("button").click()
        field.get_by_role("option", name=option, exact=True).click()

    def pick(self, option: str) -> None:
        """A radio button or checkbox by its visible label."""
        self.page.get_by_label(option, exact=True).check()
