"""Issue 11, the second factor: a TOTP code of an authenticator app (django-otp) after the
password, for whoever set it up and, when the deployment requires it (JUECE_REQUIRE_2FA), for
the roles of JUECE_2FA_ROLES, staff and superusers (workflows/accounts/two_factor*.py,
docs/security.md)."""

import datetime
import re
from base64 import b32decode

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.checks import run_checks
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from config.settings import base
from decisions.audit import verify_chain
from decisions.models import AuditEvent
from workflows.accounts import two_factor

from .factories import PASSWORD, make_user
from .test_i18n import english_words

START = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)
LOGIN_URL = "/accounts/login/"
VERIFY_URL = "/accounts/two-factor/verify/"
ENROL_URL = "/accounts/two-factor/enrol/"
QR_URL = "/accounts/two-factor/enrol/qr.svg"
PAGE_URL = "/accounts/two-factor/"
REMOVE_URL = "/accounts/two-factor/remove/"
TOKEN_URL = "/api/v1/auth/token/"
COVERED = ["reviewer", "counsel", "head", "auditor"]
UNCOVERED = ["drafter", "office", "expert", "risk_assessor", "member", "secretary"]


@pytest.fixture
def clock():
    """The clock stands still at START and is moved by hand: a TOTP code changes every 30 s
    and a device takes each time step's code only once."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def required(settings):
    settings.JUECE_REQUIRE_2FA = True


def code(key: bytes, *, steps: int = 0) -> str:
    """The code an authenticator app shows now (or ``steps`` periods from now)."""
    return f"{totp(key, drift=steps):06d}"


def wrong_code(key: bytes) -> str:
    """A six-digit code that is none of the three the device takes now."""
    taken = {code(key, steps=n) for n in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in taken)


def log_in(username: str, client=None) -> Client:
    client = client or Client()
    response = client.post(LOGIN_URL, {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client


def enrol(client: Client) -> TOTPDevice:
    """Through the enrolment page: its secret as the user would type it, then the code."""
    page = client.get(ENROL_URL)
    assert page.status_code == 200
    response = client.post(ENROL_URL, {"otp_token": code(secret_of(page))})
    assert response.status_code == 302, response.content[:800]
    return TOTPDevice.objects.get(user_id=client.session["_auth_user_id"])


def secret_of(page) -> bytes:
    """The key as the enrolment page writes it for typing in (base32 in groups of four)."""
    text = re.search(r'class="juece-two-factor-secret">([A-Z2-7 ]+)<', page.content.decode())
    assert text, "the enrolment page shows the secret as text"
    letters = text.group(1).replace(" ", "")
    return b32decode(letters + "=" * (-len(letters) % 8))


def device_for(user) -> TOTPDevice:
    """A confirmed device, as an enrolment leaves it (before its first code)."""
    return TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=True)


def verified(username: str, device: TOTPDevice) -> Client:
    client = log_in(username)
    response = client.post(VERIFY_URL, {"otp_token": code(device.bin_key)})
    assert response.status_code == 302, response.content[:500]
    return client


def reaches_the_app(client: Client) -> bool:
    return client.get("/decision/").status_code == 200


# Settings


def test_the_deployment_defaults_leave_it_optional():
    assert base.JUECE_REQUIRE_2FA is False
    assert base.JUECE_2FA_ROLES == ["reviewer", "counsel", "head", "auditor"]
    assert "workflows.apps.TwoFactorDevicesConfig" in base.INSTALLED_APPS  # otp_totp
    middleware = base.MIDDLEWARE
    assert (middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
            < middleware.index("django_otp.middleware.OTPMiddleware")
            < middleware.index("workflows.accounts.two_factor_gate.SecondFactorMiddleware"))
    assert "otp_token" in base.AXES_SENSITIVE_PARAMETERS


def test_an_unknown_role_in_the_setting_fails_the_system_check(settings):
    settings.JUECE_2FA_ROLES = ["reviewer", "reveiwer"]
    errors = [e for e in run_checks() if e.id == "juece.E030"]
    assert errors and "reveiwer" in errors[0].msg


@pytest.mark.parametrize("role", COVERED + UNCOVERED)
def test_off_by_default_nobody_is_asked_for_a_code(people, role):
    client = log_in(role)
    assert reaches_the_app(client)
    assert client.get("/admin/").status_code in (200, 302)
    assert not TOTPDevice.objects.exists()


# Required


@pytest.mark.parametrize("role", COVERED)
def test_when_required_a_covered_role_reaches_nothing_before_enrolling(people, required, role):
    client = log_in(role)
    for url in ("/", "/decision/inbox/", "/admin/", "/api/v1/docs/", "/accounts/password_change/",
                PAGE_URL, "/no-such-page/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(ENROL_URL + "?next="), url
    api = client.get("/api/v1/decisions/")
    assert api.status_code == 403
    assert api.json()["code"] == "otp_enrolment_required" and api.json()["detail"]
    # The ways out and the pages every page needs stay open.
    assert client.get(ENROL_URL).status_code == 200
    assert client.get(QR_URL).status_code == 200
    assert client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"}).status_code == 302
    assert client.get("/jsi18n/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("kind", ["staff", "superuser"])
def test_staff_and_superusers_are_always_covered(db, required, kind):
    User = get_user_model()
    if kind == "superuser":
        User.objects.create_superuser("root", "root@example.test", PASSWORD)
    else:
        User.objects.create_user("clerk", "clerk@example.test", PASSWORD, is_staff=True)
    client = Client()
    username = "root" if kind == "superuser" else "clerk"
    assert client.post("/admin/login/", {"username": username, "password": PASSWORD,
                                         "next": "/admin/"}).status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(ENROL_URL)


@pytest.mark.parametrize("role", UNCOVERED)
def test_when_required_other_roles_are_not_affected(people, required, role):
    client = log_in(role)
    assert reaches_the_app(client)
    assert client.get("/api/v1/decisions/").status_code == 200


def test_the_roles_are_a_setting(people, required, settings):
    settings.JUECE_2FA_ROLES = ["drafter"]
    assert not reaches_the_app(log_in("drafter"))
    assert reaches_the_app(log_in("reviewer"))


# Enrolment and verification


def test_the_reviewer_enrols_then_every_login_asks_for_the_code(people, required, clock):
    client = log_in("reviewer")
    first = client.get("/decision/inbox/")
    assert first["Location"] == ENROL_URL + "?next=%2Fdecision%2Finbox%2F"
    page = client.get(first["Location"])
    body = page.content.decode()
    assert 'src="/accounts/two-factor/enrol/qr.svg"' in body and "reviewer" in body
    key = secret_of(page)
    assert client.get(ENROL_URL).content.decode().count(page.context["secret"]) == 1  # the same

    qr = client.get(QR_URL)
    assert qr["Content-Type"].startswith("image/svg+xml")
    assert qr.content.startswith(b"<svg") and b"<script" not in qr.content
    assert "no-store" in qr["Cache-Control"]

    wrong = client.post(ENROL_URL, {"otp_token": wrong_code(key),
                                    "next": "/decision/inbox/"})
    assert wrong.status_code == 200 and "验证码不符" in wrong.content.decode()
    assert not TOTPDevice.objects.exists()

    confirmed = client.post(ENROL_URL, {"otp_token": code(key), "next": "/decision/inbox/"})
    assert confirmed.status_code == 302 and confirmed["Location"] == "/decision/inbox/"
    device = TOTPDevice.objects.get(user=people["reviewer"])
    assert device.confirmed and device.bin_key == key
    assert client.get("/decision/inbox/").status_code == 200
    assert client.get(QR_URL).status_code == 404  # the key is no longer shown anywhere

    event = AuditEvent.objects.get(action="otp_device_confirmed")
    assert event.actor == people["reviewer"]
    assert event.after == {"username": "reviewer", "device": device.name, "required": True}
    assert device.key not in str(event.after) and device.key not in str(event.before)

    client.post("/accounts/logout/")
    clock.shift(datetime.timedelta(seconds=30))
    again = log_in("reviewer", client)
    asked = again.get("/")
    assert asked["Location"] == VERIFY_URL + "?next=%2F"
    page = again.get(asked["Location"])
    assert page.status_code == 200 and "验证码" in page.content.decode()
    refused = again.post(VERIFY_URL, {"otp_token": wrong_code(key), "next": "/"})
    assert refused.status_code == 200 and "验证码不正确" in refused.content.decode()
    assert again.get("/").status_code == 302
    clock.shift(datetime.timedelta(seconds=2))  # the device's wait after a wrong code
    accepted = again.post(VERIFY_URL, {"otp_token": code(key), "next": "/decision/inbox/"})
    assert accepted.status_code == 302 and accepted["Location"] == "/decision/inbox/"
    assert reaches_the_app(again)
    assert AuditEvent.objects.filter(action="otp_verified", actor=people["reviewer"]).count() == 1
    assert verify_chain().ok


def test_a_code_is_taken_once(people, clock):
    device = device_for(people["reviewer"])
    used = code(device.bin_key)
    first = log_in("reviewer")
    assert first.post(VERIFY_URL, {"otp_token": used}).status_code == 302
    second = log_in("reviewer")
    assert second.post(VERIFY_URL, {"otp_token": used}).status_code == 200  # replayed
    assert not reaches_the_app(second)


def test_the_verified_session_gets_a_new_key(people, clock):
    device = device_for(people["head"])
    client = log_in("head")
    before = client.session.session_key
    client.post(VERIFY_URL, {"otp_token": code(device.bin_key)})
    assert client.session.session_key != before


def test_next_goes_nowhere_but_this_site(people, clock):
    device = device_for(people["head"])
    client = log_in("head")
    response = client.post(VERIFY_URL, {"otp_token": code(device.bin_key),
                                        "next": "https://evil.example/"})
    assert response["Location"] == "/"


@pytest.mark.parametrize("role", ["drafter", "member"])
def test_anyone_may_enrol_of_his_own_accord_from_the_user_menu(people, role, clock):
    client = log_in(role)
    home = client.get("/decision/inbox/").content.decode()
    assert f'href="{PAGE_URL}"' in home and "两步验证" in home
    page = client.get(PAGE_URL).content.decode()
    assert "未启用" in page and f'href="{ENROL_URL}"' in page
    enrolment = client.get(ENROL_URL)
    assert "vf-page__menu" in enrolment.content.decode()  # in the site's frame, with its menu
    response = client.post(ENROL_URL, {"otp_token": code(secret_of(enrolment))})
    assert response.status_code == 302 and response["Location"] == PAGE_URL
    assert "已启用" in client.get(PAGE_URL).content.decode()
    assert reaches_the_app(client)

    clock.shift(datetime.timedelta(seconds=30))
    later = log_in(role)
    assert later.get("/")["Location"].startswith(VERIFY_URL)


def test_the_enrolment_is_not_offered_twice(people, clock):
    device = device_for(people["drafter"])
    client = verified("drafter", device)
    assert client.get(ENROL_URL)["Location"] == PAGE_URL
    assert client.get(QR_URL).status_code == 404
    assert TOTPDevice.objects.count() == 1


# Wrong codes: django-axes' lockout and django-otp's throttle


def test_thirty_wrong_codes_do_not_let_the_thirty_first_succeed(people, clock):
    device = device_for(people["reviewer"])
    client = log_in("reviewer")
    key = device.bin_key
    responses = [client.post(VERIFY_URL, {"otp_token": wrong_code(key)}) for _ in range(30)]
    assert [r.status_code for r in responses[:9]] == [200] * 9
    assert {r.status_code for r in responses[9:]} == {429}
    assert "登录失败次数过多" in responses[-1].content.decode()
    right = client.post(VERIFY_URL, {"otp_token": code(key)})
    assert right.status_code == 429
    assert not reaches_the_app(client)
    # A fresh password login is locked too: the code's failures are the login's.
    assert Client().post(LOGIN_URL, {"username": "reviewer",
                                     "password": PASSWORD}).status_code == 429

    lockouts = AuditEvent.objects.filter(action="login_locked_out")
    assert lockouts.count() == 1
    assert lockouts.get().after == {"username": "reviewer", "failures": 10, "path": VERIFY_URL}
    assert not AuditEvent.objects.filter(action__in=["login_failed", "otp_verified"]).exists()
    failures = AccessFailureLog.objects.filter(username="reviewer", path_info=VERIFY_URL)
    assert failures.exists()
    assert not any(wrong_code(key) in a.post_data for a in AccessAttempt.objects.all())

    # The administrator lifts the lockout (deletes the access attempts): the code works again.
    AccessAttempt.objects.all().delete()
    clock.shift(datetime.timedelta(seconds=60))
    assert client.post(VERIFY_URL, {"otp_token": code(key)}).status_code == 302
    assert reaches_the_app(client)
    assert verify_chain().ok


def test_the_device_waits_longer_after_each_wrong_code_even_for_the_right_one(people, clock):
    """django-otp's throttle, beneath axes' lockout: the device takes no code for 1, 2, 4, 8
    seconds after 1-4 wrong ones, whichever address they came from; a right code resets it."""
    device = device_for(people["auditor"])
    client = log_in("auditor")
    for wait in (1, 2, 4):
        client.post(VERIFY_URL, {"otp_token": wrong_code(device.bin_key)})
        clock.shift(datetime.timedelta(seconds=wait))
    elsewhere = log_in("auditor", Client(REMOTE_ADDR="192.0.2.7"))
    elsewhere.post(VERIFY_URL, {"otp_token": wrong_code(device.bin_key)})
    refused = client.post(VERIFY_URL, {"otp_token": code(device.bin_key)})
    assert refused.status_code == 200
    assert "8 秒后" in refused.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 4
    clock.shift(datetime.timedelta(seconds=8))
    assert client.post(VERIFY_URL, {"otp_token": code(device.bin_key)}).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


# Removal


def test_the_owner_removes_his_device_only_with_a_current_code(people, clock):
    device = device_for(people["drafter"])
    client = verified("drafter", device)
    clock.shift(datetime.timedelta(seconds=30))
    page = client.get(PAGE_URL).content.decode()
    assert "关闭两步验证" in page
    wrong = client.post(REMOVE_URL, {"otp_token": wrong_code(device.bin_key)})
    assert wrong.status_code == 200 and "验证码不正确" in wrong.content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert client.post(REMOVE_URL, {"otp_token": ""}).status_code == 200
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    clock.shift(datetime.timedelta(seconds=2))  # the device's wait after a wrong code

    removed = client.post(REMOVE_URL, {"otp_token": code(device.bin_key)})
    assert removed.status_code == 302 and removed["Location"] == PAGE_URL
    assert not TOTPDevice.objects.exists()
    assert reaches_the_app(client)
    event = AuditEvent.objects.get(action="otp_device_removed")
    assert event.actor == people["drafter"]
    assert event.after == {"username": "drafter", "reason": "by_owner"}
    assert event.before["device"] == device.name and device.key not in str(event.before)

    clock.shift(datetime.timedelta(seconds=30))
    assert reaches_the_app(log_in("drafter"))  # the password alone again


def test_removal_is_refused_while_the_deployment_requires_it(people, required, clock):
    device = device_for(people["counsel"])
    client = verified("counsel", device)
    clock.shift(datetime.timedelta(seconds=30))
    page = client.get(PAGE_URL).content.decode()
    assert "不能关闭" in page and REMOVE_URL not in page
    refused = client.post(REMOVE_URL, {"otp_token": code(device.bin_key)})
    assert refused.status_code == 200
    assert "您的角色须使用两步验证" in refused.content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not AuditEvent.objects.filter(action="otp_device_removed").exists()


# The API's token exchange


def exchange(username: str, **extra) -> object:
    return APIClient().post(TOKEN_URL, {"username": username, "password": PASSWORD, **extra},
                            format="json")


def test_the_token_exchange_asks_the_code_of_a_user_with_a_device(people, clock):
    device = device_for(people["head"])
    missing = exchange("head")
    assert missing.status_code == 400
    assert missing.json()["code"] == "otp_required" and missing.json()["detail"]
    blank = exchange("head", otp_token="")
    assert blank.json()["code"] == "otp_required"
    wrong = exchange("head", otp_token=wrong_code(device.bin_key))
    assert wrong.status_code == 400 and wrong.json()["code"] == "otp_invalid"
    assert not AuditEvent.objects.filter(action="login").exists()
    clock.shift(datetime.timedelta(seconds=2))  # the device's wait after a wrong code

    right = exchange("head", otp_token=code(device.bin_key))
    assert right.status_code == 200 and right.json()["token"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {right.json()['token']}")
    assert api.get("/api/v1/decisions/").status_code == 200
    assert AuditEvent.objects.filter(action="otp_verified", actor=people["head"]).count() == 1
    # The same code does not buy a second token.
    assert exchange("head", otp_token=code(device.bin_key)).json()["code"] == "otp_invalid"


def test_the_token_exchange_refuses_a_required_user_without_a_device(people, required):
    refused = exchange("auditor")
    assert refused.status_code == 403
    assert refused.json()["code"] == "otp_enrolment_required" and refused.json()["detail"]
    assert exchange("drafter").status_code == 200  # not a covered role


def test_the_token_exchange_is_unchanged_for_a_user_without_a_device(people):
    assert exchange("reviewer").status_code == 200
    assert exchange("reviewer", otp_token="123456").status_code == 200  # nothing to check


def test_a_wrong_password_with_a_code_is_the_usual_400(people, clock):
    device = device_for(people["head"])
    response = APIClient().post(TOKEN_URL, {"username": "head", "password": "wrong-guess-1",
                                            "otp_token": code(device.bin_key)}, format="json")
    assert response.status_code == 400 and "non_field_errors" in response.json()


def test_thirty_wrong_codes_lock_the_token_exchange(people, clock):
    device = device_for(people["head"])
    client = APIClient()
    for n in range(30):
        response = client.post(TOKEN_URL, {"username": "head", "password": PASSWORD,
                                           "otp_token": wrong_code(device.bin_key)},
                               format="json")
        assert response.status_code == (400 if n < 9 else 429), n
    assert response.json()["code"] == "login_locked_out"
    right = client.post(TOKEN_URL, {"username": "head", "password": PASSWORD,
                                    "otp_token": code(device.bin_key)}, format="json")
    assert right.status_code == 429 and "token" not in right.json()
    assert AuditEvent.objects.filter(action="login_locked_out").count() == 1


def test_a_session_that_owes_its_code_is_refused_by_the_api(people, clock):
    device_for(people["reviewer"])
    client = log_in("reviewer")
    response = client.get("/api/v1/decisions/")
    assert response.status_code == 403 and response.json()["code"] == "otp_required"
    assert client.get("/api/v1/docs/")["Location"].startswith(VERIFY_URL)
    assert AuditEvent.objects.filter(action="access_refused", actor=people["reviewer"]).exists()


# The admin


@pytest.fixture
def admin_client(db, clock):
    """A superuser who has set up two-step verification and entered his code."""
    admin = get_user_model().objects.create_superuser("root", "root@example.test", PASSWORD)
    return verified("root", device_for(admin))


def test_the_admin_never_shows_a_device_key_or_qr_code(people, admin_client, clock):
    device = device_for(people["reviewer"])
    secret = re.sub(r"\s", "", two_factor.secret_text(device))
    for url in ("/admin/", "/admin/otp_totp/totpdevice/",
                f"/admin/otp_totp/totpdevice/{device.pk}/change/",
                f"/admin/otp_totp/totpdevice/{device.pk}/delete/"):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert device.key not in body and secret not in body, url
        assert "qrcode" not in body.lower() and "otpauth" not in body, url
    for url in (f"/admin/otp_totp/totpdevice/{device.pk}/config/",
                f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/",
                "/admin/otp_totp/totpdevice/add/"):
        assert admin_client.get(url).status_code in (302, 403, 404), url
    changed = admin_client.post(f"/admin/otp_totp/totpdevice/{device.pk}/change/",
                                {"user": people["drafter"].pk, "name": "x", "confirmed": "on"})
    assert changed.status_code == 403
    device.refresh_from_db()
    assert device.user == people["reviewer"]


def test_an_administrator_resets_a_lost_phone(people, admin_client, clock, required):
    device = device_for(people["reviewer"])
    session = verified("reviewer", device)
    assert reaches_the_app(session)
    response = admin_client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/",
                                 {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=people["reviewer"]).exists()
    event = AuditEvent.objects.get(action="otp_device_removed")
    assert event.actor.username == "root"
    assert event.after == {"username": "reviewer", "reason": "admin_reset"}
    assert event.before["user_id"] == people["reviewer"].pk
    assert "key" not in event.before and device.key not in str(event.before)
    # At once, his session that entered a code of the lost phone reaches nothing more; his
    # next login sets up a new device.
    assert session.get("/decision/")["Location"].startswith(ENROL_URL)
    assert log_in("reviewer").get("/")["Location"].startswith(ENROL_URL)


def test_the_admin_resets_several_devices_at_once(people, admin_client, clock):
    for role in ("reviewer", "head"):
        device_for(people[role])
    response = admin_client.post("/admin/otp_totp/totpdevice/", {
        "action": "delete_selected", "post": "yes",
        "_selected_action": list(TOTPDevice.objects.exclude(user__username="root")
                                 .values_list("pk", flat=True))})
    assert response.status_code == 302
    assert list(TOTPDevice.objects.values_list("user__username", flat=True)) == ["root"]
    assert sorted(e.after["username"] for e in AuditEvent.objects.filter(
        action="otp_device_removed")) == ["head", "reviewer"]


# Chinese


def test_the_pages_are_in_chinese(people, required, clock):
    Group.objects.get(name="drafter")  # the roles exist
    make_user("clerk", "office", "王办事")
    owed = log_in("reviewer")
    pages = {"enrolment owed": owed.get(ENROL_URL)}
    device = enrol(owed)
    clock.shift(datetime.timedelta(seconds=30))
    again = log_in("reviewer")
    pages["verify"] = again.get(VERIFY_URL)
    pages["verify, wrong"] = again.post(VERIFY_URL, {"otp_token": wrong_code(device.bin_key)})
    clock.shift(datetime.timedelta(seconds=2))
    again.post(VERIFY_URL, {"otp_token": code(device.bin_key)})
    pages["own page, required"] = again.get(PAGE_URL)
    clerk = log_in("clerk")
    pages["own page, off"] = clerk.get(PAGE_URL)
    pages["enrolment of his own accord"] = clerk.get(ENROL_URL)
    for name, response in pages.items():
        assert response.status_code == 200, name
        html = response.content.decode()
        assert english_words(html, ["reviewer", "clerk"]) == [], name
