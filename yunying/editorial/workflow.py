"""The editorial state machine: every allowed transition and who may make it, in one table.

Pure of Django. Role names are the foundation's machine names (``yunying.tenancy.choices.Role``);
``system`` stands for the background tasks (deemed approval after the client's silence, the
publisher, the monthly archive). ``yunying workflow --json`` prints this table, and
``actions.transition`` refuses anything not in it, so the documentation cannot drift from the code.
"""

from __future__ import annotations

from dataclasses import dataclass

SYSTEM = "system"

EDITOR = "editor"
COPYWRITER = "copywriter"
SUPERVISOR = "supervisor"
CLIENT_REVIEWER = "client_reviewer"
ACCOUNT_MANAGER = "account_manager"

COLLECTED = "collected"
SELECTED = "selected"
EDITING = "editing"
LAYOUT_REVIEW = "layout_review"
TEAM_PREVIEW = "team_preview"
SUPERVISOR_REVIEW = "supervisor_review"
CLIENT_REVIEW = "client_review"
SCHEDULED = "scheduled"
PUBLISHED = "published"
ARCHIVED = "archived"
RETURNED = "returned"
WITHDRAWN = "withdrawn"

# Seed 002's line, then the two side states.
STATES = (
    COLLECTED,
    SELECTED,
    EDITING,
    LAYOUT_REVIEW,
    TEAM_PREVIEW,
    SUPERVISOR_REVIEW,
    CLIENT_REVIEW,
    SCHEDULED,
    PUBLISHED,
    ARCHIVED,
    RETURNED,
    WITHDRAWN,
)


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    roles: frozenset[str]
    # Runs the compliance check; blocking findings stop the move (seed 003: nothing unchecked
    # reaches review or the platform).
    gate: bool = False
    # A reason is required (returns, drops and take-downs must say why).
    needs_comment: bool = False


def _t(
    source: str, target: str, *roles: str, gate: bool = False, comment: bool = False
) -> Transition:
    return Transition(source, target, frozenset(roles), gate=gate, needs_comment=comment)


# Before publishing, the supervisor or the account manager may drop an item; an editor may drop
# what they collected before anyone worked on it.
_DROPPABLE = (SELECTED, EDITING, LAYOUT_REVIEW, TEAM_PREVIEW, SUPERVISOR_REVIEW, CLIENT_REVIEW)

TRANSITIONS: tuple[Transition, ...] = (
    # The editor collects and pre-selects (seed 002: 编辑负责文章的收集及初选).
    _t(COLLECTED, SELECTED, EDITOR),
    _t(SELECTED, COLLECTED, EDITOR),
    # The copywriter edits the text and reviews the layout (文案负责修改编辑与排版审核).
    _t(SELECTED, EDITING, COPYWRITER),
    _t(EDITING, LAYOUT_REVIEW, COPYWRITER),
    _t(LAYOUT_REVIEW, EDITING, COPYWRITER, comment=True),
    # Layout accepted: the preview goes to the team's group (群内预览).
    _t(LAYOUT_REVIEW, TEAM_PREVIEW, COPYWRITER),
    _t(TEAM_PREVIEW, EDITING, COPYWRITER, comment=True),
    # The copywriter confirmed the preview (须让文案预览确认); the supervisor reviews next.
    _t(TEAM_PREVIEW, SUPERVISOR_REVIEW, COPYWRITER, gate=True),
    # The supervisor approves for the client or returns (主管负责文章发布的审核).
    _t(SUPERVISOR_REVIEW, CLIENT_REVIEW, SUPERVISOR),
    _t(SUPERVISOR_REVIEW, RETURNED, SUPERVISOR, comment=True),
    # The client's reviewer approves or returns (seed 000: the client reviews every video);
    # ``system`` approves on the client's behalf when the contract deems silence approval.
    _t(CLIENT_REVIEW, SCHEDULED, CLIENT_REVIEWER, SYSTEM, gate=True),
    _t(CLIENT_REVIEW, RETURNED, CLIENT_REVIEWER, comment=True),
    # A returned item goes back to the copywriter for the next round.
    _t(RETURNED, EDITING, COPYWRITER),
    # Publishing: by the publisher task, or recorded by whoever published by hand.
    _t(SCHEDULED, PUBLISHED, EDITOR, COPYWRITER, SUPERVISOR, SYSTEM),
    _t(SCHEDULED, RETURNED, SUPERVISOR, comment=True),
    # Filed in the monthly archive (存档).
    _t(PUBLISHED, ARCHIVED, EDITOR, SUPERVISOR, SYSTEM),
    # Taking down published work is recorded with who, why and when; never a silent delete.
    _t(PUBLISHED, WITHDRAWN, SUPERVISOR, ACCOUNT_MANAGER, comment=True),
    _t(COLLECTED, WITHDRAWN, EDITOR, SUPERVISOR, ACCOUNT_MANAGER, comment=True),
    *(_t(state, WITHDRAWN, SUPERVISOR, ACCOUNT_MANAGER, comment=True) for state in _DROPPABLE),
    _t(RETURNED, WITHDRAWN, SUPERVISOR, ACCOUNT_MANAGER, comment=True),
    _t(SCHEDULED, WITHDRAWN, SUPERVISOR, ACCOUNT_MANAGER, comment=True),
)

_BY_EDGE = {(t.source, t.target): t for t in TRANSITIONS}
if len(_BY_EDGE) != len(TRANSITIONS):  # pragma: no cover - a table typo, caught at import
    raise RuntimeError("editorial workflow: an edge is listed twice")


class TransitionRefused(Exception):
    """The move is not in the table, or not for these roles."""

    def __init__(self, source: str, target: str, reason: str) -> None:
        super().__init__(f"{source} → {target}: {reason}")
        self.source, self.target, self.reason = source, target, reason


def find(source: str, target: str) -> Transition | None:
    return _BY_EDGE.get((source, target))


def check(source: str, target: str, roles: frozenset[str] | set[str]) -> Transition:
    """The transition from ``source`` to ``target`` if one of ``roles`` may make it."""
    transition = _BY_EDGE.get((source, target))
    if transition is None:
        raise TransitionRefused(source, target, "no such transition")
    if not transition.roles & set(roles):
        raise TransitionRefused(source, target, "role not allowed")
    return transition


def moves_from(source: str, roles: frozenset[str] | set[str]) -> list[Transition]:
    """The transitions out of ``source`` that ``roles`` may make, in table order."""
    return [t for t in TRANSITIONS if t.source == source and t.roles & set(roles)]


def waiting_on(roles: frozenset[str] | set[str]) -> frozenset[str]:
    """States in which an item waits for one of ``roles`` to move it forward along the line
    (or, returned, back into editing). Side moves (returns, drops, archiving) don't count:
    nothing waits for those."""
    return frozenset(
        t.source
        for t in TRANSITIONS
        if t.roles & set(roles)
        and t.target not in {RETURNED, WITHDRAWN, ARCHIVED}
        and (t.source == RETURNED or STATES.index(t.target) > STATES.index(t.source))
    )


def as_table() -> list[dict[str, object]]:
    """The table as JSON-ready rows (``yunying workflow --json``)."""
    return [{"from": t.source, "to": t.target, "roles": sorted(t.roles)} for t in TRANSITIONS]
