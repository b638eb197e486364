"""Satellite option rules: ``domain``, ``isSatellite``, sign-in/up URLs, ``proxyUrl``, same-site.

Codes: ``satellite.domain.has-scheme``, ``satellite.domain.clerk-prefix``,
``satellite.domain.not-own-host``, ``satellite.domain.missing``, ``satellite.is-satellite.not-true``,
``satellite.is-satellite.missing``, ``primary.is-satellite.set``,
``satellite.sign-in-url.missing|relative|not-primary``,
``satellite.sign-up-url.missing|relative|not-primary``, ``satellite.proxy-url.invalid``,
``satellite.proxy-url.with-domain``, ``satellite.proxy-url.development``,
``satellite.same-site-as-primary``, ``env.not-read`` (clerk-protocol.md §1.2, §1.4, §3.2, §6.1, §6.4;
user-pains.md 1, 13–16, 18, 29).
"""

from __future__ import annotations

from clerkdomains import findings as F
from clerkdomains.errors import InputError
from clerkdomains.findings import Finding
from clerkdomains.frameworks import is_truthy_env
from clerkdomains.origins import parse_app_url, same_site

from .context import AppContext
from .values import SetValue, is_set_anywhere, values_of


def check_satellite(ctx: AppContext) -> list[Finding]:
    if not ctx.app.is_satellite:
        return [*_primary_not_satellite(ctx), *_env_not_read(ctx)]
    return [*_env_not_read(ctx), *_domain(ctx), *_is_satellite(ctx), *_auth_urls(ctx), *_proxy(ctx), *_same_site(ctx)]


def _primary_not_satellite(ctx: AppContext) -> list[Finding]:
    out = []
    for sv in values_of(ctx, "isSatellite"):
        if (sv.value is True) or (isinstance(sv.value, str) and is_truthy_env(sv.value)):
            out.append(F.error("primary.is-satellite.set", ctx.app.name,
                               f"{sv.label} turns the primary app into a satellite",
                               f"remove it from the primary (or write {sv.fix(False)})", **sv.where))
    return out


_OPTION_SUFFIXES = {"IS_SATELLITE": "is_satellite", "DOMAIN": "domain", "PROXY_URL": "proxy_url",
                    "SIGN_IN_URL": "sign_in_url", "SIGN_UP_URL": "sign_up_url",
                    "ALLOWED_REDIRECT_ORIGINS": None}


def _env_not_read(ctx: AppContext) -> list[Finding]:
    """Satellite variables under a name this framework's SDK does not read (``CLERK_DOMAIN`` in a
    Next.js app, ``NEXT_PUBLIC_CLERK_ALLOWED_REDIRECT_ORIGINS`` anywhere) that no source file reads
    either. ASSUMPTION: frameworks.py lists the names each SDK reads."""
    out: list[Finding] = []
    defined = {v.name for v in ctx.env}
    for value in ctx.env:
        if "CLERK" not in value.name:
            continue
        suffix = next((s for s in _OPTION_SUFFIXES if value.name.endswith("CLERK_" + s)), None)
        if suffix is None:
            continue
        field = _OPTION_SUFFIXES[suffix]
        wanted = getattr(ctx.info.env, field) if field else None
        if value.name == wanted or (wanted and wanted in defined):
            continue
        if any(value.name in source.raw for source in ctx.sources):
            continue  # the app reads it itself
        if wanted:
            hint = f"rename it: {wanted}={value.value}"
        else:
            hint = ("no SDK reads allowed redirect origins from the environment: pass allowedRedirectOrigins "
                    "to the provider/middleware")
        out.append(F.warning(
            "env.not-read", ctx.app.name,
            f"{value.name} is not read by the {ctx.info.title} SDK, and no source file reads it",
            hint, file=str(value.file), line=value.line))
    return out


def bare_host(value: str) -> str:
    text = value.strip()
    if "://" in text:
        text = text.split("://", 1)[1]
    text = text.split("/", 1)[0]
    return text[len("clerk."):] if text.startswith("clerk.") else text


def _domain(ctx: AppContext) -> list[Finding]:
    out: list[Finding] = []
    own = ctx.app.url.domain
    primary = ctx.setup.primary.url.domain
    if ctx.folder and any(s.mentions_clerk for s in ctx.sources) and _no_domain_on_some_side(ctx):
        env_name = ctx.info.env.domain
        out.append(F.error(
            "satellite.domain.missing", ctx.app.name,
            f"neither a domain nor a proxy URL is set in {ctx.app.name}'s folder; the SDK throws \"Missing "
            "domain and proxyUrl. A satellite application needs to specify a domain or a proxyUrl\"",
            f"add {env_name}={own} to {ctx.info.env_file or '.env'}" if env_name else
            f"add data-clerk-domain=\"{own}\" to the Clerk script tag",
            file=str(ctx.folder / (ctx.info.env_file or ".env")) if env_name else None, line=None))
    for sv in values_of(ctx, "domain"):
        if not isinstance(sv.value, str) or not sv.value:
            continue
        value = sv.value.strip()
        fixed = bare_host(value)
        if "://" in value:
            out.append(F.error(
                "satellite.domain.has-scheme", ctx.app.name,
                f"{sv.label} is {value!r}: the server SDK makes its Frontend API host "
                f"'clerk.{value}', and clerk-js strips the scheme, so the two halves disagree",
                f"write the bare host[:port]: {sv.fix(fixed)}", **sv.where))
        elif value.startswith("clerk."):
            out.append(F.error(
                "satellite.domain.clerk-prefix", ctx.app.name,
                f"{sv.label} is {value!r}: the server SDK prefixes `clerk.` itself and calls "
                f"'clerk.{value}'",
                f"write the satellite's own host without `clerk.`: {sv.fix(fixed)}", **sv.where))
        if fixed.rstrip("/") != own:
            whose = "the primary's host" if fixed == primary else "not this satellite's own host"
            out.append(F.error(
                "satellite.domain.not-own-host", ctx.app.name,
                f"{sv.label} is {value!r}, {whose}; `domain` must be the satellite's own host[:port] "
                f"({own})", f"write {sv.fix(own)}", **sv.where))
    return out


def _no_domain_on_some_side(ctx: AppContext) -> bool:
    """The server middleware (or, without one, the browser SDK) gets neither a domain nor a proxy URL."""
    read = ctx.read
    if read is None:
        return not is_set_anywhere(ctx, "domain") and not is_set_anywhere(ctx, "proxyUrl")
    for table in ([read.server] if read.server else []) + [read.browser]:
        domain, proxy = table.get("domain"), table.get("proxyUrl")
        if domain and proxy and domain.known and proxy.known and not domain.value and not proxy.value:
            return True
    return False


def _reads_true(value: object) -> bool:
    return value is True or (isinstance(value, str) and is_truthy_env(value))


def _is_satellite(ctx: AppContext) -> list[Finding]:
    out = []
    for sv in values_of(ctx, "isSatellite"):
        if sv.env_name and not sv.env_defined:
            continue  # reported below: the variable it reads is not set
        if not _reads_true(sv.value):
            out.append(F.error(
                "satellite.is-satellite.not-true", ctx.app.name,
                f"{sv.label} is {sv.value!r}, which the SDK reads as false (it accepts `true` in any case "
                "or a positive number), so this app does not run as a satellite",
                f"write {sv.fix('true' if sv.origin == 'env' else True)}", **sv.where))
    read = ctx.read
    if read is None or not ctx.info.env.is_satellite or not any(s.mentions_clerk for s in ctx.sources):
        return out
    side = "server" if read.server else "browser"
    eff = read.effective(side, "isSatellite")
    unset = eff.setting is None or (eff.setting.env_name is not None and not eff.setting.env_defined)
    if eff.known and eff.value is not True and unset:
        reads = f" ({eff.setting.rel}:{eff.setting.line} reads it)" if eff.setting else ""
        out.append(F.error(
            "satellite.is-satellite.missing", ctx.app.name,
            f"the config says {ctx.app.origin} is a satellite, but neither {ctx.info.env.is_satellite} nor "
            f"an isSatellite option is set in its folder{reads}",
            f"add {ctx.info.env.is_satellite}=true to {ctx.info.env_file or '.env'}",
            file=str(ctx.folder / (ctx.info.env_file or ".env")), line=None))
    return out


def _auth_urls(ctx: AppContext) -> list[Finding]:
    out: list[Finding] = []
    primary = ctx.setup.primary
    dev = not ctx.is_production
    for option, kind, path in (("signInUrl", "sign-in", primary.sign_in_path),
                               ("signUpUrl", "sign-up", primary.sign_up_path)):
        want = primary.origin + path
        values = [sv for sv in values_of(ctx, option) if isinstance(sv.value, str)]
        for sv in values:
            out.extend(_auth_url(ctx, sv, kind, want, dev))
        env_name = getattr(ctx.info.env, "sign_in_url" if kind == "sign-in" else "sign_up_url")
        if not values and not is_set_anywhere(ctx, option) and ctx.folder and env_name:
            has_other = bool(values_of(ctx, "signInUrl" if kind == "sign-up" else "signUpUrl"))
            if kind == "sign-in" and dev:
                out.append(F.error(
                    "satellite.sign-in-url.missing", ctx.app.name,
                    "a development satellite needs an absolute signInUrl on the primary; the SDK throws "
                    "\"Missing signInUrl\"",
                    f"add {env_name}={want} to {ctx.info.env_file or '.env'}",
                    file=str(ctx.folder / (ctx.info.env_file or ".env")), line=None))
            elif kind == "sign-up" and (dev or has_other):
                out.append(F.warning(
                    "satellite.sign-up-url.missing", ctx.app.name,
                    "the satellite sets a sign-in URL but no sign-up URL; sign-up must also happen on "
                    "the primary", f"add {env_name}={want} to {ctx.info.env_file or '.env'}",
                    file=str(ctx.folder / (ctx.info.env_file or ".env")), line=None))
    return out


def _auth_url(ctx: AppContext, sv: SetValue, kind: str, want: str, dev: bool) -> list[Finding]:
    value = str(sv.value).strip()
    try:
        url = parse_app_url(value)
    except InputError:
        severity = F.error if dev else F.warning
        return [severity(
            f"satellite.{kind}-url.relative", ctx.app.name,
            f"{sv.label} is {value!r}; a satellite's {kind} URL must be absolute and on the primary"
            + (" (the SDK throws for development instances)" if dev else ""),
            f"write {sv.fix(want)}", **sv.where)]
    if url.origin != ctx.setup.primary.origin:
        own = " (the satellite's own origin: the SDK throws)" if url.origin == ctx.app.origin else ""
        return [F.error(
            f"satellite.{kind}-url.not-primary", ctx.app.name,
            f"{sv.label} is {value!r}, not on the primary {ctx.setup.primary.origin}{own}",
            f"write {sv.fix(want)}", **sv.where)]
    return []


def _proxy(ctx: AppContext) -> list[Finding]:
    out: list[Finding] = []
    domains = [sv for sv in values_of(ctx, "domain", config=False) if isinstance(sv.value, str) and sv.value]
    for sv in values_of(ctx, "proxyUrl"):
        if not isinstance(sv.value, str) or not sv.value:
            continue
        value = sv.value.strip()
        if not (value.startswith("/") or value.startswith(("http://", "https://"))):
            out.append(F.error(
                "satellite.proxy-url.invalid", ctx.app.name,
                f"{sv.label} is {value!r}; clerk-js expects an absolute URL or a path starting with '/'",
                f"write {sv.fix(ctx.app.origin + '/__clerk')}", **sv.where))
        if not ctx.is_production:
            out.append(F.error(
                "satellite.proxy-url.development", ctx.app.name,
                f"{sv.label} is set, but proxying the Frontend API does not work for development instances",
                f"remove {sv.label} for development and set the domain instead", **sv.where))
    proxies = [sv for sv in values_of(ctx, "proxyUrl") if isinstance(sv.value, str) and sv.value]
    for domain in domains if proxies else []:
        out.append(F.warning(
            "satellite.proxy-url.with-domain", ctx.app.name,
            f"{domain.label} is set next to {proxies[0].label}; Clerk's docs say use one, and the backend "
            "silently prefers the proxy", f"remove the line that sets {domain.label} and keep the proxy URL",
            **domain.where))
    return out


def _same_site(ctx: AppContext) -> list[Finding]:
    sat, primary = ctx.app.url, ctx.setup.primary.url
    if sat.is_local or primary.is_local or not same_site(sat.host, primary.host):
        return []
    return [F.warning(
        "satellite.same-site-as-primary", ctx.app.name,
        f"{sat.host} shares the registrable domain of the primary {primary.host}; subdomains share "
        "Clerk sessions without satellite mode",
        f"drop the [[satellite]] entry for {ctx.app.origin} and run it as a plain app of the primary's "
        "instance (no isSatellite, no domain)", **ctx.config_where("url"))]
