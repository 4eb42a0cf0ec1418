"""What changed between two draft texts, line by line, as a person reads a marked-up draft:
added lines, deleted lines, and changed lines with the words inserted and deleted inside them."""

import difflib
from dataclasses import dataclass

#: Unchanged lines kept around each change; longer unchanged runs fold into one "skipped" row.
CONTEXT = 2
#: Below this similarity a changed line is shown as wholly deleted and wholly added.
SIMILAR = 0.6


@dataclass(frozen=True)
class DiffLine:
    """One row: ``kind`` is "same", "added", "deleted", "changed" or "skipped" (``skipped``
    unchanged lines folded); ``parts`` are the line's pieces as (mark, text), mark "ins", "del"
    or "" for unchanged text."""

    kind: str
    parts: tuple[tuple[str, str], ...] = ()
    skipped: int = 0


def draft_diff(old: str, new: str, *, context: int = CONTEXT) -> list[DiffLine]:
    """The rows of the change from ``old`` to ``new``; no rows when the text is the same."""
    before, after = old.splitlines(), new.splitlines()
    opcodes = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    if all(tag == "equal" for tag, *_ in opcodes):
        return []
    rows: list[DiffLine] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            rows.extend(_unchanged(before[i1:i2], context, first=index == 0,
                                   last=index == len(opcodes) - 1))
        elif tag == "delete":
            rows.extend(_deleted(line) for line in before[i1:i2])
        elif tag == "insert":
            rows.extend(_added(line) for line in after[j1:j2])
        else:
            rows.extend(_replaced(before[i1:i2], after[j1:j2]))
    return rows


def _unchanged(lines: list[str], context: int, *, first: bool, last: bool) -> list[DiffLine]:
    head = [] if first else lines[:context]
    tail = [] if last else lines[len(head):][-context:] if context else []
    folded = len(lines) - len(head) - len(tail)
    rows = [DiffLine("same", (("", line),)) for line in head]
    if folded:
        rows.append(DiffLine("skipped", skipped=folded))
    rows.extend(DiffLine("same", (("", line),)) for line in tail)
    return rows


def _replaced(old_lines: list[str], new_lines: list[str]) -> list[DiffLine]:
    """Each old line beside the new line it became, the changed words marked in both."""
    rows = []
    for offset in range(max(len(old_lines), len(new_lines))):
        old = old_lines[offset] if offset < len(old_lines) else None
        new = new_lines[offset] if offset < len(new_lines) else None
        if old is not None and new is not None:
            rows.extend(_changed_line(old, new))
        elif old is not None:
            rows.append(_deleted(old))
        else:
            rows.append(_added(new))
    return rows


def _changed_line(old: str, new: str) -> list[DiffLine]:
    """One row with the deleted and inserted words in place; two rows when little is left."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    if matcher.ratio() < SIMILAR:
        return [_deleted(old), _added(new)]
    parts = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(("", old[i1:i2]))
            continue
        if i2 > i1:
            parts.append(("del", old[i1:i2]))
        if j2 > j1:
            parts.append(("ins", new[j1:j2]))
    return [DiffLine("changed", tuple(parts))]


def _added(line: str) -> DiffLine:
    return DiffLine("added", (("ins", line),))


def _deleted(line: str) -> DiffLine:
    return DiffLine("deleted", (("del", line),))
