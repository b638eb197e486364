"""Key rules: keys decode, one instance, pk/sk types agree, keys fit the URL, secrets stay secret.

Codes: ``keys.invalid``, ``keys.instance-mismatch``, ``keys.type-mismatch``,
``keys.live-on-localhost``, ``keys.test-on-production``, ``keys.secret-exposed``,
``keys.secret-in-source``, ``env.not-gitignored`` (clerk-protocol.md §1.1, §1.3;
user-pains.md 7, 20–23).
"""

from __future__ import annotations

import re

from clerkdomains import findings as F
from clerkdomains.errors import KeyFormatError
from clerkdomains.findings import Finding
from clerkdomains.gitignore import is_ignored
from clerkdomains.keys import PublishableKey, parse_publishable_key, parse_secret_key

from .context import AppContext
from .envfiles import EnvValue

# Prefixes whose variables bundlers inline into browser code.
PUBLIC_PREFIXES = ("NEXT_PUBLIC_", "VITE_", "NUXT_PUBLIC_", "PUBLIC_", "EXPO_PUBLIC_", "REACT_APP_",
                   "GATSBY_", "NG_APP_")
_SECRET_LITERAL = re.compile(r"\bsk_(?:live|test)_[A-Za-z0-9]{8,}")
_PLACEHOLDER = re.compile(r"REPLACE|YOUR[_-]|<[^>]*>|\.\.\.|x{6,}", re.I)


def is_placeholder(value: str) -> bool:
    """A value someone still has to fill in (``pk_live_REPLACE_WITH_YOUR_PUBLISHABLE_KEY``)."""
    return bool(_PLACEHOLDER.search(value))


def _is_pk_name(name: str) -> bool:
    return name.endswith("PUBLISHABLE_KEY")


def _where(value: EnvValue) -> dict[str, object]:
    return {"file": str(value.file), "line": value.line}


def _publishable_keys(ctx: AppContext) -> list[tuple[str, str, str, dict[str, object]]]:
    """Every publishable key the app sets: (label, value, env target, where)."""
    keys = [(v.name, v.value, v.target, _where(v)) for v in ctx.env if _is_pk_name(v.name) and v.value]
    keys += [("publishableKey", o.value, "any", o.where) for o in ctx.options_named("publishableKey")
             if isinstance(o.value, str) and o.value.startswith("pk_")]
    return keys


def found_keys(ctx: AppContext) -> list[tuple[PublishableKey, dict[str, object]]]:
    """Every publishable key in the app's env files and sources that decodes, with where it is."""
    keys = []
    for _label, text, _target, where in _publishable_keys(ctx):
        try:
            keys.append((parse_publishable_key(text), where))
        except KeyFormatError:
            pass
    return keys


def check_keys(ctx: AppContext, reference: PublishableKey | None) -> list[Finding]:
    out: list[Finding] = []
    name = ctx.app.name
    for label, text, target, where in _publishable_keys(ctx):
        if is_placeholder(text):
            out.append(F.error("keys.placeholder", name, f"{label} is still the placeholder {text!r}",
                               "paste the publishable key from the Clerk Dashboard → API keys", **where))
            continue
        try:
            pk = parse_publishable_key(text)
        except KeyFormatError as exc:
            out.append(F.error("keys.invalid", name, f"{label} does not decode: {exc.message}",
                               "copy the publishable key again from the Clerk Dashboard → API keys", **where))
            continue
        out.extend(_key_fits(ctx, pk, label, target, reference, where))
    out.extend(_secrets(ctx))
    return out


def _key_fits(ctx: AppContext, pk: PublishableKey, label: str, target: str,
              reference: PublishableKey | None, where: dict[str, object]) -> list[Finding]:
    out: list[Finding] = []
    name, url = ctx.app.name, ctx.app.url
    if reference and pk.frontend_api != reference.frontend_api:
        out.append(F.error(
            "keys.instance-mismatch", name,
            f"{label} belongs to the instance at {pk.frontend_api}, but the setup uses {reference.frontend_api}",
            f"every app of a multi-domain setup uses the same instance's keys: set {label}={reference.key}",
            **where))
    if pk.is_production and url.is_local and target != "production":
        out.append(F.error(
            "keys.live-on-localhost", name,
            f"{label} is a production key (pk_live_) but {ctx.app.origin} is a local URL; Clerk answers "
            "\"Production Keys are only allowed for domain …\"",
            "use the development instance's pk_test_/sk_test_ keys for local work, and keep the live keys "
            "in .env.production or the host's production settings", **where))
    if not pk.is_production and not url.is_local and target != "development":
        out.append(F.warning(
            "keys.test-on-production", name,
            f"{label} is a development key (pk_test_) on the production URL {ctx.app.origin}",
            "use the production instance's pk_live_/sk_live_ keys for the deployed app", **where))
    return out


def _secrets(ctx: AppContext) -> list[Finding]:
    out: list[Finding] = []
    name = ctx.app.name
    secret_files = set()
    for value in ctx.env:
        secret = parse_secret_key(value.value) if value.value else None
        if secret is None:
            continue
        if is_placeholder(value.value):
            out.append(F.info("keys.secret-placeholder", name, f"{value.name} is still a placeholder; "
                              "fill it in before running the app", f"write {value.name}=<the secret key from "
                              "the Clerk Dashboard → API keys>", **_where(value)))
            continue
        secret_files.add(value.file)
        if value.name.startswith(PUBLIC_PREFIXES):
            out.append(F.error(
                "keys.secret-exposed", name,
                f"{value.name} holds a secret key ({secret.masked}); variables starting with "
                f"{next(p for p in PUBLIC_PREFIXES if value.name.startswith(p))} are bundled into browser code",
                f"rename it to {ctx.info.env.secret_key or 'CLERK_SECRET_KEY'} (server only) and rotate the "
                "key in the Clerk Dashboard", **_where(value)))
        pk_value = next((v for v in ctx.env if _is_pk_name(v.name) and v.file == value.file), None)
        if pk_value is None:
            pk_value = ctx.env_value(ctx.info.env.publishable_key)
        if secret.kind == "secret" and pk_value is not None:
            try:
                pk = parse_publishable_key(pk_value.value)
            except KeyFormatError:
                continue
            if secret.instance_type != pk.instance_type:
                out.append(F.error(
                    "keys.type-mismatch", name,
                    f"{value.name} is a {secret.instance_type} secret key ({secret.masked}) but "
                    f"{pk_value.name} ({pk_value.file.name}:{pk_value.line}) is a {pk.instance_type} "
                    "publishable key; the SDK does not notice and handshakes fail",
                    f"copy both keys from the same instance: {'sk_live_' if pk.is_production else 'sk_test_'}… "
                    f"goes with {pk.key[:8]}…", **_where(value)))
    for path in sorted(secret_files):
        if ctx.folder and not is_ignored(path.resolve(), ctx.setup.root.resolve()):
            out.append(F.error(
                "env.not-gitignored", name,
                f"{path.name} holds a Clerk secret key and no .gitignore ignores it",
                f"add the line `{path.name}` (or `.env*`) to .gitignore, and rotate the key if it was committed",
                file=str(path), line=None))
    for source in ctx.sources:
        for match in _SECRET_LITERAL.finditer(source.text):
            out.append(F.error(
                "keys.secret-in-source", name,
                f"a secret key ({match.group(0)[:8]}*********) is written into {source.rel}",
                f"read it from the {ctx.info.env.secret_key or 'CLERK_SECRET_KEY'} environment variable on "
                "the server and rotate the key", file=str(source.path), line=source.line_of(match.start())))
    return out
