"""What every benchmark module shares: the row it reports, the context it runs in, the registry.

A module of rows (``bench/pages.py``, ``bench/engine.py``, ...) exposes ``rows(context) ->
list[Row]``. Each row measures one path of the issue's table in several rounds and carries its
baseline, measured in the same run, as another ``Row`` (``Row.baseline``). The runner
(``bench/__main__.py``) calls the modules named in ``MODULES``, prints each row's median and
spread beside its baseline, and writes every round to ``bench/results/*.json``.
"""

from __future__ import annotations

import importlib
import os
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

#: The modules of rows, by the group name ``--rows`` picks them with, in the table's order.
MODULES: dict[str, str] = {
    "pages": "bench.pages",
    "engine": "bench.engine",
    "audit": "bench.audit",
    "reminders": "bench.reminders",
}


@dataclass
class Measure:
    """One round of one row. ``value`` is the row's headline figure in its unit (req/s,
    events/s, s...); latencies in milliseconds where the row has them; anything else a row
    wants kept (queries, bytes, MiB of memory, how many requests) goes in ``extra``."""

    value: float
    p50_ms: float | None = None
    p99_ms: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Row:
    """One line of the table: a path measured in rounds, with its baseline's rounds.

    ``key`` is ``group.name`` (``pages.inbox``), what ``--rows`` selects and the JSON names;
    ``title`` what the table prints; ``unit`` the unit of ``Measure.value``;
    ``higher_is_better`` False for durations. ``target`` says the issue's target in words.
    """

    key: str
    title: str
    unit: str
    rounds: list[Measure] = field(default_factory=list)
    baseline: Row | None = None
    higher_is_better: bool = True
    target: str = ""
    notes: str = ""

    def median(self, attribute: str = "value") -> float | None:
        values = [getattr(m, attribute) for m in self.rounds if getattr(m, attribute) is not None]
        return statistics.median(values) if values else None

    def spread(self, attribute: str = "value") -> tuple[float, float] | None:
        values = [getattr(m, attribute) for m in self.rounds if getattr(m, attribute) is not None]
        return (min(values), max(values)) if values else None

    def ratio(self) -> float | None:
        """This row's median over its baseline's (for durations: the baseline's over this)."""
        mine, theirs = self.median(), self.baseline.median() if self.baseline else None
        if not mine or not theirs:
            return None
        return mine / theirs if self.higher_is_better else theirs / mine

    def as_dict(self) -> dict:
        data = asdict(self)
        data["median"] = {a: self.median(a) for a in ("value", "p50_ms", "p99_ms")}
        data["spread"] = self.spread()
        data["ratio_to_baseline"] = self.ratio()
        if self.baseline is not None:
            data["baseline"] = self.baseline.as_dict()
        return data


@dataclass
class Context:
    """What a module of rows gets.

    ``scale``: the seeded scale's name (``small``, ``1k``, ``20k``, ``100k``) and
    ``database_url`` its database, which ``DATABASE_URL`` already names in this process (Django
    is set up on it, with ``config.settings.local``). ``rounds`` and ``seconds`` (per round) are
    what each row should repeat; ``clients`` the concurrency of a load. ``server()`` starts the
    app as production serves it (gunicorn, 2 sync workers, debug off) once, on first call, and
    answers its base URL; ``wants(key)`` says whether ``--rows`` selected a row; ``say()``
    prints a progress line.
    """

    scale: str
    database_url: str
    rounds: int = 3
    seconds: float = 10.0
    clients: int = 4
    selected: tuple[str, ...] = ()
    server: Callable[[], str] = field(default=lambda: "", repr=False)
    say: Callable[[str], None] = field(default=print, repr=False)
    info: dict[str, Any] = field(default_factory=dict)

    def wants(self, key: str) -> bool:
        if not self.selected:
            return True
        group = key.split(".", 1)[0]
        return key in self.selected or group in self.selected


def repeat(rounds: int, measure: Callable[[], Measure], *, warmup: bool = False) -> list[Measure]:
    """``rounds`` rounds of ``measure`` (after one unrecorded round when ``warmup``)."""
    if warmup:
        measure()
    return [measure() for _ in range(rounds)]


def interleaved(rounds: int, *measures: Callable[[], Measure]) -> list[list[Measure]]:
    """Rounds of several measures taken in turn (A B A B ...), so that a row and its baseline
    see the same machine: the other load on a shared machine hits both alike."""
    results: list[list[Measure]] = [[] for _ in measures]
    for _ in range(rounds):
        for index, measure in enumerate(measures):
            results[index].append(measure())
    return results


def timed(work: Callable[[], Any], *, count: int = 1, unit_per_second: bool = True,
          extra: dict | None = None) -> Measure:
    """Run ``work`` once and answer ``count`` per second (or seconds when not per second)."""
    started = time.perf_counter()
    work()
    elapsed = time.perf_counter() - started
    value = count / elapsed if unit_per_second else elapsed
    return Measure(value=value, extra={"seconds": elapsed, **(extra or {})})


def load_modules(groups: Iterable[str]) -> list[tuple[str, Any]]:
    """The row modules of ``groups`` that exist in this checkout, in the table's order."""
    found = []
    for group, module_name in MODULES.items():
        if group not in groups:
            continue
        try:
            found.append((group, importlib.import_module(module_name)))
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
    return found


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import platform

    info: dict[str, Any] = {"cpus": os.cpu_count(), "python": platform.python_version(),
                            "platform": platform.platform()}
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo", encoding="ascii") as handle:
            info["memory_gib"] = round(int(handle.readline().split()[1]) / 2**20, 1)
    except OSError:
        pass
    return info
