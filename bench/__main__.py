"""``python -m bench seed`` and ``python -m bench run``: see bench/README.md."""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).absolute().parent.parent
RESULTS = ROOT / "bench" / "results"
SCALE_NAMES = ("small", "1k", "20k", "100k")


def server_url(explicit: str | None) -> str:
    """The PostgreSQL server, as a URL without a database: ``--server``, else ``DATABASE_URL``'s
    server, else the local one."""
    url = explicit or os.environ.get("DATABASE_URL", "") or "postgres://postgres@127.0.0.1:5432/"
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit(f"bench needs PostgreSQL: {parts.scheme or url!r} is not a postgres URL")
    return urlunsplit((parts.scheme, parts.netloc, "/", "", ""))


def database_url(server: str, scale: str) -> str:
    return server.rstrip("/") + f"/juece_bench_{scale}"


def django_on(url: str, settings: str = "config.settings.local") -> None:
    """Set Django up on the database ``url`` with the settings bin/start uses (``bench.settings``
    adds the baseline page's URL)."""
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    os.environ.setdefault("DJANGO_DEBUG", "0")
    import django

    django.setup()


def admin_connection(server: str):
    import psycopg

    return psycopg.connect(server.rstrip("/") + "/postgres", autocommit=True)


def database_exists(server: str, name: str) -> bool:
    with admin_connection(server) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() \
            is not None


def command_seed(args) -> int:
    from psycopg import sql

    from bench.seed import SCALES

    server = server_url(args.server)
    url = database_url(server, args.scale)
    name = urlsplit(url).path.lstrip("/")
    with admin_connection(server) as conn:
        if database_exists(server, name):
            print(f"dropping the old {name}")
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    django_on(url)
    from django.core.management import call_command

    from bench.seed import seed

    started = time.perf_counter()
    print(f"{name}: migrating")
    call_command("migrate", verbosity=0, interactive=False)
    out = io.StringIO()
    from contextlib import redirect_stdout

    with redirect_stdout(out):
        report = seed(SCALES[args.scale], batch=args.batch,
                      say=lambda text: print(text, file=sys.__stdout__, flush=True))
    report["seconds"]["with_migrate"] = time.perf_counter() - started
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else _seed_summary(report))
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"seed-{args.scale}-{stamp}.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


def _seed_summary(report: dict) -> str:
    rows = ", ".join(f"{count:,} {what}" for what, count in report["rows"].items())
    times = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in report["seconds"].items())
    return (f"seeded: {rows}\nforeign keys: {report['foreign_keys_checked']} checked, none "
            f"broken; audit chain: {report['events']:,} events\ntime: {times}")


def command_run(args) -> int:
    from bench.core import MODULES, Context, load_modules, machine
    from bench.report import table, write_json

    server = server_url(args.server)
    url = database_url(server, args.scale)
    if not database_exists(server, urlsplit(url).path.lstrip("/")):
        raise SystemExit(f"no database for scale {args.scale}: run python -m bench seed "
                         f"--scale {args.scale} first")
    django_on(url)
    from bench.server import Server

    selected = tuple(s.strip() for s in (args.rows or "").split(",") if s.strip())
    groups = {s.split(".", 1)[0] for s in selected} or set(MODULES)
    unknown = groups - set(MODULES)
    if unknown:
        raise SystemExit(f"unknown rows {sorted(unknown)}: pick from {sorted(MODULES)}")
    app = Server(database_url=url, port=args.port, workers=args.workers)
    context = Context(scale=args.scale, database_url=url, rounds=args.rounds,
                      seconds=args.seconds, clients=args.clients, selected=selected,
                      server=app.start, say=lambda text: print(text, flush=True))
    results = []
    try:
        for group, module in load_modules(groups):
            print(f"-- {group}", flush=True)
            results.extend(module.rows(context))
    finally:
        app.stop()
    print()
    print(table(results))
    path = write_json(RESULTS, args.scale, results, machine=machine(), options=vars(args),
                      info={**context.info, **app.info})
    print(f"\nwritten to {path.relative_to(ROOT)}")
    return 0


def command_profile(args) -> int:
    server = server_url(args.server)
    django_on(database_url(server, args.scale), settings="bench.settings")
    from bench.pages import USER, page_paths
    from bench.profile import profile

    paths = page_paths()
    path = paths[args.page][1] if args.page in paths else args.page
    profile(path, user=args.user or USER, repeat=args.repeat, explain=args.explain)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--server", help="PostgreSQL server URL (default: DATABASE_URL's server)")
    commands = parser.add_subparsers(dest="command", required=True)

    seed = commands.add_parser("seed", help="seed juece_bench_<scale> (dropped first)")
    seed.add_argument("--scale", choices=SCALE_NAMES, default="100k")
    seed.add_argument("--small", dest="scale", action="store_const", const="small",
                      help="the same as --scale small")
    seed.add_argument("--batch", type=int, default=5000, help="decisions cloned per statement")
    seed.add_argument("--json", action="store_true", help="print the report as JSON")
    seed.set_defaults(handler=command_seed)

    run = commands.add_parser("run", help="measure the table's rows on a seeded scale")
    run.add_argument("--scale", choices=SCALE_NAMES, default="100k")
    run.add_argument("--small", dest="scale", action="store_const", const="small")
    run.add_argument("--rows",
                     help="groups or rows, comma-separated: pages, pages.inbox, engine...")
    run.add_argument("--rounds", type=int, default=3)
    run.add_argument("--seconds", type=float, default=10.0, help="length of each round")
    run.add_argument("--clients", type=int, default=4, help="concurrent clients of a load")
    run.add_argument("--port", type=int, default=8713)
    run.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    run.set_defaults(handler=command_run)

    prof = commands.add_parser("profile", help="one page's queries, plans and Python profile")
    prof.add_argument("page", help="pages.inbox, pages.api_tasks, ... or a path")
    prof.add_argument("--scale", choices=SCALE_NAMES, default="100k")
    prof.add_argument("--user", help="log in as (default: the pages' user, office)")
    prof.add_argument("--repeat", type=int, default=20, help="requests profiled")
    prof.add_argument("--explain", type=int, default=3, help="slowest queries explained")
    prof.set_defaults(handler=command_profile)

    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
