"""The live (``trace-sync URL``) and HAR (``trace-sync --har FILE``) modes of ``trace-sync``.

``run_live`` and ``run_har`` do one mode each: read the config (``--config``, else a
clerkdomains.toml found upwards, else none), call the library, write the report in the
chosen format to stdout and exit (0 ok, 1 problems, 3 the trace could not complete).
The ``trace-sync`` command (``trace_cmd``) dispatches to them.
"""

from __future__ import annotations

from pathlib import Path

from ._common import ColorMode, err, finish, out, use_color, width


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
    from clerkdomains.trace.redact import check_output_path, write_redacted_har

    if redact_har is not None:
        check_output_path(redact_har, source=har_file)  # refused before any work (exit 2)
    setup = _setup(config)
    har = read_har(har_file)
    if redact_har is not None:
        write_redacted_har(har, redact_har, source=har_file)
        err(f"wrote a redacted copy to {redact_har} (token signatures, secret cookies and keys removed)")
    report = har_trace(har, setup, show_tokens=show_tokens,
                       predict=_predictor(jwt_key_pem) if setup is not None else None)
    _emit(report, fmt, color)
    _exit(report)
