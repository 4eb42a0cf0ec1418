"""The engine's row: whole lifecycles over the API, ``clients`` at once, beside a bare write
(lock a row, update it, insert an event) through the same server, middleware and token.

On a scratch database (bench/scratch.py) with its own gunicorn (2 sync workers, debug off, the
settings ``bin/start`` serves with, the bare write's URL added: ``bench.engine_site``). Each client
takes decisions from proposal to publication through every consultation (two experts, the risk
assessment, the legal adviser's opinion beside the review), one step after another, taking each
next task's number from the answer; a completion is one ``POST /api/v1/tasks/<id>/complete/``
or a proposal. A worker also counts the queries of one lifecycle in-process (``extra``).
"""

from __future__ import annotations

import datetime
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from urllib.parse import urlsplit

from bench.core import Context, Measure, Row, interleaved
from bench.scratch import ROOT, emit, run_workers, scratch_database, worker_env, worker_setup

TARGET = ">= 240 completions/s"
PASSWORD = "bench-engine-pass-9"
PORT = 8723
USERS = {"drafter": "drafter", "office": "office", "reviewer": "reviewer",
         "counsel": "counsel", "expert": "expert", "expert2": "expert",
         "risk_assessor": "risk_assessor", "member": "member", "member2": "member",
         "secretary": "secretary", "head": "head"}


def rows(context: Context) -> list[Row]:
    if not context.wants("engine.lifecycle"):
        return []
    with scratch_database(context.database_url, "lifecycle", context.say) as url:
        context.say("engine.lifecycle: users, baseline table, server")
        (counted,) = run_workers("bench.engine", "provision", url, 1)
        server = start_server(url)
        try:
            base_url = f"http://127.0.0.1:{PORT}"
            tokens = {user: token(base_url, user) for user in USERS}
            context.say(f"engine.lifecycle: {context.clients} clients, {context.rounds} rounds")
            mine, base = interleaved(
                context.rounds,
                lambda: lifecycle_load(base_url, tokens, context.clients, context.seconds),
                lambda: bare_write_load(base_url, tokens["drafter"], context.clients,
                                        context.seconds))
        finally:
            stop_server(server)
    for measure in mine:
        measure.extra["queries_per_lifecycle"] = counted["queries"]
        measure.extra["queries_per_completion"] = counted["per_completion"]
    return [Row(key="engine.lifecycle",
                title=f"whole lifecycle over the API, {context.clients} clients",
                unit="completions/s", rounds=mine, target=TARGET,
                notes="extra.queries_per_completion: one lifecycle counted in-process",
                baseline=Row(key="engine.lifecycle.baseline",
                             title="lock a row, update it, insert an event (same server)",
                             unit="writes/s", rounds=base))]


# The server ----------------------------------------------------------------------------------

def start_server(database_url: str) -> subprocess.Popen:
    env = worker_env(database_url)
    env.update(DJANGO_SETTINGS_MODULE="bench.engine_settings", JUECE_API_USER_RATE="",
               JUECE_API_TOKEN_RATE="")
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115  (gunicorn writes it while it runs)
        prefix="bench-engine-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{PORT}",
         "--workers", "2", "--no-control-socket"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: see {log.name}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
            connection.request("GET", "/accounts/login/")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    stop_server(process)
    raise RuntimeError(f"gunicorn did not answer within a minute: see {log.name}")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Api:
    """One client's keep-alive connection; JSON in and out, a token per role."""

    def __init__(self, base_url: str, tokens: dict[str, str]):
        parts = urlsplit(base_url)
        self.host, self.port, self.tokens = parts.hostname, parts.port, tokens
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)

    def call(self, method: str, user: str, path: str, body=None, expect: int = 200) -> dict:
        headers = {"Authorization": f"Token {self.tokens[user]}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            self.connection.request(method, path, body=data, headers=headers)
            answer = self.connection.getresponse()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
            raise
        payload = answer.read()
        if answer.status != expect:
            raise RuntimeError(f"{method} {path} as {user}: {answer.status} {payload[:300]!r}")
        return json.loads(payload) if payload else {}


def token(base_url: str, username: str) -> str:
    api = Api(base_url, {username: ""})
    api.connection.request("POST", "/api/v1/auth/token/",
                           body=json.dumps({"username": username, "password": PASSWORD}),
                           headers={"Content-Type": "application/json"})
    answer = api.connection.getresponse()
    data = answer.read()
    if answer.status != 200:
        raise RuntimeError(f"no token for {username}: {answer.status} {data[:200]!r}")
    return json.loads(data)["token"]


# A lifecycle ---------------------------------------------------------------------------------

def lifecycle_steps(api, complete, n: int):
    """One decision from proposal to publication; ``complete(user, decision, node, body)``
    posts a completion and answers the decision. Yields after each completion."""
    today = datetime.datetime.now().astimezone().date()
    decision = complete("drafter", None, "start", {
        "title": f"基准测试决策 {n}", "proposal_source": "leader", "lead_unit": "农业服务中心",
        "problem": "部分村社生活垃圾收运不及时。", "legal_basis": ["《固体废物污染环境防治法》"],
        "plan": "三年内实现垃圾收运全覆盖。", "necessity": "改善人居环境是群众的迫切需要。",
        "draft_text": "第一条 为改善农村人居环境，制定本方案。",
        "needs_public_participation": True, "needs_expert_input": True,
        "needs_risk_assessment": True, "skip_reasons": {},
        "outside_catalogue_reason": "年度目录公布后新增的紧急事项"})
    yield
    decision = complete("drafter", decision, "initiation", {})
    yield
    decision = complete("office", decision, "acceptance", {
        "outcome": "accept", "reviewer": "reviewer", "counsel": "counsel",
        "experts": ["expert", "expert2"], "risk_assessor": "risk_assessor"})
    yield
    window_end = today - datetime.timedelta(days=1)
    decision = complete("drafter", decision, "public_participation", {
        "method": "online", "window_start": (window_end - datetime.timedelta(days=29)).isoformat(),
        "window_end": window_end.isoformat(),
        "comments": [{"source": "村民张某", "text": "建议增加收运频次", "adoption": "adopted",
                      "adopted": True, "reason": "合理"}]})
    yield
    for expert in ("expert", "expert2"):
        decision = complete(expert, decision, "expert_input", {
            "opinion": "方案可行。", "signature": expert, "declares_no_interest": True})
        yield
    decision = complete("risk_assessor", decision, "risk_assessment", {
        "risk_points": "群众对收费有顾虑", "measures": "公开收费标准",
        "response_plan": "设立投诉电话", "controllable": True})
    yield
    version = decision["current_version"]["sha256"]
    decision = complete("counsel", decision, "counsel_opinion", {
        "opinion": "主体适格，程序完备，未发现与上位法相抵触之处。", "signature": "counsel",
        "reviewed_version": version, "declares_no_interest": True})
    yield
    decision = complete("reviewer", decision, "legal_review", {
        "outcome": "lawful", "opinion": "主体适格，程序完备，内容合法。",
        "opinion_authority": "决策主体适格", "opinion_procedure": "程序完备",
        "opinion_content": "内容合法", "reviewed_version": version})
    yield
    for opinion in decision["expert_opinions"]:
        api.call("POST", "drafter",
                 f"/api/v1/decisions/{decision['id']}/expert-opinions/{opinion['id']}/adoption/",
                 {"adoption": "adopted", "reason": "意见合理，已采纳"})
    decision = complete("secretary", decision, "collective_decision", {
        "meeting_date": today.isoformat(), "meeting_kind": "leadership", "head": "head",
        "attendees": ["member", "member2"],
        "positions": [{"member": "member", "position": "agree", "reason": "同意"},
                      {"member": "member2", "position": "agree", "reason": "同意"}],
        "head_decision": "adopted", "head_reason": ""})
    yield
    decision = complete("office", decision, "publication", {
        "published_on": today.isoformat(), "party_report_on": today.isoformat(),
        "party_report_ref": "季家委请〔2026〕12号",
        "adoption_explanation": "采纳了群众关于增加收运频次的意见。"})
    assert decision["stage"] == "archived", decision["stage"]
    yield


def api_completer(api: Api, latencies: list[float]):
    def complete(user, decision, node, body):
        started = time.perf_counter()
        if decision is None:
            answer = api.call("POST", user, "/api/v1/decisions/", body, expect=201)
        else:
            task = next(t for t in decision["open_tasks"] if t["node"] == node
                        and t["owner"] in (None, user))
            answer = api.call("POST", user, f"/api/v1/tasks/{task['id']}/complete/", body)
        latencies.append(time.perf_counter() - started)
        return answer
    return complete


def lifecycle_load(base_url: str, tokens: dict[str, str], clients: int,
                   seconds: float) -> Measure:
    """``clients`` threads, each taking decision after decision through its lifecycle, for
    ``seconds``: completions per second, and the latency of a completion."""
    stop = threading.Event()
    latencies: list[list[float]] = [[] for _ in range(clients)]
    finished = [0] * clients
    failures: list[str] = []

    def work(index: int) -> None:
        api = Api(base_url, tokens)
        n = 0
        while not stop.is_set():
            n += 1
            try:
                for _step in lifecycle_steps(api, api_completer(api, latencies[index]),
                                             index * 100_000 + n):
                    if stop.is_set():
                        return
                finished[index] += 1
            except Exception as error:  # noqa: BLE001  (reported, the round fails below)
                failures.append(str(error))
                return

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=300)
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"a lifecycle failed: {failures[0]}")
    every = sorted(x for per in latencies for x in per)
    return Measure(value=len(every) / elapsed, p50_ms=1000 * statistics.median(every),
                   p99_ms=1000 * every[min(len(every) - 1, int(0.99 * len(every)))],
                   extra={"completions": len(every), "lifecycles": sum(finished),
                          "seconds": elapsed, "clients": clients})


def bare_write_load(base_url: str, drafter_token: str, clients: int, seconds: float) -> Measure:
    """The baseline: ``POST /bench/bare-write/<row>/`` as fast as answered, a row per client."""
    stop = threading.Event()
    latencies: list[list[float]] = [[] for _ in range(clients)]

    def work(index: int) -> None:
        api = Api(base_url, {"drafter": drafter_token})
        while not stop.is_set():
            started = time.perf_counter()
            api.call("POST", "drafter", f"/bench/bare-write/{index + 1}/", {"note": "基准"})
            latencies[index].append(time.perf_counter() - started)

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.perf_counter() - started
    every = sorted(x for per in latencies for x in per)
    return Measure(value=len(every) / elapsed, p50_ms=1000 * statistics.median(every),
                   p99_ms=1000 * every[min(len(every) - 1, int(0.99 * len(every)))],
                   extra={"writes": len(every), "seconds": elapsed, "clients": clients})


# The workers ---------------------------------------------------------------------------------

def job_provision(start_at: float, index: int) -> dict:
    """The role logins, the bare write's tables, and one lifecycle counted query by query."""
    os.environ.update(JUECE_API_USER_RATE="", JUECE_API_TOKEN_RATE="")  # as the server's
    worker_setup()
    from django.core.management import call_command
    from django.db import connection

    for username, role in USERS.items():
        call_command("add_user", username, role=role, password=PASSWORD, email="",
                     stdout=open(os.devnull, "w"))  # noqa: SIM115
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_row (id bigint PRIMARY KEY, n bigint NOT NULL, "
                       "changed_at timestamptz NOT NULL)")
        cursor.execute("INSERT INTO bench_row SELECT g, 0, now() FROM generate_series(1, 64) g")
        cursor.execute("CREATE TABLE bench_event (id bigserial PRIMARY KEY, row_id bigint, "
                       "actor_id bigint, occurred_at timestamptz, ip inet, after jsonb)")
    return count_queries()


def count_queries() -> dict:
    """One lifecycle through the API in this process (Django's test client, the same views),
    every query counted."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from rest_framework.test import APIClient

    setup_test_environment()
    clients: dict[str, APIClient] = {}
    for username in USERS:
        client = APIClient()
        answer = client.post("/api/v1/auth/token/", {"username": username,
                                                    "password": PASSWORD}, format="json")
        client.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
        clients[username] = client

    calls: list[tuple[str, int]] = []

    class InProcess:
        def call(self, method, user, path, body=None, expect=200):
            with CaptureQueriesContext(connection) as captured:
                answer = clients[user].generic(method, path, json.dumps(body),
                                               content_type="application/json")
            assert answer.status_code == expect, answer.content[:300]
            calls.append((path, len(captured.captured_queries)))
            return answer.json()

    api = InProcess()
    per: list[tuple[str, int]] = []

    def complete(user, decision, node, body):
        if decision is None:
            answer = api.call("POST", user, "/api/v1/decisions/", body, expect=201)
        else:
            task = next(t for t in decision["open_tasks"] if t["node"] == node
                        and t["owner"] in (None, user))
            answer = api.call("POST", user, f"/api/v1/tasks/{task['id']}/complete/", body)
        per.append((node, calls[-1][1]))
        return answer

    for _step in lifecycle_steps(api, complete, 0):  # warm the caches
        pass
    per.clear()
    calls.clear()
    for _step in lifecycle_steps(api, complete, 1):
        pass
    total = sum(count for _path, count in calls)
    return {"queries": total, "completions": len(per),
            "per_completion": round(sum(count for _node, count in per) / len(per), 1),
            "by_step": per}


JOBS = {"provision": job_provision}


if __name__ == "__main__":
    emit(JOBS[sys.argv[1]](float(sys.argv[2]), int(sys.argv[3])))
