"""Differences between two versions of an item, part by part, character by character.

Pure of Django. Chinese has no spaces to split words on, so changes are found on characters:
first line by line (an unchanged paragraph stays one run, and long texts stay fast), then by
character inside the lines that changed. Article bodies are compared on their text (tags
stripped, one line per block), which is what a reader sees change.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from .sanitize import text_of

EQUAL = "equal"
INSERT = "insert"
DELETE = "delete"


@dataclass(frozen=True)
class Segment:
    op: str  # EQUAL, INSERT or DELETE
    text: str


@dataclass(frozen=True)
class PartDiff:
    """One part (title, body, script…) of two versions compared."""

    name: str
    segments: tuple[Segment, ...]

    @property
    def changed(self) -> bool:
        return any(s.op != EQUAL for s in self.segments)

    @property
    def html(self) -> str:
        return render(self.segments)


def _chars(old: str, new: str) -> list[Segment]:
    out: list[Segment] = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(Segment(EQUAL, old[i1:i2]))
            continue
        if i2 > i1:
            out.append(Segment(DELETE, old[i1:i2]))
        if j2 > j1:
            out.append(Segment(INSERT, new[j1:j2]))
    return out


def _tidy(segments: list[Segment]) -> tuple[Segment, ...]:
    """Join neighbours of the same kind and fold a single unchanged character caught between
    changes into them: “把 的 留下” inside a rewritten sentence reads worse than one change."""
    folded: list[Segment] = []
    for index, segment in enumerate(segments):
        between_changes = (
            segment.op == EQUAL
            and len(segment.text) == 1
            and segment.text != "\n"
            and 0 < index < len(segments) - 1
            and segments[index - 1].op != EQUAL
            and segments[index + 1].op != EQUAL
        )
        if between_changes:
            folded.extend([Segment(DELETE, segment.text), Segment(INSERT, segment.text)])
        else:
            folded.append(segment)
    # Within each run of changes, all deletions first, then all insertions.
    ordered: list[Segment] = []
    run: list[Segment] = []
    for segment in [*folded, Segment(EQUAL, "")]:
        if segment.op != EQUAL:
            run.append(segment)
            continue
        for op in (DELETE, INSERT):
            text = "".join(s.text for s in run if s.op == op)
            if text:
                ordered.append(Segment(op, text))
        run = []
        if segment.text:
            if ordered and ordered[-1].op == EQUAL:
                ordered[-1] = Segment(EQUAL, ordered[-1].text + segment.text)
            else:
                ordered.append(segment)
    return tuple(ordered)


def diff_text(old: str, new: str) -> tuple[Segment, ...]:
    """The changes from ``old`` to ``new``: lines first, then characters within changed lines."""
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    out: list[Segment] = []
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        before, after = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        if op == "equal":
            out.append(Segment(EQUAL, before))
        elif op == "delete":
            out.append(Segment(DELETE, before))
        elif op == "insert":
            out.append(Segment(INSERT, after))
        else:
            out.extend(_chars(before, after))
    return _tidy(out)


def render(segments: Sequence[Segment]) -> str:
    """Escaped HTML with ``<del>`` and ``<ins>`` (shown where line breaks are kept)."""
    out = []
    for segment in segments:
        text = html.escape(segment.text, quote=False)
        if segment.op == DELETE:
            out.append(f"<del>{text}</del>")
        elif segment.op == INSERT:
            out.append(f"<ins>{text}</ins>")
        else:
            out.append(text)
    return "".join(out)


def diff_parts(
    old: Mapping[str, str],
    new: Mapping[str, str],
    names: Sequence[str],
    *,
    html_parts: Sequence[str] = (),
) -> list[PartDiff]:
    """Each named part of two versions compared; ``html_parts`` are compared on their text."""
    diffs = []
    for name in names:
        before, after = old.get(name, ""), new.get(name, "")
        if name in html_parts:
            before, after = text_of(before), text_of(after)
        diffs.append(PartDiff(name, diff_text(before, after)))
    return diffs
