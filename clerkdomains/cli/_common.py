"""Shared pieces of the command line: option aliases, output, errors, exit codes.

Imports only typer and the standard library at module level, so ``--help`` stays fast.
"""

from __future__ import annotations

import enum
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from clerkdomains.findings import Finding
    from clerkdomains.render import Result


class ColorMode(str, enum.Enum):
    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


class ReportFormat(str, enum.Enum):
    """Formats every reporting command offers."""

    HUMAN = "human"
    JSON = "json"
    GITHUB = "github"
    MARKDOWN = "markdown"


class PlainFormat(str, enum.Enum):
    """Formats of commands whose output has no findings to annotate in CI."""

    HUMAN = "human"
    JSON = "json"


class Environment(str, enum.Enum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", "-c", envvar="CLERKDOMAINS_CONFIG", dir_okay=False,
                 help="clerkdomains.toml to use (default: found upwards from the current folder)."),
]
ColorOpt = Annotated[
    ColorMode,
    typer.Option("--color", envvar="CLERKDOMAINS_COLOR", help="Colour in human output."),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")]
ReportFormatOpt = Annotated[ReportFormat, typer.Option("--format", "-f", envvar="CLERKDOMAINS_FORMAT")]
PlainFormatOpt = Annotated[PlainFormat, typer.Option("--format", "-f", envvar="CLERKDOMAINS_FORMAT")]


def pick_format(fmt: enum.Enum, json_flag: bool) -> str:
    return "json" if json_flag else str(fmt.value)


def use_color(mode: ColorMode, stream=None) -> bool:
    stream = stream or sys.stdout
    if mode is ColorMode.ALWAYS:
        return True
    if mode is ColorMode.NEVER or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    if os.environ.get("FORCE_COLOR") or os.environ.get("TTY_COMPATIBLE") == "1":
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


def width() -> int:
    return max(60, shutil.get_terminal_size((100, 24)).columns)


def out(text: str) -> None:
    """Write report text to stdout exactly as given."""
    sys.stdout.write(text)
    sys.stdout.flush()


def err(text: str) -> None:
    """A line for people: progress, summaries, warnings. Goes to stderr."""
    sys.stderr.write(text if text.endswith("\n") else text + "\n")
    sys.stderr.flush()


def emit(command: str, result: Result, fmt: str, *, human: Callable[[bool, int], str],
         color: ColorMode = ColorMode.AUTO, markdown: Callable[[], str] | None = None) -> None:
    """Write ``result`` in ``fmt`` to stdout; ``human(color, width)`` renders the human form,
    ``markdown()`` the command's own Markdown (default: the verdict and the findings table)."""
    if fmt == "json":
        from clerkdomains.render.json import render_json

        out(render_json(command, result))
    elif fmt == "github":
        from clerkdomains.render.github import render_github

        out(render_github(result.findings))
    elif fmt == "markdown":
        from clerkdomains.render.markdown import render_markdown

        out(markdown() if markdown else render_markdown(command, result))
    elif fmt == "human":
        out(human(use_color(color), width()))
    else:  # pragma: no cover - each command validates its own formats
        raise typer.BadParameter(f"format {fmt!r} is not available for {command}")


def finish(findings: list[Finding] | tuple[Finding, ...], code: int | None = None) -> None:
    """Exit with the code the findings call for (or ``code``)."""
    from clerkdomains.findings import exit_code_for

    raise typer.Exit(int(code if code is not None else exit_code_for(findings)))
