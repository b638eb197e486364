"""The data passed between the templates (what a setup needs on disk) and the planner
(how it gets there): :class:`DesiredFile` and :class:`EnvEntry`.

Templates produce ``DesiredFile`` objects and never touch disk; the planner compares
them with what exists and decides create / identical / update / conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

FileKind = Literal["env", "whole"]


@dataclass(frozen=True)
class EnvEntry:
    """One variable clerkdomains owns in an env file."""

    key: str
    value: str
    comment: str | None = None  # a `# ...` line written above the key when it is added
    secret: bool = False  # a secret (or its placeholder): the file gets mode 0600, the value is never printed
    placeholder: bool = False  # a value the user must replace; an existing real value is never overwritten


@dataclass(frozen=True)
class DesiredFile:
    """One file an app of the setup needs."""

    path: Path  # absolute
    app: str  # "primary", "satellite 1", ...
    kind: FileKind
    content: str = ""  # whole files: the full text, without clerkdomains' header line
    env: tuple[EnvEntry, ...] = ()  # env files: the variables clerkdomains owns, in order
    comment_prefix: str = "//"  # how a line comment starts in this file ("//", "#", "<!--")
    snippet: str | None = None  # what to add by hand when the file exists, differs and is not ours
    description: str = ""  # one line for the plan: "ClerkProvider with isSatellite, domain, signInUrl"

    @property
    def holds_secret(self) -> bool:
        return any(e.secret for e in self.env)
