"""``python -m bench profile``: why a page costs what it costs, in this process.

Asks for one page of the table through Django's test client as the bench's user, then prints
its queries by time, the plan (``EXPLAIN ANALYZE``) of the slowest ones, and, with pyinstrument
installed (``pip install -e '.[bench]'``), where the Python time goes over ``--repeat`` requests.
"""

from __future__ import annotations

import time


def profile(path: str, *, user: str, repeat: int = 20, explain: int = 3,
            say=print) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=user))
    answer = client.get(path)
    if answer.status_code != 200:
        raise RuntimeError(f"{path} answered {answer.status_code}")
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        answer = client.get(path)
        elapsed = time.perf_counter() - started
    measured = []
    for query in captured.captured_queries:  # the server's own time: steadier than the client's
        sql = query["sql"]
        plan, server_ms = [], None
        if sql.lstrip().upper().startswith("SELECT"):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = [row[0] for row in cursor.fetchall()]
            server_ms = float(plan[-1].split(":")[1].split()[0])
        measured.append((server_ms, float(query["time"]) * 1000, sql, plan))
    measured.sort(key=lambda m: -(m[0] if m[0] is not None else m[1]))
    say(f"{path} as {user}: {1000 * elapsed:.1f} ms, {len(measured)} queries, "
        f"{sum(m[0] or 0 for m in measured):.1f} ms in the server's SELECTs, "
        f"{len(answer.content):,} bytes")
    for server_ms, client_ms, sql, _plan in measured:
        shown = f"{server_ms:7.2f}" if server_ms is not None else "      -"
        say(f"  {shown} ms (client {client_ms:5.1f})  {sql[:220]}")
    for _server_ms, _client_ms, sql, plan in measured[:explain]:
        if plan:
            say("\n" + sql[:2000] + "\n" + "\n".join(plan))
    try:
        from pyinstrument import Profiler
    except ImportError:
        say("pyinstrument is not installed: no Python profile")
        return {"ms": 1000 * elapsed, "queries": len(measured)}
    profiler = Profiler(interval=0.0005)
    cpu = time.process_time()
    profiler.start()
    for _ in range(repeat):
        client.get(path)
    profiler.stop()
    cpu = (time.process_time() - cpu) / repeat
    say(f"CPU time in this process per request: {1000 * cpu:.1f} ms (with the profiler on)")
    say(profiler.output_text(unicode=True, color=False, show_all=False))
    say(profiler.output_text(unicode=True, color=False, flat=True, show_all=True)[:6000])
    return {"ms": 1000 * elapsed, "queries": len(measured)}
