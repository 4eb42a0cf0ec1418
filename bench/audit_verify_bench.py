"""How fast the audit chain verifies, and in how much memory: not a test.

Builds a throwaway database of N valid events (default 200,000), then times ``verify_chain()``
under tracemalloc. Uses ``DATABASE_URL`` through the test settings' test database, which it
creates and destroys, never the real one::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/juece python bench/audit_verify_bench.py 200000
"""

import datetime
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import get_runner  # noqa: E402
from django.utils import timezone  # noqa: E402

from decisions.audit import event_hash, verify_chain  # noqa: E402
from decisions.models import GENESIS_HASH, AuditEvent  # noqa: E402


def build(count: int, batch: int = 5000) -> None:
    prev_hash, start, rows = GENESIS_HASH, timezone.now(), []
    for n in range(count):
        row = AuditEvent(sequence=n + 1, occurred_at=start + datetime.timedelta(microseconds=n),
                         action="bench", stage="legality_review",
                         before={"outcome": ""}, after={"n": n, "note": "基准测试事件"},
                         prev_hash=prev_hash)
        row.hash = prev_hash = event_hash(row)
        rows.append(row)
        if len(rows) == batch:
            AuditEvent.objects.bulk_create(rows)
            rows = []
    AuditEvent.objects.bulk_create(rows)


def main(count: int) -> None:
    from django.conf import settings

    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        started = time.perf_counter()
        build(count)
        print(f"{connection.vendor}: built {count} events in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        report = verify_chain()
        plain = time.perf_counter() - started
        tracemalloc.start()
        report = verify_chain()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert report.ok and report.events == count, report
        print(f"verified in {plain:.1f} s: {count / plain:,.0f} events/s; "
              f"peak traced memory {peak / 2**20:.2f} MiB")
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
