"""A safe first start and a hardened deployment (issue 11): `bin/start` serves with debug off
through gunicorn and WhiteNoise and never prints the environment on an error; its secret key is
made, not published; `check --deploy` with the production settings finds nothing; every page
carries a Content-Security-Policy that allows no inline script; what a logged-in person is shown
is never cached; the API's schema and docs are for logged-in users only."""

import os
import re
import secrets
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from rest_framework.test import APIClient

from decisions.models import Decision

from .factories import PASSWORD, open_task
from .http_client import decision_url, logged_in, proposal_form, start_url, task_url

PROJECT = Path(settings.BASE_DIR)


def clean_environment(**extra) -> dict:
    """The environment of a process started as an operator would: none of the test settings."""
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("DJANGO_", "JUECE_", "DATABASE_URL", "PYTEST",
                                          "CELERY_"))}
    environment.update(extra)
    return environment


def run_python(code: str, environment: dict, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=PROJECT, env=environment,
                          capture_output=True, text=True, timeout=timeout)


# The start settings (config.settings.local, what bin/start uses) --------------------------

START_SETTINGS_PROBE = r"""
import json, sys
from unittest import mock

import django
from django.conf import settings

django.setup()
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings

results = {"debug": settings.DEBUG, "secret_key": settings.SECRET_KEY}
# The static files collected as bin/start collects them, into a folder of the test's.
with override_settings(STATIC_ROOT=sys.argv[1]):
    call_command("collectstatic", "--noinput", verbosity=0)
    client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
    page = client.get("/accounts/login/")
    results["page"] = [page.status_code, page.get("Content-Security-Policy", "")]
    static = client.get("/static/juece/css/page.css")
    results["static"] = [static.status_code, type(static).__name__,
                         b"".join(static.streaming_content).decode()]

    # A view that fails, asked as runserver asks: the server's environment is in the request.
    from django.contrib.auth import views
    canary = {"DATABASE_URL": sys.argv[2], "DJANGO_SECRET_KEY": sys.argv[3]}
    with mock.patch.object(views.LoginView, "get", side_effect=RuntimeError("boom")):
        failed = client.get("/accounts/login/", **canary)
    results["error"] = [failed.status_code, failed.content.decode()]
print(json.dumps(results))
"""


@pytest.fixture(scope="module")
def start_settings(tmp_path_factory):
    """What the start settings serve with no environment but a database in a test folder."""
    folder = tmp_path_factory.mktemp("start")
    canary_database = f"sqlite:///{folder}/juece-canary-{secrets.token_hex(4)}.sqlite3"
    canary_secret = f"canary-{secrets.token_hex(16)}"
    environment = clean_environment(DJANGO_SETTINGS_MODULE="config.settings.local",
                                    DATABASE_URL=canary_database,
                                    JUECE_SECRET_KEY_FILE=str(folder / "secret-key"))
    done = subprocess.run(
        [sys.executable, "-c", START_SETTINGS_PROBE, str(folder / "static"), canary_database,
         canary_secret], cwd=PROJECT, env=environment, capture_output=True, text=True,
        timeout=300)
    assert done.returncode == 0, done.stderr
    import json

    return {"results": json.loads(done.stdout.splitlines()[-1]), "folder": folder,
            "canary_database": canary_database, "canary_secret": canary_secret,
            "log": done.stderr}


def test_the_start_settings_run_with_debug_off(start_settings):
    assert start_settings["results"]["debug"] is False


def test_the_start_settings_serve_a_page_and_a_static_file_through_whitenoise(start_settings):
    status, policy = start_settings["results"]["page"]
    assert status == 200
    assert "script-src 'self'" in policy
    status, response_class, text = start_settings["results"]["static"]
    assert status == 200
    assert response_class == "WhiteNoiseFileResponse"
    assert "--mdc-theme-primary" in text


def test_an_error_under_the_start_settings_is_the_generic_page_without_the_environment(
        start_settings):
    status, page = start_settings["results"]["error"]
    assert status == 500
    assert start_settings["canary_database"] not in page
    assert start_settings["canary_secret"] not in page
    assert start_settings["results"]["secret_key"] not in page
    assert "Traceback" not in page and "boom" not in page and "DATABASE" not in page
    assert "服务器错误" in page


def test_the_secret_key_is_made_once_kept_private_and_never_published(start_settings):
    key_file = start_settings["folder"] / "secret-key"
    key = start_settings["results"]["secret_key"]
    assert key_file.read_text().strip() == key and len(key) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    again = run_python(
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.SECRET_KEY)",
        clean_environment(DJANGO_SETTINGS_MODULE="config.settings.local",
                          JUECE_SECRET_KEY_FILE=str(key_file)))
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == key
    for name in ("local.py", "base.py", "production.py"):
        assert key not in (PROJECT / "config" / "settings" / name).read_text()
    ignored = subprocess.run(["git", "check-ignore", "-q", ".secret-key"], cwd=PROJECT)
    assert ignored.returncode == 0, ".secret-key must be git-ignored"


def test_debug_is_on_only_when_asked_for(tmp_path):
    asked = run_python(
        "import django; from django.conf import settings; django.setup(); print(settings.DEBUG)",
        clean_environment(DJANGO_SETTINGS_MODULE="config.settings.local", DJANGO_DEBUG="1",
                          JUECE_SECRET_KEY_FILE=str(tmp_path / "key")))
    assert asked.returncode == 0, asked.stderr
    assert asked.stdout.strip() == "True"


# bin/start itself -------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_login_page(url: str, process, log: Path, seconds=240):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"bin/start exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return response
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    pytest.fail(f"bin/start did not answer at {url}:\n{log.read_text()}")


def test_bin_start_without_the_demo_serves_with_gunicorn_and_a_made_password(tmp_path):
    """`bin/start --no-demo` on a fresh SQLite database: the first administrator with a password
    printed once, which logs in; gunicorn answers, debug off, static files served."""
    port = free_port()
    log = tmp_path / "start.log"
    environment = clean_environment(
        PORT=str(port), DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        JUECE_SECRET_KEY_FILE=str(tmp_path / "secret-key"),
        # The worker is not what this test is about: with REDIS_URL bin/start starts none.
        REDIS_URL=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15")
    with log.open("w") as output:
        process = subprocess.Popen([str(PROJECT / "bin" / "start"), "--no-demo"], cwd=PROJECT,
                                   env=environment, stdin=subprocess.DEVNULL, stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        page = wait_for_login_page(f"{base}/accounts/login/", process, log)
        assert "gunicorn" in page.headers["Server"].lower()
        assert not re.search(r"WSGIServer|Werkzeug|runserver", page.headers["Server"])
        with urllib.request.urlopen(f"{base}/static/juece/css/page.css") as static:
            assert static.status == 200
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{base}/no-such-page/")
        assert missing.value.code in (302, 404)

        printed = re.search(r"password, shown this once: (\S+)", log.read_text())
        assert printed, log.read_text()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        form = opener.open(f"{base}/accounts/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "admin",
                                       "password": printed.group(1)}).encode()
        with opener.open(urllib.request.Request(
                f"{base}/accounts/login/", data=body,
                headers={"Referer": f"{base}/accounts/login/"})) as home:
            assert home.status == 200
            assert urllib.parse.urlparse(home.url).path != "/accounts/login/", "not logged in"
            assert "no-store" in home.headers["Cache-Control"]
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert "DEBUG ON" not in log.read_text()


def test_bin_start_refuses_an_unknown_argument():
    done = subprocess.run([str(PROJECT / "bin" / "start"), "--demo-please"], cwd=PROJECT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "unknown argument" in done.stderr


# create_admin ----------------------------------------------------------------------------

def test_create_admin_makes_a_password_shown_once_and_records_it(db, capsys):
    from django.contrib.auth import get_user_model

    from decisions.models import AuditEvent

    call_command("create_admin", "--no-input")
    printed = capsys.readouterr().out
    password = re.search(r"shown this once: (\S+)", printed).group(1)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(password)
    event = AuditEvent.objects.get(action="administrator_create")
    assert event.after["username"] == "admin" and password not in str(event.after)

    call_command("create_admin", "--if-none", "--no-input")
    assert "exists already" in capsys.readouterr().out
    assert get_user_model().objects.filter(is_superuser=True).count() == 1


def test_create_admin_takes_the_operators_password_and_applies_the_validators(db, tmp_path):
    from django.contrib.auth import get_user_model
    from django.core.management.base import CommandError

    weak = tmp_path / "weak"
    weak.write_text("1\n")
    with pytest.raises(CommandError, match="refused"):
        call_command("create_admin", "--password-file", str(weak))
    assert not get_user_model().objects.exists()

    chosen = tmp_path / "chosen"
    chosen.write_text("季家镇-Verwaltung-2026\n")
    call_command("create_admin", "--username", "chief", "--password-file", str(chosen))
    assert get_user_model().objects.get(username="chief").check_password("季家镇-Verwaltung-2026")
    with pytest.raises(CommandError, match="exists already"):
        call_command("create_admin", "--username", "chief", "--password-file", str(chosen))


# check --deploy --------------------------------------------------------------------------

def test_check_deploy_with_the_production_settings_reports_nothing(tmp_path):
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT, capture_output=True, text=True, timeout=300,
        env=clean_environment(DJANGO_SETTINGS_MODULE="config.settings.production",
                              DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
                              DJANGO_ALLOWED_HOSTS="juece.example.gov.cn",
                              DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout, done.stdout + done.stderr


def test_the_proxy_header_is_trusted_only_when_the_deployment_says_so():
    code = ("import django; from django.conf import settings; django.setup(); "
            "print(settings.SECURE_PROXY_SSL_HEADER, settings.SECURE_SSL_REDIRECT, "
            "settings.SECURE_HSTS_SECONDS)")
    base = {"DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
    behind = run_python(code, clean_environment(**base))
    assert behind.stdout.split() == ["('HTTP_X_FORWARDED_PROTO',", "'https')", "True",
                                     "31536000"], behind.stderr
    direct = run_python(code, clean_environment(**base, DJANGO_TLS_PROXY="0"))
    assert direct.stdout.split()[0] == "None", direct.stderr


# Content-Security-Policy -----------------------------------------------------------------

def policy_of(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_every_page_carries_a_policy_that_runs_no_inline_script(people, client):
    client.force_login(people["drafter"])
    for url in ("/accounts/login/", "/", start_url()):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        policy = policy_of(response)
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"], url
        assert "'unsafe-inline'" not in policy["style-src-elem"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        assert policy["form-action"] == ["'self'"] and policy["base-uri"] == ["'self'"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)


def test_no_template_of_ours_has_an_inline_script_style_element_or_handler():
    """The policy would block them: each belongs in a file under workflows/static/juece/."""
    found = []
    for template in sorted((PROJECT / "templates").rglob("*.html")):
        text = re.sub(r"{#.*?#}", "", template.read_text(), flags=re.DOTALL)
        for pattern in (INLINE_SCRIPT, INLINE_STYLE, INLINE_HANDLER):
            found += [f"{template.relative_to(PROJECT)}: {match.group(0)}"
                      for match in pattern.finditer(text)]
    assert found == []


# Cache-Control: no-store ------------------------------------------------------------------

@pytest.fixture
def decision_with_attachment(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = logged_in(people["drafter"])
    upload = SimpleUploadedFile("说明.txt", "资金测算说明\n".encode(), content_type="text/plain")
    response = client.post(start_url(), {**proposal_form(), "attachments": upload})
    assert response.status_code == 302
    return Decision.objects.get()


def assert_not_stored(response):
    assert response.status_code == 200, getattr(response, "content", b"")[:500]
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_decision_task_download_and_dossier_pages_are_never_cached(people,
                                                                  decision_with_attachment):
    from workflows.flows import DecisionFlow

    decision = decision_with_attachment
    client = logged_in(people["drafter"])
    assert_not_stored(client.get(decision_url(decision)))
    assert_not_stored(client.get(task_url(open_task(decision, "initiation"))))
    (attachment,) = decision.current_version.attachments.all()
    assert_not_stored(client.get(DecisionFlow.instance.reverse(
        "attachment", args=[decision.process_id, attachment.pk])))
    assert_not_stored(logged_in(people["auditor"]).get(DecisionFlow.instance.reverse(
        "dossier", args=[decision.process_id])))


def test_api_answers_are_never_cached(people, decision_with_attachment):
    client = APIClient()
    token = client.post("/api/v1/auth/token/", {"username": "drafter", "password": PASSWORD},
                        format="json")
    assert token.status_code == 200, token.content
    assert "no-store" in token["Cache-Control"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert_not_stored(client.get("/api/v1/decisions/"))
    assert_not_stored(client.get(f"/api/v1/decisions/{decision_with_attachment.pk}/"))


# The API's schema and docs ----------------------------------------------------------------

@pytest.mark.parametrize("url", ["/api/v1/schema/", "/api/v1/docs/"])
def test_the_api_schema_and_docs_are_refused_to_anonymous_visitors(db, url):
    response = APIClient().get(url)
    assert response.status_code == 401
    assert b"openapi" not in response.content.lower()
    assert b"swagger" not in response.content.lower()


def test_the_api_schema_and_docs_are_served_to_a_logged_in_user(people):
    client = logged_in(people["drafter"])
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200 and b"openapi" in schema.content
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "swagger-ui" in page
    assert "cdn." not in page and "//unpkg" not in page  # Swagger UI from here, not a CDN
    assert not INLINE_SCRIPT.search(page), "the policy would block an inline script"

    token = APIClient()
    issued = token.post("/api/v1/auth/token/", {"username": "drafter", "password": PASSWORD},
                        format="json")
    token.credentials(HTTP_AUTHORIZATION=f"Token {issued.json()['token']}")
    assert token.get("/api/v1/schema/").status_code == 200
