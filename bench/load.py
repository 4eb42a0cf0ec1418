"""The load generator: ``clients`` threads, each with its own connection and login, asking for
one URL as fast as the server answers, for ``seconds``. Bounded in time and count, loopback only.

Python threads share one interpreter, but a client spends its time waiting on the socket, and at
a few hundred requests a second the generator needs a fraction of a core (docs/performance.md).
"""

from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from .core import Measure

#: a round never sends more than this many requests, whatever its length
MAX_REQUESTS = 200_000


@dataclass
class Client:
    """One logged-in client: the headers its requests carry (a session cookie or a token)."""

    host: str
    port: int
    headers: dict[str, str] = field(default_factory=dict)

    def get(self, path: str, connection: http.client.HTTPConnection | None = None
            ) -> tuple[int, bytes]:
        conn = connection or http.client.HTTPConnection(self.host, self.port, timeout=60)
        conn.request("GET", path, headers=self.headers)
        answer = conn.getresponse()
        body = answer.read()
        if answer.getheader("Connection", "").lower() == "close":
            conn.close()
        return answer.status, body


def _cookies(answer: http.client.HTTPResponse) -> dict[str, str]:
    jar = SimpleCookie()
    for header in answer.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def login(base_url: str, username: str, password: str) -> Client:
    """Log in through the login form, as a browser does: a session cookie."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    conn.request("GET", "/accounts/login/")
    answer = conn.getresponse()
    page = answer.read().decode("utf-8", "replace")
    cookies = _cookies(answer)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not token:
        raise RuntimeError("the login page has no CSRF token")
    conn.close()
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    body = urlencode({"username": username, "password": password,
                      "csrfmiddlewaretoken": token.group(1)})
    conn.request("POST", "/accounts/login/", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        "Referer": base_url + "/accounts/login/"})
    answer = conn.getresponse()
    answer.read()
    conn.close()
    cookies.update(_cookies(answer))
    if answer.status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"logging in as {username} failed: {answer.status}")
    return Client(parts.hostname, parts.port,
                  {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})


def api_token(base_url: str, username: str, password: str) -> Client:
    """An API client with a token from ``POST /api/v1/auth/token/``."""
    import json

    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    conn.request("POST", "/api/v1/auth/token/",
                 body=json.dumps({"username": username, "password": password}),
                 headers={"Content-Type": "application/json"})
    answer = conn.getresponse()
    data = answer.read()
    conn.close()
    if answer.status != 200:
        raise RuntimeError(f"no API token for {username}: {answer.status} {data[:200]!r}")
    return Client(parts.hostname, parts.port,
                  {"Authorization": f"Token {json.loads(data)['token']}"})


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def load(clients: list[Client], path: str, seconds: float) -> Measure:
    """Each client asks for ``path`` in a loop for ``seconds``: requests per second over all,
    latency p50 and p99. Any answer but 200 is counted as an error and kept in ``extra``."""
    latencies: list[list[float]] = [[] for _ in clients]
    errors: list[list[int]] = [[] for _ in clients]
    sizes = [0 for _ in clients]
    stop = threading.Event()
    counter = [0]
    lock = threading.Lock()

    def work(index: int) -> None:
        client = clients[index]
        conn = http.client.HTTPConnection(client.host, client.port, timeout=60)
        while not stop.is_set():
            with lock:
                counter[0] += 1
                if counter[0] > MAX_REQUESTS:
                    return
            started = time.perf_counter()
            try:
                status, body = client.get(path, conn)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(client.host, client.port, timeout=60)
                errors[index].append(0)
                continue
            latencies[index].append(time.perf_counter() - started)
            sizes[index] = len(body)
            if status != 200:
                errors[index].append(status)
        conn.close()

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(len(clients))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.perf_counter() - started
    every = [x for per in latencies for x in per]
    failed = [s for per in errors for s in per]
    if not every:
        return Measure(value=0.0, extra={"requests": 0, "errors": len(failed)})
    return Measure(value=len(every) / elapsed, p50_ms=1000 * statistics.median(every),
                   p99_ms=1000 * percentile(every, 0.99),
                   extra={"requests": len(every), "errors": len(failed),
                          "error_statuses": sorted(set(failed))[:5], "bytes": max(sizes),
                          "seconds": elapsed})
