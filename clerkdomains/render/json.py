"""``--format json``: one versioned object per run (or one line per item in batch modes)."""

from __future__ import annotations

import json
from typing import Any

from . import Result, envelope


def dumps(data: Any, *, indent: int | None = 2) -> str:
    return json.dumps(data, indent=indent, ensure_ascii=False, sort_keys=False) + "\n"


def render_json(command: str, result: Result) -> str:
    return dumps(envelope(command, result))
