"""``clerkdomains trace-sync``: follow the satellite sync / handshake chain hop by hop.

Three modes share one command and one report shape: ``--simulate`` runs the offline
model (clerkdomains.sync) from clerkdomains.toml; ``URL`` traces a real deployment and
``--har FILE`` explains a browser's HAR export (both in ``trace_live``).
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from ._common import (
    ColorOpt,
    ConfigOpt,
    Environment,
    JsonFlag,
    emit,
    finish,
    format_option,
    out,
    pick_format,
)


class TraceFormat(str, enum.Enum):
    HUMAN = "human"
    JSON = "json"
    MERMAID = "mermaid"


TraceFormatOpt = format_option(TraceFormat)


class Scenario(str, enum.Enum):
    SIGNED_IN = "signed-in"
    SIGNED_OUT = "signed-out"


class LinkKind(str, enum.Enum):
    BUILT = "built"
    HARDCODED = "hardcoded"


class BrowserKind(str, enum.Enum):
    CHROME = "chrome"
    SAFARI = "safari"


def _timeout_seconds(value: float) -> float:
    """--timeout: a finite number of seconds above 0 (nan, inf, 1e400 and -1 are refused)."""
    import math

    if not (math.isfinite(value) and 0 < value <= 3600):
        raise typer.BadParameter(f"{value!r} is not a number of seconds above 0 and at most 3600")
    return value


def trace_sync(
    url: Annotated[str | None, typer.Argument(
        help="The page to trace live, like a browser navigation (with --simulate: the start URL).",
        show_default=False)] = None,
    simulate: Annotated[bool, typer.Option(
        "--simulate", help="Simulate the chain offline: the apps as their folders configure them (env files, "
        "code, installed @clerk/backend), or the config alone where an app has no folder.")] = False,
    declared: Annotated[bool, typer.Option(
        "--declared", help="With --simulate: simulate the declared clerkdomains.toml alone, ignoring the app "
        "folders.")] = False,
    har: Annotated[Path | None, typer.Option(
        "--har", dir_okay=False, help="Explain a browser's DevTools HAR export instead of tracing.")] = None,
    redact_har: Annotated[Path | None, typer.Option(
        "--redact-har", dir_okay=False, help="With --har: also write a copy that is safe to share.")] = None,
    config: ConfigOpt = None,
    start: Annotated[str | None, typer.Option(
        "--start", help="URL the browser opens first (default: the first satellite's URL).")] = None,
    scenario: Annotated[Scenario, typer.Option(
        help="signed-in: the user holds a session on the primary and signs in there; signed-out: nobody does.")
    ] = Scenario.SIGNED_IN,
    link: Annotated[LinkKind, typer.Option(
        help="How the satellite links to sign-in: built by buildSignInUrl(), or hard-coded.")] = LinkKind.BUILT,
    method: Annotated[str, typer.Option(help="Method of the first request.")] = "GET",
    cookie: Annotated[list[str] | None, typer.Option(
        "--cookie", "-b",
        help="NAME=VALUE cookie the browser holds for the start URL, added to the simulated browser's own "
             "cookies (live: NAME=VALUE[; Domain=HOST]; repeatable). For exactly one request: clerkdomains explain.")
    ] = None,
    header: Annotated[list[str] | None, typer.Option(
        "--header", "-H", help='"Name: value" header (simulate: added to the simulated browser\'s own headers on '
        'the first request; live: on every request). For exactly one request: clerkdomains explain.')
    ] = None,
    resolve: Annotated[list[str] | None, typer.Option(
        "--resolve", help="Live: HOST:PORT:ADDR, like curl (repeatable).")] = None,
    cacert: Annotated[Path | None, typer.Option("--cacert", dir_okay=False, help="Live: CA bundle (PEM).")] = None,
    insecure: Annotated[bool, typer.Option("--insecure", "-k", help="Live: do not verify TLS certificates.")] = False,
    timeout: Annotated[float, typer.Option(
        "--timeout", callback=_timeout_seconds,
        help="Live: seconds for each request as a whole (connect, TLS, headers, body); above 0, at most 3600.")
    ] = 10.0,
    show_tokens: Annotated[bool, typer.Option(
        "--show-tokens", help="Show token values in full (redacted by default).")] = False,
    jwt_key: Annotated[str | None, typer.Option(
        "--jwt-key",
        help="PEM public key (file path or the PEM text) to verify session tokens with.")] = None,
    now: Annotated[str | None, typer.Option(
        help="Clock: Unix seconds or ISO-8601 (default: now).")] = None,
    max_hops: Annotated[int | None, typer.Option(
        "--max-hops", min=1,
        help="Stop after N hops (default: 20 live, 30 simulated); with --simulate, 1 answers just the first request.")
    ] = None,
    sdk_version: Annotated[str | None, typer.Option(
        "--sdk-version", help="@clerk/backend version to model (default: the pinned one, or the app's sdk_version).")
    ] = None,
    browser: Annotated[BrowserKind, typer.Option(
        help="safari drops SameSite=Strict cookies on cross-site redirects.")] = BrowserKind.CHROME,
    secret_key_type: Annotated[Environment | None, typer.Option(
        "--secret-key-type", help="Simulate a secret key of this instance type (default: the publishable key's).")
    ] = None,
    fmt: TraceFormatOpt = None,
    json_: JsonFlag = False,
    color: ColorOpt = "auto",  # type: ignore[assignment]
) -> None:
    """Follow the satellite sync chain hop by hop and say where and why it breaks.

    URL: make the requests a browser makes on a navigation and follow the redirects one
    at a time. --har FILE: explain a DevTools HAR export. --simulate: satellite, primary
    sign-in, back to the satellite, handshake at the Frontend API, back with cookies,
    exactly as @clerk/backend decides each request. The simulated browser sends its own
    cookies and headers (sec-fetch-dest, accept); -H and -b add to them. For what the
    middleware does with exactly one request you hold (DevTools, a HAR, curl, a log),
    use `clerkdomains explain`. Exit 0 when the chain ends well, 1 when it breaks
    (findings name cause and fix), 2 for bad input, 3 when a live trace could not complete.
    """
    from clerkdomains.errors import InputError

    chosen = pick_format(fmt, json_, TraceFormat)
    if redact_har is not None and har is None:
        raise InputError("--redact-har OUT needs --har FILE (the HAR to redact)")
    if har is not None:
        from .trace_live import run_har

        run_har(har, config=config, redact_har=redact_har, show_tokens=show_tokens, jwt_key_pem=_pem(jwt_key),
                fmt=chosen, color=color)
    if not simulate:
        if url is None:
            raise InputError("give a URL to trace, --har FILE, or --simulate")
        from .trace_live import run_live

        run_live(url, config=config, resolve=resolve, cacert=cacert, insecure=insecure, cookie=cookie,
                 header=header, timeout=timeout, max_hops=max_hops or 20, show_tokens=show_tokens,
                 jwt_key_pem=_pem(jwt_key), fmt=chosen, color=color)
    from clerkdomains.config import load_setup
    from clerkdomains.keys import parse_publishable_key
    from clerkdomains.sync.chain import ChainSettings
    from clerkdomains.sync.options import dummy_secret_key, publishable_key_of
    from clerkdomains.sync.simulate import default_start_url
    from clerkdomains.sync.simulate import simulate as run_simulation
    from clerkdomains.sync.versions import parse_version

    setup = load_setup(config)
    if sdk_version:
        parse_version(sdk_version)
    secret = dummy_secret_key(secret_key_type.value) if secret_key_type else None  # type: ignore[arg-type]
    if secret and secret_key_type and parse_publishable_key(
            publishable_key_of(setup, setup.primary)).instance_type == secret_key_type.value:
        secret = None
    settings = ChainSettings(
        start_url=start or url or default_start_url(setup), scenario=scenario.value, link=link.value,
        method=method.upper(), cookies=tuple(_pair(c, "=", "--cookie") for c in cookie or ()),
        headers=tuple(_pair(h, ":", "--header") for h in header or ()), jwt_key_pem=_pem(jwt_key),
        now=_clock(now), max_hops=max_hops or 30, sdk_version=sdk_version, browser=browser.value, secret_key=secret)
    if declared or not any(a.path is not None and a.path.is_dir() for a in setup.apps):
        result = run_simulation(setup, settings)
    else:
        from clerkdomains.lint.simulation import simulate_apps

        result = simulate_apps(setup, settings, relative_to=Path.cwd())
    from clerkdomains.sync.hops import show_tokens_while

    if chosen == "mermaid":
        from clerkdomains.render.mermaid import render_mermaid

        with show_tokens_while(show_tokens):
            out(render_mermaid(result))
    else:
        from clerkdomains.render.human_trace import render_trace

        with show_tokens_while(show_tokens):
            emit("trace-sync", result, chosen, color=color,
                 human=lambda c, w: render_trace(result, color=c, width=w))
    finish(result.findings)


def _pair(text: str, sep: str, flag: str) -> tuple[str, str]:
    from clerkdomains.errors import InputError

    name, found, value = text.partition(sep)
    if not found or not name.strip():
        example = "NAME=VALUE" if sep == "=" else '"Name: value"'
        raise InputError(f"{flag} {text!r} is not {example}")
    return name.strip(), value.strip()


def _pem(value: str | None) -> str | None:
    from clerkdomains.errors import InputError

    if not value:
        return None
    if "-----BEGIN" in value:
        return value
    path = Path(value)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"--jwt-key {value}: cannot read: {exc.strerror or exc}") from None
    if "-----BEGIN" not in text:
        raise InputError(f"--jwt-key {value}: not a PEM public key")
    return text


def _clock(value: str | None) -> float:
    import time
    from datetime import datetime, timezone

    from clerkdomains.errors import InputError

    if value is None:
        return time.time()
    try:
        return float(value)
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"--now {value!r} is neither Unix seconds nor an ISO-8601 time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()
