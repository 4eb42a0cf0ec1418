"""The table a run prints and the JSON it writes."""

from __future__ import annotations

import json
import time
from pathlib import Path

from .core import Row


def _figure(row: Row) -> str:
    median, spread = row.median(), row.spread()
    if median is None:
        return "-"
    text = f"{median:,.1f} {row.unit}" if median < 100 else f"{median:,.0f} {row.unit}"
    if spread and len(row.rounds) > 1:
        text += f" ({spread[0]:,.4g}-{spread[1]:,.4g})"
    return text


def _latency(row: Row) -> str:
    p50, p99 = row.median("p50_ms"), row.median("p99_ms")
    if p50 is None:
        return ""
    return f"p50 {p50:,.0f} ms, p99 {p99:,.0f} ms"


def table(rows: list[Row]) -> str:
    """One line per row: median (min-max over rounds), latency, its baseline, the ratio."""
    lines = [f"{'row':<36} {'median (spread)':<30} {'latency':<24} {'baseline':<48} ratio",
             "-" * 146]
    for row in rows:
        base = row.baseline
        base_text = (f"{base.title}: {_figure(base)} {_latency(base)}" if base else "")
        ratio = row.ratio()
        lines.append(f"{row.title[:36]:<36} {_figure(row):<30} {_latency(row):<24} "
                     f"{base_text[:48]:<48} {'' if ratio is None else f'{ratio:.2f}x'}")
    return "\n".join(lines)


def write_json(folder: Path, scale: str, rows: list[Row], **extra) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"run-{scale}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    data = {"scale": scale, "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **extra,
            "rows": [row.as_dict() for row in rows]}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str),
                    encoding="utf-8")
    return path
