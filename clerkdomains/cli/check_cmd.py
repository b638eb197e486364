"""``clerkdomains check``: find multi-domain misconfigurations in the app folders (and, with
``--online``, against the Backend API and the Frontend API hosts)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._common import (
    ColorOpt,
    ConfigOpt,
    JsonFlag,
    ReportFormat,
    ReportFormatOpt,
    emit,
    finish,
    pick_format,
)


def check(
    config: ConfigOpt = None,
    online: Annotated[bool, typer.Option(
        "--online", help="Also ask the Backend API (GET /v1/domains, with CLERK_SECRET_KEY) and probe "
                         "each production Frontend API host over TLS.")] = False,
    api_url: Annotated[str, typer.Option(
        "--api-url", envvar="CLERK_API_URL", help="Backend API base URL for --online.")
    ] = "https://api.clerk.com",
    cacert: Annotated[Path | None, typer.Option(
        "--cacert", envvar="CLERKDOMAINS_CACERT", dir_okay=False, exists=True,
        help="PEM file of CA certificates to trust for --online (default: the system's).")] = None,
    resolve: Annotated[list[str] | None, typer.Option(
        "--resolve", metavar="HOST:PORT:ADDR",
        help="Connect to ADDR for HOST:PORT in --online, keeping the host name for TLS (like curl). "
             "Repeatable.")] = None,
    connect_to: Annotated[list[str] | None, typer.Option(
        "--connect-to", metavar="HOST:PORT:ADDR:PORT2",
        help="Connect to ADDR:PORT2 for HOST:PORT in --online (like curl). Repeatable.")] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds per HTTP request in --online.")] = 10.0,
    fmt: ReportFormatOpt = None,
    json_: JsonFlag = False,
    color: ColorOpt = "auto",  # type: ignore[assignment]
) -> None:
    """Check every app folder of clerkdomains.toml for multi-domain misconfigurations.

    Reads env files, provider/middleware sources, package.json and lockfiles; reports each
    problem with its file, line and fix. Exit 1 when any finding is an error, 0 otherwise;
    3 when --online could reach nothing (and no other finding is an error).
    """
    import os

    from clerkdomains.config import load_setup
    from clerkdomains.lint import check_setup, with_online
    from clerkdomains.render.human_check import render_check
    from clerkdomains.render.markdown import render_check_markdown

    setup = load_setup(config)
    result = check_setup(setup, relative_to=Path.cwd())
    code = None
    if online:
        from clerkdomains.lint.online import check_online, exit_code, parse_resolve

        result = with_online(result, check_online(
            setup, secret_key=os.environ.get("CLERK_SECRET_KEY"), api_url=api_url, cacert=cacert,
            resolve=parse_resolve(resolve or [], connect_to or []), timeout=timeout))
        code = exit_code(result.findings)
    emit("check", result, pick_format(fmt, json_, ReportFormat), color=color,
         human=lambda c, w: render_check(result, color=c, width=w), markdown=lambda: render_check_markdown(result))
    finish(result.findings, code)
