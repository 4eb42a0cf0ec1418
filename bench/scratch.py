"""Throwaway databases and worker processes for the engine's rows (engine, audit, reminders).

Those rows write: chains of events, completions, reminders. They run on databases of their own
(``juece_engine_*``), cloned from one migrated template, and dropped afterwards, so the
seeded database the page rows read is never touched. Each measurement runs in worker processes
(``python -m bench.<module> <job> ...``) with ``DATABASE_URL`` on the scratch database: real
parallelism for the concurrent rows, and a process of its own for peak memory.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = "juece_engine_template"


def url_of(database_url: str, name: str) -> str:
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin(database_url: str):
    return psycopg.connect(url_of(database_url, "postgres"), autocommit=True)


def _migrated_template(database_url: str, say) -> None:
    """The template: created and migrated once, brought up to the checkout's migrations on
    each use, made afresh when it cannot be (a checkout whose migrations went another way)."""
    for attempt in range(2):
        with _admin(database_url) as admin:
            if attempt:
                admin.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
            exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                   [TEMPLATE]).fetchone()
            if not exists:
                admin.execute(f'CREATE DATABASE "{TEMPLATE}"')
        say(f"migrating {TEMPLATE}")
        done = subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT,
                              env=worker_env(url_of(database_url, TEMPLATE)))
        if done.returncode == 0:
            return
    raise RuntimeError(f"could not migrate {TEMPLATE}")


@contextlib.contextmanager
def scratch_database(database_url: str, name: str, say=print) -> Iterator[str]:
    """A fresh migrated database ``juece_engine_<name>``, dropped on the way out."""
    _migrated_template(database_url, say)
    full = f"juece_engine_{name}"
    with _admin(database_url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{full}"')
        admin.execute(f'CREATE DATABASE "{full}" TEMPLATE "{TEMPLATE}"')
    try:
        yield url_of(database_url, full)
    finally:
        with _admin(database_url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{full}" WITH (FORCE)')


def drop_template(database_url: str) -> None:
    with _admin(database_url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')


def worker_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="config.settings.local",
               DJANGO_DEBUG="0", PYTHONPATH=str(ROOT))
    return env


def run_workers(module: str, job: str, database_url: str, count: int, *args) -> list[dict]:
    """``count`` worker processes of ``python -m module job *args`` started together; each
    prints one JSON object as its last line."""
    start_at = time.time() + 3.0 + 0.5 * count  # every worker set up before the first starts
    processes = [subprocess.Popen(
        [sys.executable, "-m", module, job, str(start_at), str(index), *map(str, args)],
        cwd=ROOT, env=worker_env(database_url), stdout=subprocess.PIPE, text=True)
        for index in range(count)]
    results = []
    for process in processes:
        out, _ = process.communicate()
        if process.returncode:
            raise RuntimeError(f"{module} {job} worker failed ({process.returncode})")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def worker_setup() -> None:
    """In a worker: Django on the scratch database, debug off (no query log growing)."""
    import django
    from django.conf import settings

    django.setup()
    assert not settings.DEBUG, "the benchmark's workers run with debug off"


def wait_until(start_at: float) -> None:
    delay = start_at - time.time()
    if delay > 0:
        time.sleep(delay)


def peak_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mib() -> float:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def emit(result: dict) -> None:
    print(json.dumps(result), flush=True)
