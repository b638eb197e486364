"""The ``clerkdomains.toml`` model: one instance, one primary app, any number of satellites.

``load_setup(path)`` reads and validates the file and returns a frozen
:class:`Setup`; every problem is a :class:`~clerkdomains.errors.ConfigError`
with a one-line message naming the file, the table and the key. Every key is
documented in the README ("Configuration"). The secret key is never read from
this file: ``CLERK_SECRET_KEY`` in the environment only.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .errors import ConfigError, InputError, KeyFormatError
from .frameworks import Framework
from .keys import InstanceType, PublishableKey, looks_like_secret, parse_publishable_key
from .origins import AppUrl, check_origin_glob, normalize_host, parse_app_url

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_NAME = "clerkdomains.toml"
MAX_CONFIG_BYTES = 1024 * 1024  # a real one is a few hundred bytes
Role = Literal["primary", "satellite"]

_INSTANCE_KEYS = {"publishable_key", "environment", "mail_token"}
_COMMON_APP_KEYS = {"url", "framework", "path", "publishable_key", "sdk_version"}
_PRIMARY_KEYS = _COMMON_APP_KEYS | {"sign_in_path", "sign_up_path", "allowed_redirect_origins", "proxy_url"}
_SATELLITE_KEYS = _COMMON_APP_KEYS | {"auto_sync", "proxy_url", "domain", "sign_in_url", "sign_up_url"}


@dataclass(frozen=True)
class Instance:
    """The Clerk instance every app of the setup belongs to."""

    instance_type: InstanceType
    publishable_key: PublishableKey | None
    key_source: str | None  # "config", "env CLERK_PUBLISHABLE_KEY", or None
    mail_token: str | None = None

    @property
    def is_production(self) -> bool:
        return self.instance_type == "production"


@dataclass(frozen=True)
class App:
    """One app (primary or satellite) as the config describes it."""

    role: Role
    name: str  # "primary", "satellite 1", ...
    url: AppUrl
    framework: Framework
    path: Path | None  # absolute; None when the config gives no folder
    # primary
    sign_in_path: str = "/sign-in"
    sign_up_path: str = "/sign-up"
    allowed_redirect_origins: tuple[str, ...] | None = None  # None: every satellite origin
    # satellite
    auto_sync: bool | None = None  # None: unset (SDK default)
    proxy_url: str | None = None
    domain: str | None = None  # the `domain` option; defaults to url.domain
    sign_in_url: str | None = None
    sign_up_url: str | None = None
    # per-app overrides
    publishable_key: PublishableKey | None = None  # only when it differs from the instance's
    sdk_version: str | None = None  # @clerk/backend version the app runs, if known

    @property
    def is_satellite(self) -> bool:
        return self.role == "satellite"

    @property
    def origin(self) -> str:
        return self.url.origin


@dataclass(frozen=True)
class Setup:
    path: Path | None
    instance: Instance
    primary: App
    satellites: tuple[App, ...] = field(default_factory=tuple)

    @property
    def root(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    @property
    def apps(self) -> tuple[App, ...]:
        return (self.primary, *self.satellites)

    def key_for(self, app: App) -> PublishableKey | None:
        return app.publishable_key or self.instance.publishable_key

    def sign_in_url(self, app: App) -> str:
        """The sign-in URL an app uses: a path on the primary, the primary's absolute URL on a satellite."""
        if not app.is_satellite:
            return app.sign_in_path
        return app.sign_in_url or self.primary.origin + self.primary.sign_in_path

    def sign_up_url(self, app: App) -> str:
        if not app.is_satellite:
            return app.sign_up_path
        return app.sign_up_url or self.primary.origin + self.primary.sign_up_path

    def domain_of(self, app: App) -> str:
        return app.domain if app.domain is not None else app.url.domain

    def allowed_redirect_origins(self) -> tuple[str, ...]:
        if self.primary.allowed_redirect_origins is not None:
            return self.primary.allowed_redirect_origins
        return tuple(dict.fromkeys(s.origin for s in self.satellites))

    def app_for_url(self, url: str) -> App | None:
        """The app whose origin matches ``url`` (None when none does)."""
        try:
            origin = parse_app_url(url).origin
        except InputError:
            return None
        return next((a for a in self.apps if a.origin == origin), None)


# --- loading ------------------------------------------------------------------------


def find_config(start: Path | None = None) -> Path | None:
    """``clerkdomains.toml`` in ``start`` or its parents."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load_setup(path: Path | str | None = None, *, env: Mapping[str, str] | None = None) -> Setup:
    """Read and validate a clerkdomains.toml (found upwards from the cwd when ``path`` is None)."""
    if path is None:
        found = find_config()
        if found is None:
            raise ConfigError(f"no {CONFIG_NAME} here or in a parent folder",
                              hint="run `clerkdomains init` or pass --config FILE")
        path = found
    path = Path(path)
    try:
        if path.exists() and not path.is_file():
            raise ConfigError(f"{path}: not a regular file", hint="pass --config FILE naming a clerkdomains.toml")
        if path.exists() and path.stat().st_size > MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES // 1024} KiB; not a clerkdomains.toml")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file", hint="run `clerkdomains init` or pass --config FILE") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {_reason(exc)}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {_reason(exc)}") from None
    except RecursionError:
        raise ConfigError(f"{path}: arrays or inline tables are nested too deeply to read") from None
    try:
        return setup_from_dict(data, path=path.resolve(), env=os.environ if env is None else env)
    except RecursionError:  # a value nested thousands deep that some check still walked
        raise ConfigError(f"{path}: a value is nested too deeply to check") from None


def _reason(exc: BaseException) -> str:
    """An exception's text on one line."""
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def setup_from_dict(data: Mapping[str, Any], *, path: Path | None = None,
                    env: Mapping[str, str] | None = None) -> Setup:
    where = str(path.name if path else CONFIG_NAME)
    env = {} if env is None else env
    root = path.parent if path else Path.cwd()
    _no_unknown(data, {"instance", "primary", "satellite"}, where, "")

    instance = _instance(_table(data, "instance", where, required=False), where, env)
    primary_data = _table(data, "primary", where, required=True)
    primary = _app(primary_data, "primary", "primary", where, root, instance)
    sats_raw = data.get("satellite", [])
    if isinstance(sats_raw, dict):
        sats_raw = [sats_raw]
    if not isinstance(sats_raw, list) or not all(isinstance(s, dict) for s in sats_raw):
        raise ConfigError(f"{where}: [[satellite]] must be an array of tables")
    satellites = tuple(
        _app(s, "satellite", f"satellite {i}", where, root, instance) for i, s in enumerate(sats_raw, 1)
    )
    origins = [primary.origin] + [s.origin for s in satellites]
    dupes = sorted({o for o in origins if origins.count(o) > 1})
    if dupes:
        raise ConfigError(f"{where}: two apps share the origin {dupes[0]}")
    return Setup(path=path, instance=instance, primary=primary, satellites=satellites)


def _table(data: Mapping[str, Any], name: str, where: str, *, required: bool) -> Mapping[str, Any]:
    value = data.get(name)
    if value is None:
        if required:
            raise ConfigError(f"{where}: missing [{name}] table")
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: [{name}] must be a table")
    return value


def _no_unknown(data: Mapping[str, Any], allowed: set[str], where: str, table: str) -> None:
    for key in data:
        if key not in allowed:
            place = f"[{table}] " if table else ""
            raise ConfigError(f"{where}: {place}unknown key {key!r} (known: {', '.join(sorted(allowed))})")


def _str(data: Mapping[str, Any], key: str, where: str, table: str, *, default: str | None = None) -> str | None:
    value = data.get(key, default)
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{where}: [{table}] {key} must be a string")
    return value


def _parse_key(text: str, where: str, table: str) -> PublishableKey:
    if looks_like_secret(text):
        raise ConfigError(f"{where}: [{table}] publishable_key holds a secret key; "
                          "secret keys belong in the CLERK_SECRET_KEY environment variable only")
    try:
        return parse_publishable_key(text)
    except KeyFormatError as exc:
        raise ConfigError(f"{where}: [{table}] publishable_key: {exc.message}", hint=exc.hint) from None


def _instance(data: Mapping[str, Any], where: str, env: Mapping[str, str]) -> Instance:
    _no_unknown(data, _INSTANCE_KEYS, where, "instance")
    key_text = _str(data, "publishable_key", where, "instance")
    source = "config" if key_text else None
    if not key_text and env.get("CLERK_PUBLISHABLE_KEY"):
        key_text, source = env["CLERK_PUBLISHABLE_KEY"], "env CLERK_PUBLISHABLE_KEY"
    key = _parse_key(key_text, where, "instance") if key_text else None
    environment = _str(data, "environment", where, "instance")
    if environment is not None and environment not in ("development", "production"):
        raise ConfigError(f"{where}: [instance] environment must be \"development\" or \"production\", "
                          f"not {environment!r}")
    if key and environment and key.instance_type != environment:
        raise ConfigError(f"{where}: [instance] environment is {environment!r} but the publishable key "
                          f"is a {key.instance_type} key")
    instance_type = key.instance_type if key else environment
    if instance_type is None:
        raise ConfigError(f"{where}: [instance] needs publishable_key or environment "
                          "(or CLERK_PUBLISHABLE_KEY in the environment)")
    mail = _str(data, "mail_token", where, "instance")
    return Instance(instance_type=instance_type, publishable_key=key, key_source=source,  # type: ignore[arg-type]
                    mail_token=mail or None)


def _path_value(value: str, key: str, where: str, table: str) -> str:
    if not value.startswith("/") or value.startswith("//"):
        raise ConfigError(f"{where}: [{table}] {key} must start with one '/', got {_shown(value)}")
    if "\\" in value or any(ord(c) < 0x21 or ord(c) == 0x7F for c in value):
        raise ConfigError(f"{where}: [{table}] {key} {_shown(value)} contains a space, a backslash "
                          "or a control character")
    return value


def _folder(text: str, root: Path, where: str, label: str) -> Path:
    """The app folder ``path`` names, absolute. Refused: control characters and names the
    file system cannot hold (a NUL byte, a name over 255 bytes), before any command opens it."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        raise ConfigError(f"{where}: [{label}] path {_shown(text)} contains a control character")
    parts = Path(text).parts
    if len(text.encode("utf-8", "surrogatepass")) > 4000 or any(
            len(p.encode("utf-8", "surrogatepass")) > 255 for p in parts):
        raise ConfigError(f"{where}: [{label}] path {_shown(text)} is too long for a folder name")
    try:
        return (root / text).resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # a symlink loop on the way, ...
        raise ConfigError(f"{where}: [{label}] path {_shown(text)} cannot be resolved: {_reason(exc)}") from None


def _app(data: Mapping[str, Any], role: Role, name: str, where: str, root: Path, instance: Instance) -> App:
    table = "primary" if role == "primary" else "[satellite]"
    label = "primary" if role == "primary" else name
    _no_unknown(data, _PRIMARY_KEYS if role == "primary" else _SATELLITE_KEYS, where, table if role == "primary" else f"{name}")
    url_text = _str(data, "url", where, label)
    if not url_text:
        raise ConfigError(f"{where}: [{label}] url is required")
    try:
        url = parse_app_url(url_text, what=f"[{label}] url")
    except InputError as exc:
        raise ConfigError(f"{where}: {exc.message}") from None
    if not url.is_origin:
        raise ConfigError(f"{where}: [{label}] url must be an origin (scheme://host[:port]), "
                          f"got {_shown(url_text)}")
    fw_text = _str(data, "framework", where, label, default="nextjs") or "nextjs"
    try:
        framework = Framework(fw_text)
    except ValueError:
        names = ", ".join(f.value for f in Framework)
        raise ConfigError(f"{where}: [{label}] unknown framework {fw_text!r} (one of: {names})") from None
    path_text = _str(data, "path", where, label)
    path = _folder(path_text, root, where, label) if path_text else None
    key_text = _str(data, "publishable_key", where, label)
    key = _parse_key(key_text, where, label) if key_text else None
    if key and instance.publishable_key and key.key == instance.publishable_key.key:
        key = None
    common: dict[str, Any] = {"role": role, "name": name, "url": url, "framework": framework, "path": path,
                                  "publishable_key": key, "sdk_version": _str(data, "sdk_version", where, label)}
    proxy = _url_or_path(data, "proxy_url", where, label)
    if role == "primary":
        aro = data.get("allowed_redirect_origins")
        if aro is not None and (not isinstance(aro, list) or not all(isinstance(o, str) for o in aro)):
            raise ConfigError(f"{where}: [primary] allowed_redirect_origins must be a list of strings")
        for entry in aro or ():
            try:
                check_origin_glob(entry, what="[primary] allowed_redirect_origins entry")
            except InputError as exc:
                raise ConfigError(f"{where}: {exc.message}") from None
        return App(**common,
                   sign_in_path=_path_value(_str(data, "sign_in_path", where, label, default="/sign-in") or "",
                                            "sign_in_path", where, label),
                   sign_up_path=_path_value(_str(data, "sign_up_path", where, label, default="/sign-up") or "",
                                            "sign_up_path", where, label),
                   allowed_redirect_origins=tuple(aro) if aro is not None else None,
                   proxy_url=proxy or None)
    auto_sync = data.get("auto_sync")
    if auto_sync is not None and not isinstance(auto_sync, bool):
        raise ConfigError(f"{where}: [{label}] auto_sync must be true or false")
    return App(**common, auto_sync=auto_sync, proxy_url=proxy or None,
               domain=_domain(data, where, label),
               sign_in_url=_url_or_path(data, "sign_in_url", where, label),
               sign_up_url=_url_or_path(data, "sign_up_url", where, label))


def _url_or_path(data: Mapping[str, Any], key: str, where: str, label: str) -> str | None:
    """An absolute http(s) URL (checked by :func:`~clerkdomains.origins.parse_app_url`) or a
    path starting with one '/'. A relative one is the user's choice (``check`` says what it
    does to a satellite); any other scheme, user info or broken host is refused here, once,
    for every command."""
    value = _str(data, key, where, label)
    if value is None or value == "":
        return value
    if value.startswith("/") and not value.startswith("//"):
        if "\\" in value or any(ord(c) < 0x21 or ord(c) == 0x7F for c in value):
            raise ConfigError(f"{where}: [{label}] {key} {_shown(value)} contains a space, a backslash "
                              "or a control character")
        return value
    if ":" not in value.split("/", 1)[0] or value.startswith("//"):
        raise ConfigError(f"{where}: [{label}] {key} must be an absolute http(s) URL or a path starting "
                          f"with '/', got {_shown(value)}")
    try:
        parse_app_url(value, what=f"[{label}] {key}")
    except InputError as exc:
        raise ConfigError(f"{where}: {exc.message}") from None
    return value


def _domain(data: Mapping[str, Any], where: str, label: str) -> str | None:
    """The ``domain`` option: host[:port]. The shapes users get wrong and the SDK still takes
    (a scheme in front, a trailing slash, a ``clerk.`` prefix) are kept for ``check`` and the
    simulation to explain; a value that is no host at all is refused."""
    value = _str(data, "domain", where, label)
    if value is None or value == "":
        return value
    bare = value
    for prefix in ("https://", "http://"):
        if bare.lower().startswith(prefix):
            bare = bare[len(prefix):]
    bare = bare[:-1] if bare.endswith("/") else bare
    host, port = bare, None
    if not bare.endswith("]") and ":" in bare:
        host, _, port = bare.rpartition(":")
    try:
        normalize_host(host, what=f"[{label}] domain {_shown(value)}")
    except InputError as exc:
        raise ConfigError(f"{where}: {exc.message}", hint="write the satellite's host, e.g. satellite.dev") from None
    if port is not None and not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        raise ConfigError(f"{where}: [{label}] domain {_shown(value)} has an invalid port")
    return value


def _shown(value: str) -> str:
    """A user's value for a one-line message: quoted, escaped, cut when long."""
    return repr(value if len(value) <= 80 else value[:80] + "…")


def setup_to_dict(setup: Setup) -> dict[str, Any]:
    """The TOML data of a setup (what ``init`` writes with tomli-w)."""
    inst: dict[str, Any] = {}
    if setup.instance.publishable_key and setup.instance.key_source == "config":
        inst["publishable_key"] = setup.instance.publishable_key.key
    else:
        inst["environment"] = setup.instance.instance_type
    if setup.instance.mail_token:
        inst["mail_token"] = setup.instance.mail_token

    def rel(p: Path | None) -> str | None:
        if p is None:
            return None
        try:
            return os.path.relpath(p, setup.root)
        except ValueError:
            return str(p)

    def app(a: App) -> dict[str, Any]:
        out: dict[str, Any] = {"url": a.origin, "framework": a.framework.value}
        if a.path is not None:
            out["path"] = rel(a.path)
        if a.role == "primary":
            out["sign_in_path"] = a.sign_in_path
            out["sign_up_path"] = a.sign_up_path
            if a.allowed_redirect_origins is not None:
                out["allowed_redirect_origins"] = list(a.allowed_redirect_origins)
        else:
            out["auto_sync"] = bool(a.auto_sync)
            for key in ("proxy_url", "domain", "sign_in_url", "sign_up_url"):
                if getattr(a, key) is not None:
                    out[key] = getattr(a, key)
        if a.publishable_key:
            out["publishable_key"] = a.publishable_key.key
        if a.sdk_version:
            out["sdk_version"] = a.sdk_version
        return out

    data: dict[str, Any] = {"instance": inst, "primary": app(setup.primary)}
    if setup.satellites:
        data["satellite"] = [app(s) for s in setup.satellites]
    return data
