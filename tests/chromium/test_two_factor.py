"""Two-step verification in the browser (issue 11): with JUECE_REQUIRE_2FA on, the reviewer's
first login takes him to set it up; he reads the secret off the page as he would type it into
his authenticator app, enters its code and reaches his inbox. He logs out; the next login asks
for the code. On a desktop and on a 390 px phone, in Chinese."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from decisions.models import AuditEvent
from tests.factories import PASSWORD

from .conftest import DESKTOP, PHONE


def code_for(secret: str, *, steps: int = 0) -> str:
    """What an authenticator app shows for the secret typed in (``steps`` periods ahead)."""
    letters = re.sub(r"\s", "", secret)
    key = b32decode(letters + "=" * (-len(letters) % 8))
    return f"{totp(key, drift=steps):06d}"


def fits_the_screen(page) -> None:
    """Nothing of the page runs past the right edge of the screen, nothing is cut off."""
    overflow = page.evaluate(
        "() => { const w = document.documentElement.clientWidth; return Array.from("
        "document.querySelectorAll('.vf-page-lockscreen__sidebar *, main *')).filter(e => {"
        " const r = e.getBoundingClientRect(); return r.width > 0 && r.right > w + 1; })"
        ".map(e => e.tagName + '.' + e.className).slice(0, 5); }")
    assert overflow == [], overflow


def open_user_menu(me, phone: bool) -> None:
    page = me.page
    if phone:
        page.get_by_role("button", name="打开导航菜单").click()
    page.locator(".vf-page__menu-toggle-button").click()
    expect(page.get_by_role("link", name="两步验证")).to_be_visible()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_reviewer_sets_up_two_step_verification_then_is_asked_for_the_code(
        person, town, settings, viewport):
    settings.JUECE_REQUIRE_2FA = True
    phone = viewport is PHONE
    me = person(town["reviewer"], viewport=viewport)
    page = me.page

    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("reviewer")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("登录")).click()
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/enrol/"))
    expect(page.get_by_text("您的角色须使用两步验证")).to_be_visible()
    qr = page.get_by_role("img", name="供身份验证器应用扫描的二维码")
    expect(qr).to_be_visible()
    page.wait_for_function("() => { const img = document.querySelector('.juece-two-factor-qr');"
                           " return img.complete && img.naturalWidth > 0; }")  # drawn
    secret_on_page = page.locator(".juece-two-factor-secret")
    expect(secret_on_page).to_be_visible()
    secret = secret_on_page.inner_text()  # what he types into the app
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4}){7}", secret), secret
    fits_the_screen(page)
    me.shot("enrol")

    page.get_by_label("验证码").fill("000000" if code_for(secret) != "000000" else "111111")
    page.get_by_role("button", name="确认并启用").click()
    expect(page.get_by_text("验证码不符")).to_be_visible()
    assert not TOTPDevice.objects.exists()
    me.shot("enrol-wrong-code")

    page.get_by_label("验证码").fill(code_for(secret))
    page.get_by_role("button", name="确认并启用").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/"))
    assert TOTPDevice.objects.get(user=town["reviewer"]).confirmed
    open_inbox(me, phone)
    me.shot("inbox")

    open_user_menu(me, phone)
    me.shot("user-menu")
    page.get_by_role("link", name="两步验证").click()
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/$"))
    expect(page.get_by_text("已启用")).to_be_visible()
    expect(page.get_by_text("不能关闭")).to_be_visible()
    fits_the_screen(page)
    me.shot("own-page")

    open_user_menu(me, phone)
    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/accounts/(login|logout)/"))

    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("reviewer")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("登录")).click()
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
    expect(page.get_by_text("密码正确")).to_be_visible()
    fits_the_screen(page)
    me.shot("verify")
    # The code of the enrolment was taken once; the app's next one is.
    page.get_by_label("验证码").fill(code_for(secret, steps=1))
    page.get_by_role("button", name="验证", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/"))
    open_inbox(me, phone)
    me.shot("inbox-again")
    assert AuditEvent.objects.filter(action="otp_device_confirmed").count() == 1
    assert AuditEvent.objects.filter(action="otp_verified").count() == 1


def open_inbox(me, phone: bool) -> None:
    if not phone:
        me.open_inbox()
        return
    page = me.page
    page.get_by_role("button", name="打开导航菜单").click()
    page.get_by_role("link", name=re.compile("^待办")).click()
    expect(page).to_have_url(re.compile(r"/inbox/"))


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_drafter_turns_it_on_of_his_own_accord_and_off_again(person, town, viewport):
    """Not required of his role: from the user menu, in the site's frame; off with a code."""
    phone = viewport is PHONE
    me = person(town["drafter"], viewport=viewport).log_in()
    page = me.page
    open_user_menu(me, phone)
    page.get_by_role("link", name="两步验证").click()
    expect(page.locator(".juece-two-factor-status")).to_contain_text("未启用")
    me.shot("own-page-off")
    page.get_by_role("link", name="设置两步验证").click()
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/enrol/"))
    page.wait_for_function("() => { const img = document.querySelector('.juece-two-factor-qr');"
                           " return img.complete && img.naturalWidth > 0; }")
    secret = page.locator(".juece-two-factor-secret").inner_text()
    fits_the_screen(page)
    me.shot("enrol")
    page.get_by_label("验证码").fill(code_for(secret))
    page.get_by_role("button", name="确认并启用").click()
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/$"))
    expect(page.locator(".juece-two-factor-status")).to_contain_text("已启用")
    expect(page.locator(".mdc-snackbar__label")).to_contain_text("两步验证已启用")
    me.shot("own-page-on")

    page.get_by_label("验证码").fill(code_for(secret, steps=1))
    page.get_by_role("button", name="关闭两步验证").click()
    expect(page.locator(".juece-two-factor-status")).to_contain_text("未启用")
    assert not TOTPDevice.objects.exists()
    me.shot("own-page-off-again")
    assert AuditEvent.objects.filter(action="otp_device_removed").count() == 1
