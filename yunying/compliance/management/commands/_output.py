"""What `yunying check` and `yunying check-name` print: one line per finding, or JSON."""

from __future__ import annotations

import json
from typing import Any, Protocol

from yunying.compliance.engine.types import BLOCK, CATEGORIES, Finding

LABELS = {BLOCK: "阻止", "warn": "提醒"}


class Writer(Protocol):
    def write(self, text: str) -> Any: ...


def write(findings: list[Finding], out: Writer, *, as_json: bool) -> None:
    if as_json:
        payload = {"findings": [f.as_dict() for f in findings]}
        out.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    if not findings:
        out.write("未发现问题。\n")
        return
    for f in findings:
        message = f.as_dict()["message"]
        out.write(
            f"[{LABELS.get(f.severity, f.severity)}] {f.start}-{f.end} “{f.text}” "
            f"{f.rule}（{CATEGORIES.get(f.category, f.category)}）\n"
            f"    {message}\n    依据：{f.source}；词库版本：{f.lexicon_version}\n"
        )
    blocking = sum(1 for f in findings if f.severity == BLOCK)
    out.write(f"共 {len(findings)} 处，其中 {blocking} 处须修改后才能发布。\n")
