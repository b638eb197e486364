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
from typing import TYPE_CHECKING, Annotated, Any

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
FORMAT_ENV = "CLERKDOMAINS_FORMAT"


def format_option(choices: type[enum.Enum]) -> Any:
    """The ``--format`` option of a command offering ``choices``. Its env twin
    (CLERKDOMAINS_FORMAT) is read by :func:`pick_format`, not by Typer, so one job-wide
    value (``github``) does not break the commands that do not offer it."""
    return Annotated[choices | None, typer.Option(  # type: ignore[valid-type]
        "--format", "-f", show_default=False,
        help=f"Output format (default: human, or ${FORMAT_ENV} when it names one of these).")]


ReportFormatOpt = format_option(ReportFormat)
PlainFormatOpt = format_option(PlainFormat)


def pick_format(fmt: enum.Enum | None, json_flag: bool, choices: type[enum.Enum]) -> str:
    """--json, else --format, else $CLERKDOMAINS_FORMAT when this command offers it, else human."""
    if json_flag:
        return "json"
    if fmt is not None:
        return str(fmt.value)
    wanted = os.environ.get(FORMAT_ENV, "").strip().lower()
    offered = [str(c.value) for c in choices]  # type: ignore[attr-defined]
    if wanted and wanted not in offered:
        err(f"clerkdomains: ignoring {FORMAT_ENV}={wanted}: this command offers {', '.join(offered)}")
        return "human"
    return wanted or "human"


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
    """Write report text to stdout exactly as given, secret keys masked (clerkdomains/redaction.py)."""
    from clerkdomains.redaction import redact_secrets

    sys.stdout.write(redact_secrets(text))
    sys.stdout.flush()


def err(text: str) -> None:
    """A line for people: progress, summaries, warnings. Goes to stderr, secret keys masked."""
    from clerkdomains.redaction import redact_secrets

    text = redact_secrets(text)
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
