"""Rules on the effective setup itself: what each side of the app really runs with.

Codes:
- ``keys.publishable.missing`` / ``keys.secret.missing`` (error): the side that needs the key gets
  none from the app's env files or code (the SDK throws "Publishable key is missing." / "Missing
  Clerk Secret Key ...").
- ``app.option.disagree`` (error for the sync options, else warning): the server middleware and
  the browser SDK end up with different values, or code and env file set one option differently.
- ``app.option.not-declared`` (warning): clerkdomains.toml declares a value the app does not run with.
- ``app.option.unknown`` (info): an option's value is computed at run time; check cannot see it.
- ``script-tag.attribute.unknown`` (error): a ``data-clerk-*`` attribute clerk-js does not read
  (only ``data-clerk-publishable-key``, ``data-clerk-proxy-url`` and ``data-clerk-domain`` exist).

Failing: a Next.js satellite whose ``.env.local`` has no ``CLERK_SECRET_KEY`` → ``keys.secret.missing``.
Passing: the same app with ``CLERK_SECRET_KEY=sk_test_...`` in ``.env.local``.
"""

from __future__ import annotations

from clerkdomains import findings as F
from clerkdomains.findings import Finding

from .context import AppContext

_SYNC_OPTIONS = ("isSatellite", "domain", "proxyUrl", "signInUrl", "signUpUrl", "publishableKey")
_DECLARED = {"domain": "domain", "proxyUrl": "proxy_url", "signInUrl": "sign_in_url", "signUpUrl": "sign_up_url",
             "satelliteAutoSync": "auto_sync"}


def check_effective(ctx: AppContext) -> list[Finding]:
    read = ctx.read
    if read is None or not any(s.mentions_clerk for s in ctx.sources):
        return []
    return [*_keys(ctx), *_disagree(ctx), *_declared(ctx), *_unknown(ctx), *_script_tag(ctx)]


def _env_file(ctx: AppContext) -> str:
    assert ctx.folder is not None
    return str(ctx.folder / (ctx.info.env_file or ".env"))


def _keys(ctx: AppContext) -> list[Finding]:
    read = ctx.read
    assert read is not None
    out: list[Finding] = []
    sides = [("browser", read.browser)] + ([("server", read.server)] if read.server else [])
    for side, table in sides:
        eff = table.get("publishableKey")
        if eff is not None and eff.known and not eff.value:
            name = ctx.info.env.publishable_key
            fix = (f"add {name}=pk_... to {ctx.info.env_file or '.env'} (or to the host's environment: check "
                   "cannot see that; `clerk env pull` writes it)") if name else \
                "add data-clerk-publishable-key=\"pk_...\" to the Clerk script tag"
            out.append(F.error("keys.publishable.missing", ctx.app.name,
                               f"the {side} SDK of {ctx.app.name} gets no publishable key; it throws "
                               "\"Publishable key is missing.\"", fix,
                               file=_env_file(ctx) if name else None, line=None))
            break
    if read.server:
        eff = read.server.get("secretKey")
        if eff is not None and eff.known and not eff.value:
            name = ctx.info.env.secret_key or "CLERK_SECRET_KEY"
            out.append(F.error("keys.secret.missing", ctx.app.name,
                               f"the server middleware of {ctx.app.name} gets no secret key; @clerk/backend throws "
                               "\"Missing Clerk Secret Key.\" on every request",
                               f"add {name}=sk_... to {ctx.info.env_file or '.env'} (or to the host's environment: "
                               "check cannot see that; `clerk env pull` writes it)",
                               file=_env_file(ctx), line=None))
    return out


def _show(value: object) -> str:
    if isinstance(value, str) and value.startswith(("sk_", "pk_")):
        return value[:8] + "…"
    return repr(value)


def _disagree(ctx: AppContext) -> list[Finding]:
    read = ctx.read
    assert read is not None
    out: list[Finding] = []
    if read.server:
        for name in _SYNC_OPTIONS:
            server, browser = read.server.get(name), read.browser.get(name)
            if server is None or browser is None or not (server.known and browser.known):
                continue
            if server.value == browser.value or server.value is None and browser.value is None:
                continue
            s_from = f"{server.setting.rel}:{server.setting.line}" if server.setting else "the default"
            b_from = f"{browser.setting.rel}:{browser.setting.line}" if browser.setting else "the default"
            where = browser.setting or server.setting
            out.append(F.error(
                "app.option.disagree", ctx.app.name,
                f"{name} is {_show(server.value)} for the server middleware ({s_from}) but {_show(browser.value)} "
                f"for the browser SDK ({b_from}); the two halves of the sync then disagree",
                f"set {name} once (in {ctx.info.env_file or 'the env file'}) and let both read it, or give both "
                "the same value", **({"file": str(where.path), "line": where.line} if where else {})))
    for name in _SYNC_OPTIONS:
        settings = [s for s in read.settings_of(name) if s.known and s.value is not None]
        code = [s for s in settings if s.origin == "source"]
        env = [s for s in settings if s.origin == "env"]
        for c in code:
            for e in env:
                if c.value != e.value and e.applies_to("server" if c.side == "server" else "browser"):
                    out.append(F.warning(
                        "app.option.disagree", ctx.app.name,
                        f"{name} is {_show(c.value)} in {c.rel}:{c.line} but {e.site} is {_show(e.value)} "
                        f"({e.rel}:{e.line}); the code wins, so the env line is dead and misleading",
                        "remove one of them, or make them equal", file=str(c.path), line=c.line))
    return out


def _declared(ctx: AppContext) -> list[Finding]:
    read = ctx.read
    assert read is not None
    if not ctx.app.is_satellite:
        return []
    table = read.server or read.browser
    out: list[Finding] = []
    for option, key in _DECLARED.items():
        declared = getattr(ctx.app, key)
        eff = table.get(option)
        if declared is None or eff is None or not eff.known:
            continue
        if option == "satelliteAutoSync" and eff.value is None and declared is False:
            continue  # unset means false from @clerk/backend 3.2.3 (the version rules warn otherwise)
        if eff.value is not None and eff.value != declared:
            from_ = f"{eff.setting.rel}:{eff.setting.line}" if eff.setting else "the default"
            out.append(F.warning(
                "app.option.not-declared", ctx.app.name,
                f"clerkdomains.toml says {key} = {declared!r}, but the app runs with {option} = {eff.value!r} "
                f"({from_}); the simulation and DNS records follow the config, the users follow the app",
                f"make them equal: change {from_} or the config's {key}", **ctx.config_where(key)))
    return out


def _unknown(ctx: AppContext) -> list[Finding]:
    read = ctx.read
    assert read is not None
    seen: set[tuple[str, str]] = set()
    out: list[Finding] = []
    for table in (read.server, read.browser):
        for name, eff in table.items():
            if eff.known or eff.setting is None or name == "allowedRedirectOrigins" \
                    or (name, eff.setting.expression) in seen:
                continue
            seen.add((name, eff.setting.expression))
            out.append(F.info("app.option.unknown", ctx.app.name,
                              f"{name} comes from `{eff.setting.expression}`, which check cannot evaluate "
                              "statically; the rules about it were not applied",
                              f"write {name} as a literal or an env variable reference if you want it checked",
                              file=str(eff.setting.path), line=eff.setting.line))
    return out


def _script_tag(ctx: AppContext) -> list[Finding]:
    read = ctx.read
    assert read is not None
    out = []
    for s in read.settings:
        if s.site == "script tag" and s.name.startswith("data-clerk-"):
            option = "".join(p.capitalize() if i else p for i, p in enumerate(s.name[len("data-clerk-"):].split("-")))
            out.append(F.error(
                "script-tag.attribute.unknown", ctx.app.name,
                f"clerk-js does not read {s.name} (its script tag reads only data-clerk-publishable-key, "
                "data-clerk-proxy-url and data-clerk-domain), so this setting has no effect",
                f"pass {option} to window.Clerk.load({{ {option}: ... }}) instead", file=str(s.path), line=s.line))
    return out
