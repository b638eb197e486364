"""The live (``trace-sync URL``) and HAR (``trace-sync --har FILE``) modes of ``trace-sync``.

``run_live`` and ``run_har`` do one mode each: read the config (``--config``, else a
clerkdomains.toml found upwards, else none), call the library, write the report in the
chosen format to stdout and exit (0 ok, 1 problems, 3 the trace could not complete).
The ``trace-sync`` command dispatches to them; ``app`` is a stand-alone command with the
same options, used by the tests until the dispatch is wired.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from . import _Group
from ._common import (
    ColorMode,
    ColorOpt,
    ConfigOpt,
    JsonFlag,
    err,
    finish,
    out,
    pick_format,
    use_color,
    width,
)


class TraceFormat(str, enum.Enum):
    HUMAN = "human"
    JSON = "json"
    MERMAID = "mermaid"


def _setup(config: Path | None):
    from clerkdomains.config import find_config, load_setup

    if config is not None:
        return load_setup(config)
    found = find_config()
    return load_setup(found) if found is not None else None


def _predictor(jwt_key_pem: str | None):
    from clerkdomains.trace.compare import model_predictor

    keys = None
    if jwt_key_pem:
        from clerkdomains.tokens import KeySet

        keys = KeySet.from_pem(jwt_key_pem)
    return model_predictor(keys)


def _read_pem(path: Path | None) -> str | None:
    from clerkdomains.errors import InputError

    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"--jwt-key {path}: cannot read: {exc.strerror or exc}") from None


def _emit(report, fmt: str, color: ColorMode) -> None:
    if fmt == "json":
        from clerkdomains.render.json import render_json

        out(render_json("trace-sync", report))
    elif fmt == "mermaid":
        from clerkdomains.render.mermaid import render_mermaid

        out(render_mermaid(report))  # the simulate mode's diagram: same hop fields
    else:
        from clerkdomains.render.human_live import render_live

        out(render_live(report, color=use_color(color), width=width()))


def _exit(report) -> None:
    from clerkdomains.findings import ExitCode

    finish(report.findings, ExitCode.INCOMPLETE if report.stop == "error" else None)


def run_live(url: str, *, config: Path | None = None, resolve: list[str] | None = None,
             cacert: Path | None = None, insecure: bool = False, cookie: list[str] | None = None,
             header: list[str] | None = None, timeout: float = 10.0, max_hops: int = 20,
             show_tokens: bool = False, jwt_key_pem: str | None = None, fmt: str = "human",
             color: ColorMode = ColorMode.AUTO) -> None:
    """``trace-sync URL``: follow a real navigation and explain it; never returns (exits)."""
    from clerkdomains.trace.live import FollowOptions, follow
    from clerkdomains.trace.report import build_report

    setup = _setup(config)
    options = FollowOptions(resolve=tuple(resolve or ()), cacert=cacert, insecure=insecure,
                            cookies=tuple(cookie or ()), headers=tuple(header or ()), timeout=timeout,
                            max_hops=max_hops)
    result = follow(url, options)
    report = build_report("live", url, result.hops, setup=setup, stop=result.stop, stop_findings=result.findings,
                          loop_start=result.loop_start, show_tokens=show_tokens,
                          predict=_predictor(jwt_key_pem) if setup is not None else None)
    _emit(report, fmt, color)
    _exit(report)


def run_har(har_file: Path, *, config: Path | None = None, redact_har: Path | None = None,
            show_tokens: bool = False, jwt_key_pem: str | None = None, fmt: str = "human",
            color: ColorMode = ColorMode.AUTO) -> None:
    """``trace-sync --har FILE [--redact-har OUT]``: explain a HAR export; never returns (exits)."""
    from clerkdomains.trace.har import har_trace, read_har

    setup = _setup(config)
    har = read_har(har_file)
    if redact_har is not None:
        from clerkdomains.trace.redact import write_redacted_har

        write_redacted_har(har, redact_har)
        err(f"wrote a redacted copy to {redact_har} (token signatures, secret cookies and keys removed)")
    report = har_trace(har, setup, show_tokens=show_tokens,
                       predict=_predictor(jwt_key_pem) if setup is not None else None)
    _emit(report, fmt, color)
    _exit(report)


app = typer.Typer(cls=_Group, add_completion=False, rich_markup_mode=None, no_args_is_help=True)


@app.callback()
def _preview() -> None:
    """Live and HAR modes of trace-sync (stand-alone until the trace-sync command dispatches to them)."""


@app.command("trace-live")
def trace_live(
    url: Annotated[str | None, typer.Argument(help="A page to navigate to, like a browser.", show_default=False)] = None,
    har: Annotated[Path | None, typer.Option("--har", dir_okay=False, help="Explain a DevTools HAR export instead.")] = None,
    redact_har: Annotated[Path | None, typer.Option("--redact-har", dir_okay=False,
                                                    help="With --har: write a copy safe to share.")] = None,
    config: ConfigOpt = None,
    resolve: Annotated[list[str] | None, typer.Option("--resolve", help="HOST:PORT:ADDR, like curl.")] = None,
    cacert: Annotated[Path | None, typer.Option("--cacert", dir_okay=False, help="CA bundle (PEM).")] = None,
    insecure: Annotated[bool, typer.Option("--insecure", "-k", help="Do not verify TLS certificates.")] = False,
    cookie: Annotated[list[str] | None, typer.Option("--cookie", "-b",
                                                     help="NAME=VALUE[; Domain=HOST] the browser already has.")] = None,
    header: Annotated[list[str] | None, typer.Option("--header", "-H", help="\"Name: value\" on every request.")] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds per request.")] = 10.0,
    max_hops: Annotated[int, typer.Option("--max-hops", min=1, help="Stop after this many hops.")] = 20,
    show_tokens: Annotated[bool, typer.Option("--show-tokens", help="Show token values in full.")] = False,
    jwt_key: Annotated[Path | None, typer.Option("--jwt-key", dir_okay=False,
                                                 help="PEM public key to verify session tokens with.")] = None,
    fmt: Annotated[TraceFormat, typer.Option("--format", "-f", envvar="CLERKDOMAINS_FORMAT")] = TraceFormat.HUMAN,
    json_: JsonFlag = False,
    color: ColorOpt = ColorMode.AUTO,
) -> None:
    """Trace a real deployment hop by hop (URL), or explain a browser's HAR export (--har)."""
    chosen = pick_format(fmt, json_)
    pem = _read_pem(jwt_key)
    if har is not None:
        run_har(har, config=config, redact_har=redact_har, show_tokens=show_tokens, jwt_key_pem=pem,
                fmt=chosen, color=color)
    if url is None:
        raise typer.BadParameter("give a URL to trace, or --har FILE")
    run_live(url, config=config, resolve=resolve, cacert=cacert, insecure=insecure, cookie=cookie, header=header,
             timeout=timeout, max_hops=max_hops, show_tokens=show_tokens, jwt_key_pem=pem, fmt=chosen, color=color)
