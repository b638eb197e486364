"""The ``authenticateRequest`` options ``explain`` runs with, by their SDK names.

A base (one app of clerkdomains.toml via :func:`clerkdomains.sync.options.options_for`, or
nothing but ``CLERK_SECRET_KEY`` / ``CLERK_PUBLISHABLE_KEY`` from the environment), then each
``--option name=value`` on top. Every effective option remembers where it came from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from clerkdomains.errors import InputError
from clerkdomains.sync.options import SdkOptions

# SDK name -> SdkOptions field (jwtKey is the verification key, kept apart)
SDK_OPTION_FIELDS: dict[str, str] = {
    "publishableKey": "publishable_key", "secretKey": "secret_key", "isSatellite": "is_satellite",
    "domain": "domain", "proxyUrl": "proxy_url", "signInUrl": "sign_in_url", "signUpUrl": "sign_up_url",
    "satelliteAutoSync": "satellite_auto_sync", "authorizedParties": "authorized_parties", "jwtKey": "jwt_key",
    "apiUrl": "api_url", "audience": "audience", "clockSkewInMs": "clock_skew_ms",
}
_BOOLEAN = {"isSatellite", "satelliteAutoSync"}
_LISTS = {"authorizedParties", "audience"}  # repeatable: each --option adds one value
_KEYS = {"publishableKey", "secretKey", "jwtKey"}  # kept as given ("" included)


@dataclass(frozen=True)
class EffectiveOptions:
    """The options, the ``jwtKey`` PEM and each option's source ("config <app>", "env NAME", "--option")."""

    options: SdkOptions
    jwt_key: str | None
    sources: tuple[tuple[str, str], ...]

    def source_of(self, sdk_name: str) -> str | None:
        return dict(self.sources).get(sdk_name)

    def to_data(self) -> dict[str, object]:
        """The SDK-named options as the SDK gets them, secrets redacted."""
        o = self.options
        out: dict[str, object] = {}
        for sdk_name, field_name in SDK_OPTION_FIELDS.items():
            if sdk_name == "jwtKey":
                value: object = "<PEM public key>" if self.jwt_key else None
            else:
                value = getattr(o, field_name)
            if sdk_name == "secretKey" and value:
                value = str(value)[:8] + "…"
            if isinstance(value, tuple):
                value = list(value)
            if value is None or (sdk_name == "isSatellite" and value is False and not self.source_of(sdk_name)):
                continue
            out[sdk_name] = value
        out["sdkVersion"] = o.sdk_version
        return {"values": out, "sources": dict(self.sources)}


def parse_option(text: str) -> tuple[str, str]:
    """``name=value`` with an SDK option name (one-line InputError otherwise)."""
    name, eq, value = text.partition("=")
    name = name.strip()
    if not eq:
        raise InputError(f"--option {text!r} is not name=value")
    if name not in SDK_OPTION_FIELDS:
        close = [n for n in SDK_OPTION_FIELDS if n.lower() == name.lower().replace("_", "").replace("-", "")]
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise InputError(f"--option {name}: not an authenticateRequest option{hint}; known: "
                         + ", ".join(SDK_OPTION_FIELDS))
    return name, value


def _boolean(name: str, value: str) -> bool | None:
    text = value.strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    if text == "" and name == "satelliteAutoSync":
        return None  # unset
    raise InputError(f"--option {name}={value}: give true or false")


def _number(name: str, value: str) -> float | None:
    if not value.strip():
        return None
    try:
        number = float(value)
    except ValueError:
        raise InputError(f"--option {name}={value}: not a number of milliseconds") from None
    return int(number) if number.is_integer() else number


def build_options(base: SdkOptions | None, base_source: str | None, option_args: Sequence[str], *,
                  env: Mapping[str, str], jwt_key: str | None = None, sdk_version: str | None = None,
                  read_pem: object = None) -> EffectiveOptions:
    """Apply ``--option`` values (``read_pem(text)`` turns a jwtKey file name into PEM text)."""
    sources: dict[str, str] = {}
    if base is None:
        base = SdkOptions(publishable_key=env.get("CLERK_PUBLISHABLE_KEY", ""),
                          secret_key=env.get("CLERK_SECRET_KEY", ""))
        for sdk_name, var in (("publishableKey", "CLERK_PUBLISHABLE_KEY"), ("secretKey", "CLERK_SECRET_KEY")):
            if env.get(var):
                sources[sdk_name] = f"env {var}"
    else:
        for sdk_name, field_name in SDK_OPTION_FIELDS.items():
            if sdk_name != "jwtKey" and getattr(base, field_name) not in (None, False):
                sources[sdk_name] = base_source or "config"
        if env.get("CLERK_SECRET_KEY"):
            base = replace(base, secret_key=env["CLERK_SECRET_KEY"])
            sources["secretKey"] = "env CLERK_SECRET_KEY"
    values: dict[str, object] = {}
    lists: dict[str, list[str]] = {}
    pem = jwt_key
    if jwt_key:
        sources["jwtKey"] = "--jwt-key"
    for text in option_args:
        name, value = parse_option(text)
        sources[name] = "--option"
        if name in _LISTS:
            if value:
                lists.setdefault(name, []).append(value)
            else:
                lists[name] = []
        elif name == "jwtKey":
            pem = read_pem(value) if callable(read_pem) and value else (value or None)
        elif name in _BOOLEAN:
            values[SDK_OPTION_FIELDS[name]] = _boolean(name, value)
        elif name == "clockSkewInMs":
            values["clock_skew_ms"] = _number(name, value)
        elif name in _KEYS:
            values[SDK_OPTION_FIELDS[name]] = value
        else:
            values[SDK_OPTION_FIELDS[name]] = value or None
    for name, items in lists.items():
        if name == "audience":
            values["audience"] = (items[0] if len(items) == 1 else tuple(items)) if items else None
        else:
            values["authorized_parties"] = tuple(items)
    options = replace(base, **values)  # type: ignore[arg-type]
    if sdk_version:
        options = replace(options, sdk_version=sdk_version)
    return EffectiveOptions(options=options, jwt_key=pem, sources=tuple(sources.items()))
