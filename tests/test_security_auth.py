"""Issue 11, the ways in: API tokens that expire and can be revoked, lockout after repeated
failed logins, request rates, bad JSON, password rules and session lifetimes
(docs/security.md)."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.utils import timezone, translation
from knox.models import AuthToken
from rest_framework.test import APIClient

from config.settings import base
from decisions.audit import verify_chain
from decisions.models import AuditEvent

from .api import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"
LOGIN_URL = "/accounts/login/"
ADMIN_LOGIN_URL = "/admin/login/"
START = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def deployment_lifetimes(settings):
    """The deployment's lifetimes of logins and tokens, which the rest of the suite stretches
    to travel in time (config/settings/test.py)."""
    for name in ("JUECE_SESSION_IDLE_MINUTES", "JUECE_SESSION_MAX_HOURS", "SESSION_COOKIE_AGE",
                 "REST_KNOX"):
        setattr(settings, name, getattr(base, name))


def test_the_deployment_defaults():
    assert base.JUECE_SESSION_IDLE_MINUTES == 30 and base.SESSION_COOKIE_AGE == 30 * 60
    assert base.JUECE_SESSION_MAX_HOURS == 10
    assert base.REST_KNOX["TOKEN_TTL"] == datetime.timedelta(hours=10)
    assert base.AXES_FAILURE_LIMIT == 10
    assert base.AXES_COOLOFF_TIME.total_seconds() == 15 * 60


@pytest.fixture
def drafter(db):
    call_command("add_user", "drafter", role="drafter", password=PASSWORD)
    return get_user_model().objects.get(username="drafter")


def token_for(username="drafter", password=PASSWORD, **extra) -> APIClient:
    client = APIClient(**extra)
    response = client.post(TOKEN_URL, {"username": username, "password": password},
                           format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def browser_for(username="drafter") -> Client:
    client = Client()
    response = client.post(LOGIN_URL, {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def logged_in(client: Client) -> bool:
    return client.get("/api/v1/decisions/").status_code == 200


# API tokens


def test_a_token_is_stored_only_as_its_digest_and_expires(drafter):
    with time_machine.travel(START, tick=False) as traveller:
        response = APIClient().post(TOKEN_URL, {"username": "drafter", "password": PASSWORD},
                                    format="json")
        assert response.status_code == 200
        key = response.json()["token"]
        expiry = datetime.datetime.fromisoformat(response.json()["expiry"])
        assert expiry == START + datetime.timedelta(hours=10)
        stored = AuthToken.objects.get(user=drafter)
        assert key not in (stored.digest, stored.token_key) and key.startswith(stored.token_key)

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        traveller.shift(datetime.timedelta(hours=9, minutes=59))
        assert client.get("/api/v1/decisions/").status_code == 200
        traveller.shift(datetime.timedelta(minutes=2))
        assert client.get("/api/v1/decisions/").status_code == 401
    assert not AuthToken.objects.filter(user=drafter).exists()


@override_settings(REST_KNOX={"TOKEN_TTL": datetime.timedelta(hours=1),
                              "AUTH_HEADER_PREFIX": "Token"})
def test_the_token_lifetime_is_a_setting(drafter):
    with time_machine.travel(START, tick=False):
        response = APIClient().post(TOKEN_URL, {"username": "drafter", "password": PASSWORD},
                                    format="json")
    assert response.json()["expiry"].startswith("2026-03-02T10:00:00")


def test_logout_ends_this_token_and_logout_all_every_token_and_session(drafter):
    first, second, third = token_for(), token_for(), token_for()
    browser = browser_for()
    assert first.post("/api/v1/auth/logout/").status_code == 204
    assert first.get("/api/v1/decisions/").status_code == 401
    assert second.get("/api/v1/decisions/").status_code == 200
    assert AuditEvent.objects.filter(action="logout", actor=drafter).count() == 1

    assert second.post("/api/v1/auth/logout-all/").status_code == 204
    assert second.get("/api/v1/decisions/").status_code == 401
    assert third.get("/api/v1/decisions/").status_code == 401
    assert not logged_in(browser)
    revoked = AuditEvent.objects.get(action="credentials_revoked")
    assert revoked.actor == drafter
    assert revoked.after == {"username": "drafter", "reason": "logout_all", "tokens": 2,
                             "sessions": 1}
    assert verify_chain().ok


def test_a_bad_token_is_refused_not_a_server_error(drafter):
    client = APIClient()
    for header in ("Token not-a-token", "Token " + "é" * 20, "Token a b", "Token"):
        client.credentials(HTTP_AUTHORIZATION=header)
        assert client.get("/api/v1/decisions/").status_code == 401, header


def test_a_password_change_ends_every_token_and_session(drafter):
    api, browser = token_for(), browser_for()
    call_command("add_user", "drafter", role="drafter", password="another-pass-42")
    assert api.get("/api/v1/decisions/").status_code == 401
    assert not logged_in(browser)
    revoked = AuditEvent.objects.get(action="credentials_revoked")
    assert revoked.actor is None  # a command's
    assert revoked.after == {"username": "drafter", "reason": "password_changed", "tokens": 1,
                             "sessions": 1}
    token_for(password="another-pass-42")


def test_a_password_set_in_the_shell_ends_them_too(drafter):
    api, browser = token_for(), browser_for()
    drafter.set_password("another-pass-42")
    drafter.save()
    assert api.get("/api/v1/decisions/").status_code == 401
    assert not logged_in(browser)
    assert AuditEvent.objects.get(action="credentials_revoked").after["reason"] == (
        "password_changed")


def test_saving_the_user_without_a_new_password_ends_nothing(drafter):
    api, browser = token_for(), browser_for()
    drafter.email = "new@example.test"
    drafter.save()
    drafter.refresh_from_db()
    drafter.save(update_fields=["last_login"])
    assert api.get("/api/v1/decisions/").status_code == 200
    assert logged_in(browser)
    assert not AuditEvent.objects.filter(action="credentials_revoked").exists()


@pytest.mark.parametrize("change", ["add", "remove", "reverse_add", "reverse_remove", "clear"])
def test_a_role_change_ends_every_token_and_session(drafter, change):
    reviewer, drafter_group = Group.objects.get(name="reviewer"), Group.objects.get(name="drafter")
    api, browser = token_for(), browser_for()
    {"add": lambda: drafter.groups.add(reviewer),
     "remove": lambda: drafter.groups.remove(drafter_group),
     "reverse_add": lambda: reviewer.user_set.add(drafter),
     "reverse_remove": lambda: drafter_group.user_set.remove(drafter),
     "clear": lambda: drafter.groups.clear()}[change]()
    assert api.get("/api/v1/decisions/").status_code == 401
    assert not logged_in(browser)
    assert AuditEvent.objects.get(action="credentials_revoked").after["reason"] == "role_changed"


def test_another_users_change_leaves_my_credentials(drafter):
    call_command("add_user", "office", role="office", password=PASSWORD)
    api, browser = token_for(), browser_for()
    call_command("add_user", "office", role="head", password="another-pass-42")
    assert api.get("/api/v1/decisions/").status_code == 200
    assert logged_in(browser)


def test_the_admin_never_shows_a_token(drafter):
    admin = get_user_model().objects.create_superuser("root", "root@example.test", PASSWORD)
    key = APIClient().post(TOKEN_URL, {"username": "drafter", "password": PASSWORD},
                           format="json").json()["token"]
    client = Client()
    client.force_login(admin)
    index = client.get("/admin/").content.decode()
    assert "authtoken" not in index and "knox" not in index
    assert client.get("/admin/authtoken/tokenproxy/").status_code == 404
    assert client.get("/admin/knox/authtoken/").status_code == 404
    for url in ("/admin/", "/admin/auth/user/", f"/admin/auth/user/{drafter.pk}/change/"):
        assert key not in client.get(url).content.decode()


# Brute force


def wrong(client, url, username="drafter", n=1, **extra):
    for _ in range(n):
        if url == TOKEN_URL:
            response = client.post(url, {"username": username, "password": "wrong-guess"},
                                   format="json", **extra)
        else:
            response = client.post(url, {"username": username, "password": "wrong-guess"},
                                   **extra)
    return response


def test_thirty_wrong_passwords_lock_the_token_exchange_until_the_cool_off(drafter):
    client = APIClient()
    with time_machine.travel(START, tick=False) as traveller:
        assert wrong(client, TOKEN_URL, n=9).status_code == 400
        locked = wrong(client, TOKEN_URL, n=21)
        assert locked.status_code == 429
        assert locked.json()["code"] == "login_locked_out"
        assert "15" in locked.json()["detail"]
        assert locked["Retry-After"] == "900"
        right = client.post(TOKEN_URL, {"username": "drafter", "password": PASSWORD},
                            format="json")
        assert right.status_code == 429
        assert "token" not in right.json()

        traveller.shift(datetime.timedelta(minutes=14))
        assert client.post(TOKEN_URL, {"username": "drafter", "password": PASSWORD},
                           format="json").status_code == 429
        traveller.shift(datetime.timedelta(minutes=16))
        assert client.post(TOKEN_URL, {"username": "drafter", "password": PASSWORD},
                           format="json").status_code == 200

    lockouts = AuditEvent.objects.filter(action="login_locked_out")
    assert lockouts.count() == 1
    assert lockouts.get().after == {"username": "drafter", "failures": 10,
                                    "path": TOKEN_URL}
    assert lockouts.get().ip == "127.0.0.1"
    assert not AuditEvent.objects.filter(action="login_failed").exists()
    assert AccessFailureLog.objects.filter(username="drafter").count() == 32
    assert verify_chain().ok


def test_the_login_form_locks_out_with_a_message_in_chinese(drafter):
    client = Client()
    with time_machine.travel(START, tick=False) as traveller:
        assert wrong(client, LOGIN_URL, n=9).status_code == 200
        assert wrong(client, LOGIN_URL, n=21).status_code == 429
        right = client.post(LOGIN_URL, {"username": "drafter", "password": PASSWORD})
        assert right.status_code == 429
        page = right.content.decode()
        assert "登录失败次数过多" in page and "15 分钟" in page
        assert SESSION_KEY not in client.session
        traveller.shift(datetime.timedelta(minutes=16))
        assert client.post(LOGIN_URL, {"username": "drafter",
                                       "password": PASSWORD}).status_code == 302
    assert AuditEvent.objects.filter(action="login_locked_out").count() == 1
    assert verify_chain().ok


def test_the_admin_login_locks_out(drafter):
    admin = get_user_model().objects.create_superuser("root", "root@example.test", PASSWORD)
    client = Client()
    assert wrong(client, ADMIN_LOGIN_URL, "root", n=30).status_code == 429
    right = client.post(ADMIN_LOGIN_URL, {"username": "root", "password": PASSWORD})
    assert right.status_code == 429
    assert SESSION_KEY not in client.session
    assert admin.is_superuser
    assert AuditEvent.objects.filter(action="login_locked_out").count() == 1


def test_lockout_is_per_address_and_per_username(drafter):
    call_command("add_user", "office", role="office", password=PASSWORD)
    guesser = APIClient(REMOTE_ADDR="192.0.2.66")
    for n in range(10):
        wrong(guesser, TOKEN_URL, username=f"nobody{n}")
    # The address is locked, whatever the username ...
    assert guesser.post(TOKEN_URL, {"username": "office", "password": PASSWORD},
                        format="json").status_code == 429
    # ... and others elsewhere are not.
    token_for("office", REMOTE_ADDR="192.0.2.10")

    for n in range(10):
        wrong(APIClient(REMOTE_ADDR=f"198.51.100.{n}"), TOKEN_URL, username="drafter")
    # The username is locked, from any address.
    assert APIClient(REMOTE_ADDR="203.0.113.5").post(
        TOKEN_URL, {"username": "drafter", "password": PASSWORD},
        format="json").status_code == 429
    assert AuditEvent.objects.filter(action="login_locked_out").count() == 2
    assert AccessAttempt.objects.exists()


@override_settings(JUECE_API_RATES={"anon": "100/minute", "user": "5/minute",
                                    "token": "3/minute"})
def test_the_api_limits_request_rates(drafter):
    cache.clear()
    try:
        api = token_for()  # 1 of 3
        other = APIClient(REMOTE_ADDR="192.0.2.1")
        assert wrong(APIClient(), TOKEN_URL, n=2).status_code == 400
        throttled = wrong(APIClient(), TOKEN_URL)
        assert throttled.status_code == 429
        assert throttled.json()["detail"]
        assert wrong(other, TOKEN_URL).status_code == 400  # another address

        for _ in range(5):
            assert api.get("/api/v1/decisions/").status_code == 200
        assert api.get("/api/v1/decisions/").status_code == 429
    finally:
        cache.clear()


# Bad JSON


NESTED = "[" * 100_000


@pytest.mark.parametrize("url", [TOKEN_URL, "/api/v1/decisions/"])
@pytest.mark.parametrize("who", ["anonymous", "token", "session"])
def test_deeply_nested_json_is_a_400(drafter, url, who):
    client = {"anonymous": APIClient, "token": token_for,
              "session": lambda: browser_for() and _session_api()}[who]()
    response = client.generic("POST", url, NESTED, content_type="application/json")
    if who == "anonymous" and url != TOKEN_URL:
        assert response.status_code == 401
    else:
        assert response.status_code == 400, response.content
        assert "JSON" in response.json()["detail"]
    assert "DATABASE_URL" not in response.content.decode()


def _session_api() -> APIClient:
    client = APIClient(enforce_csrf_checks=False)
    client.force_login(get_user_model().objects.get(username="drafter"))
    return client


def test_json_of_an_unknown_charset_is_a_400(drafter):
    response = token_for().generic("POST", "/api/v1/decisions/", "{}",
                                   content_type="application/json; charset=nonesuch")
    assert response.status_code == 400


def test_a_server_error_prints_no_environment(drafter, monkeypatch, settings):
    from workflows.api import views

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.DecisionListView, "get_queryset", explode)
    settings.DEBUG = False
    client = token_for()
    client.raise_request_exception = False
    response = client.get("/api/v1/decisions/")
    assert response.status_code == 500
    body = response.content.decode()
    for secret in ("DATABASE_URL", "SECRET_KEY", settings.SECRET_KEY, "Traceback", "boom"):
        assert secret not in body


# Passwords


@pytest.mark.parametrize("password", ["1", "12345678901", "short-pw9", "password123"])
def test_add_user_refuses_a_weak_password(db, password):
    with pytest.raises(CommandError) as refused:
        call_command("add_user", "clerk", role="office", password=password)
    assert "password is refused" in str(refused.value)
    assert not get_user_model().objects.filter(username="clerk").exists()


def test_add_user_refuses_a_weak_password_for_an_existing_user(drafter):
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("add_user", "drafter", role="drafter", password="1")
    message = str(refused.value)
    assert "too short" in message and "at least 10 characters" in message
    assert "entirely numeric" in message
    drafter.refresh_from_db()
    assert drafter.check_password(PASSWORD)


def test_add_user_refuses_a_password_like_the_username(db):
    with translation.override("en"), pytest.raises(CommandError, match="too similar"):
        call_command("add_user", "wangjianguo", role="office", password="wangjianguo1")


def test_the_password_change_page_applies_the_validators(drafter):
    browser = browser_for()
    response = browser.post("/accounts/password_change/", {
        "old_password": PASSWORD, "new_password1": "short9", "new_password2": "short9"})
    assert response.status_code == 200
    assert "10" in response.content.decode()
    drafter.refresh_from_db()
    assert drafter.check_password(PASSWORD)


def test_the_admin_password_form_applies_the_validators(drafter):
    admin = get_user_model().objects.create_superuser("root", "root@example.test", PASSWORD)
    client = Client()
    client.force_login(admin)
    response = client.post(f"/admin/auth/user/{drafter.pk}/password/", {
        "password1": "123", "password2": "123", "usable_password": "true"})
    assert response.status_code == 200
    drafter.refresh_from_db()
    assert drafter.check_password(PASSWORD)


def test_a_password_reset_applies_the_validators_and_ends_every_login(drafter, mailoutbox):
    drafter.email = "wang@example.test"
    drafter.save()
    signed_in = browser_for()
    token_for()
    visitor = Client()
    response = visitor.post("/accounts/password_reset/", {"email": "wang@example.test"})
    assert response.status_code == 302
    [mail] = mailoutbox
    link = next(word for word in mail.body.split() if "/accounts/reset/" in word)
    path = link[link.index("/accounts/reset/"):]
    form_url = visitor.get(path)["Location"]  # the token moves into the session

    response = visitor.post(form_url, {"new_password1": "1", "new_password2": "1"})
    assert response.status_code == 200
    drafter.refresh_from_db()
    assert drafter.check_password(PASSWORD)
    assert logged_in(signed_in)

    strong = "Reset-passphrase-2026"
    response = visitor.post(form_url, {"new_password1": strong, "new_password2": strong})
    assert response.status_code == 302
    drafter.refresh_from_db()
    assert drafter.check_password(strong)
    assert not logged_in(signed_in)
    assert not AuthToken.objects.filter(user=drafter).exists()


# Sessions


def test_a_session_ends_after_thirty_idle_minutes(drafter):
    with time_machine.travel(START, tick=False) as traveller:
        browser = browser_for()
        traveller.shift(datetime.timedelta(minutes=29))
        assert logged_in(browser)
        traveller.shift(datetime.timedelta(minutes=29))
        assert logged_in(browser)
        traveller.shift(datetime.timedelta(minutes=31))
        assert not logged_in(browser)
        assert browser.get("/").status_code == 302


@override_settings(JUECE_SESSION_IDLE_MINUTES=5, SESSION_COOKIE_AGE=300)
def test_the_idle_timeout_is_a_setting(drafter):
    with time_machine.travel(START, tick=False) as traveller:
        browser = browser_for()
        traveller.shift(datetime.timedelta(minutes=6))
        assert not logged_in(browser)


def test_an_active_session_ends_ten_hours_after_the_login(drafter):
    with time_machine.travel(START, tick=False) as traveller:
        browser = browser_for()
        key = browser.session.session_key
        for _ in range(29):  # a request every 20 minutes: 9 h 40 min
            traveller.shift(datetime.timedelta(minutes=20))
            assert logged_in(browser)
        traveller.shift(datetime.timedelta(minutes=21))
        assert not logged_in(browser)
    expired = AuditEvent.objects.get(action="session_expired")
    assert expired.actor == drafter and expired.after == {"reason": "lifetime"}
    assert not Session.objects.filter(session_key=key).exists()


def test_the_session_clock_costs_a_write_a_minute_not_one_a_request(drafter):
    with time_machine.travel(START, tick=False) as traveller:
        browser = browser_for()
        session = Session.objects.get(session_key=browser.session.session_key)
        assert session.expire_date == START + datetime.timedelta(minutes=30)
        traveller.shift(datetime.timedelta(seconds=30))
        assert logged_in(browser)
        session.refresh_from_db()
        assert session.expire_date == START + datetime.timedelta(minutes=30)
        traveller.shift(datetime.timedelta(seconds=40))
        assert logged_in(browser)
        session.refresh_from_db()
        assert session.expire_date == timezone.now() + datetime.timedelta(minutes=30)
