"""Conformance: clerkdomains.sync.backend.authenticate_request against the real
@clerk/backend on a generated matrix of requests, once per release in RELEASES: the
pinned 3.25.0 and the older 3.16.8, 3.11.6, 3.2.3, 3.2.2 and 2.33.8 (exact npm aliases in
tests/node/package.json), with the model set to the same ``sdk_version``.

One Node process per release answers the whole matrix (tests/node/authenticate_request.mjs):
the clock is pinned, token verification uses a PEM ``jwtKey`` (networkless) and the only
Backend API call (handshake payload by nonce, session refresh) goes to a loopback
stand-in inside that process. Status, reason, Location, message, Set-Cookie and the
x-clerk-auth-* headers must be equal on every request for every release (the older
releases word them the same way; only log lines differ, and those are not compared);
configuration errors must throw the same first line (Core 2's @clerk/shared 3.x words the
publishable-key errors differently, and the model follows it).
"""

from __future__ import annotations

import json
import subprocess
from itertools import product
from typing import Any

import jwt
import pytest
from conftest import NODE_DIR, require_node_modules
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from clerkdomains.keys import cookie_suffix
from clerkdomains.lint import rules_sdk
from clerkdomains.sync import versions
from clerkdomains.sync.backend import BackendApi, authenticate_request
from clerkdomains.sync.options import SdkConfigurationError, SdkOptions
from clerkdomains.sync.request import make_request
from clerkdomains.tokens import KeySet

NOW = 1_800_000_000
DEV_PK = "pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk"  # foo-bar-13.clerk.accounts.dev
PROD_PK = "pk_live_Y2xlcmsucHJpbWFyeS5jb20k"  # clerk.primary.com
INSTANCES = {
    "development": {"pk": DEV_PK, "sk": "sk_test_conformance", "fapi": "foo-bar-13.clerk.accounts.dev",
                    "primary": "http://localhost:3000", "satellite": "http://localhost:3001",
                    "domain": "localhost:3001"},
    "production": {"pk": PROD_PK, "sk": "sk_live_conformance", "fapi": "clerk.primary.com",
                   "primary": "https://primary.com", "satellite": "https://satellite.com",
                   "domain": "satellite.com"},
}
# The releases the matrix runs against: the model's --sdk-version -> the npm package in
# tests/node (older releases are installed side by side as exact npm aliases).
RELEASES = {
    versions.DEFAULT_SDK_VERSION: "@clerk/backend",
    "3.16.8": "@clerk/backend-3.16.8",  # machine JWTs refused in cookies, other `cat` values not yet
    "3.11.6": "@clerk/backend-3.11.6",  # GET-only syncs; machine JWTs in cookies still verified
    "3.2.3": "@clerk/backend-3.2.3",  # first release where an unset satelliteAutoSync means false
    "3.2.2": "@clerk/backend-3.2.2",  # last release where an unset satelliteAutoSync still syncs
    "2.33.8": "@clerk/backend-2.33.8",  # last Core 2 release
}
SDK_HEADERS = ("x-clerk-auth-status", "x-clerk-auth-reason", "x-clerk-auth-message", "cache-control")
DESTS = {
    "document": [("sec-fetch-dest", "document"), ("accept", "text/html")],
    "iframe": [("sec-fetch-dest", "iframe")],
    "html-no-dest": [("accept", "text/html,application/xhtml+xml")],
    "fetch": [("sec-fetch-dest", "empty"), ("accept", "*/*")],
}


@pytest.fixture(scope="module")
def signer() -> tuple[Any, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return key, pem


class Matrix:
    """Builds the cases: each is SDK options + one request (+ handshake payloads by nonce)."""

    def __init__(self, private_key: Any) -> None:
        self.key = private_key
        self.other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.cases: list[dict[str, Any]] = []
        self.payloads: dict[str, list[str]] = {}

    def token(self, iss: str, *, iat: int = NOW - 5, exp: int = NOW + 55, nbf: int | None = None,
              other_key: bool = False, azp: str | None = None, sid: str = "sess_1", sub: str = "user_1",
              header: dict[str, Any] | None = None) -> str:
        claims: dict[str, Any] = {"sub": sub, "sid": sid, "iss": iss, "iat": iat, "exp": exp,
                                  "nbf": iat - 10 if nbf is None else nbf}
        if azp:
            claims["azp"] = azp
        return jwt.encode(claims, self.other if other_key else self.key, algorithm="RS256",
                          headers={"kid": "ins_conformance", **(header or {})})

    def tokens(self, iss: str) -> dict[str, str]:
        return {
            "valid": self.token(iss),
            "expired": self.token(iss, iat=NOW - 120, exp=NOW - 60),
            "not-yet-valid": self.token(iss, iat=NOW - 5, nbf=NOW + 60),
            "iat-in-future": self.token(iss, iat=NOW + 60, nbf=NOW - 10, exp=NOW + 120),
            "other-issuer": self.token("https://clerk.elsewhere.example"),
            "bad-signature": self.token(iss, other_key=True),
            "malformed": "not.a-jwt",
            "jwt-template": self.token(iss, header={"cat": "cl_B7d4PD222AAA"}),
            "ignore-category": self.token(iss, header={"cat": "cl_I7d4PD111III"}),
            "m2m-category": self.token(iss, header={"cat": "cl_B7d4PD333AAA"}),
            "m2m-subject": self.token(iss, sub="mch_machine"),
            "oauth-typ": self.token(iss, header={"typ": "at+jwt"}),
        }

    def add(self, label: str, options: dict[str, Any], url: str, *, method: str = "GET",
            headers: list[tuple[str, str]] | None = None, cookies: dict[str, str] | None = None) -> None:
        hdrs = list(headers or [])
        if cookies:
            hdrs.append(("cookie", "; ".join(f"{k}={v}" for k, v in cookies.items())))
        self.cases.append({"id": f"{len(self.cases):03d} {label}", "options": options,
                           "request": {"method": method, "url": url, "headers": [list(h) for h in hdrs]}})


def options(env: str, role: str, **extra: Any) -> dict[str, Any]:
    inst = INSTANCES[env]
    out: dict[str, Any] = {"publishable_key": inst["pk"], "secret_key": inst["sk"]}
    if role == "satellite":
        out.update(is_satellite=True, domain=inst["domain"], sign_in_url=inst["primary"] + "/sign-in",
                   sign_up_url=inst["primary"] + "/sign-up")
    else:
        out.update(sign_in_url="/sign-in", sign_up_url="/sign-up")
    out.update(extra)
    return {k: v for k, v in out.items() if v is not None or k == "satellite_auto_sync"}


def issuer(env: str, role: str) -> str:
    inst = INSTANCES[env]
    if env == "production" and role == "satellite":
        return f"https://clerk.{inst['domain']}"
    return f"https://{inst['fapi']}"


def cookie_sets(m: Matrix, env: str, role: str) -> dict[str, dict[str, str]]:
    sfx = cookie_suffix(INSTANCES[env]["pk"])
    tok = m.token(issuer(env, role))
    dev = {"__clerk_db_jwt": "dvb_conformance"} if env == "development" else {}
    return {
        "none": {},
        "cookies": {"__session": tok, "__client_uat": str(NOW - 100), **dev},
        "suffixed": {f"__session_{sfx}": tok, f"__client_uat_{sfx}": str(NOW - 100),
                     **({f"__clerk_db_jwt_{sfx}": "dvb_conformance"} if dev else {})},
        "uat-only": {"__client_uat": str(NOW - 100), **dev},
        "uat-zero": {"__client_uat": "0", **dev},
    }


def build_matrix(private_key: Any) -> Matrix:
    m = Matrix(private_key)
    synced_values = {"absent": "", "false": "?__clerk_synced=false", "true": "?__clerk_synced=true"}
    # A. satellites: instance x auto_sync x cookies x __clerk_synced x sec-fetch-dest
    for env, auto, (cname, dest), synced in product(
            INSTANCES, (None, True, False), product(("none", "cookies", "suffixed", "uat-only", "uat-zero"),
                                                     ("document", "iframe", "fetch")), synced_values):
        sets = cookie_sets(m, env, "satellite")
        m.add(f"sat {env} auto={auto} {cname} synced={synced} {dest}",
              options(env, "satellite", satellite_auto_sync=auto),
              INSTANCES[env]["satellite"] + "/page" + synced_values[synced],
              headers=DESTS[dest], cookies=sets[cname])
    # B. methods and html-without-sec-fetch-dest on satellites
    for env, method, dest in product(INSTANCES, ("GET", "POST"), ("document", "html-no-dest")):
        m.add(f"sat {env} {method} {dest} synced=false", options(env, "satellite"),
              INSTANCES[env]["satellite"] + "/page?__clerk_synced=false", method=method, headers=DESTS[dest])
    # C. session token variants, primary and satellite
    for env, role in product(INSTANCES, ("primary", "satellite")):
        sfx = cookie_suffix(INSTANCES[env]["pk"])
        dev = {"__clerk_db_jwt": "dvb_conformance"} if env == "development" else {}
        for (tname, tok), dest, suffixed in product(m.tokens(issuer(env, role)).items(),
                                                    ("document", "fetch"), (False, True)):
            names = (f"__session_{sfx}", f"__client_uat_{sfx}") if suffixed else ("__session", "__client_uat")
            m.add(f"{role} {env} token={tname} {dest} suffixed={suffixed}", options(env, role),
                  INSTANCES[env][role] + "/dash", headers=DESTS[dest],
                  cookies={names[0]: tok, names[1]: str(NOW - 1000), **dev})
        for tname, tok in m.tokens(issuer(env, role)).items():
            m.add(f"{role} {env} token={tname} POST document", options(env, role),
                  INSTANCES[env][role] + "/dash", method="POST", headers=DESTS["document"],
                  cookies={"__session": tok, "__client_uat": str(NOW - 1000), **dev})
            m.add(f"{role} {env} bearer={tname}", options(env, role), INSTANCES[env][role] + "/api",
                  headers=[*DESTS["fetch"], ("authorization", f"Bearer {tok}")])
        # iat before client_uat, session without uat, both cookie kinds with different issuers
        tok = m.token(issuer(env, role))
        for label, cookies in {
            "iat-before-uat": {"__session": tok, "__client_uat": str(NOW + 10), **dev},
            "session-only": {"__session": tok, **dev},
            "uat-negative": {"__client_uat": "-5", **dev},
            "uat-text": {"__client_uat": "abc", "__session": tok, **dev},
            "both-kinds": {"__session": m.token("https://clerk.elsewhere.example"), "__client_uat": "1",
                           f"__session_{sfx}": tok, f"__client_uat_{sfx}": str(NOW - 100), **dev},
            "expired-with-refresh": {"__session": m.token(issuer(env, role), iat=NOW - 120, exp=NOW - 60),
                                     "__client_uat": str(NOW - 1000), f"__refresh_{sfx}": "rt_1", **dev},
        }.items():
            for dest in ("document", "fetch"):
                m.add(f"{role} {env} {label} {dest}", options(env, role), INSTANCES[env][role] + "/x",
                      headers=DESTS[dest], cookies=cookies)
    # D. redirect counter values on handshake-triggering requests
    for env, role, count in product(INSTANCES, ("primary", "satellite"), ("0", "1", "2", "3", "4", "x")):
        dev = {"__clerk_db_jwt": "dvb_conformance"} if env == "development" else {}
        m.add(f"{role} {env} redirect_count={count}", options(env, role, satellite_auto_sync=True),
              INSTANCES[env][role] + "/loop", headers=DESTS["document"],
              cookies={"__client_uat": str(NOW - 100), "__clerk_redirect_count": count, **dev})
        m.add(f"{role} {env} redirect_count={count} synced=false", options(env, role),
              INSTANCES[env][role] + "/loop?__clerk_synced=false", headers=DESTS["document"],
              cookies={"__clerk_redirect_count": count})
    # E. proxy_url and domain shapes on satellites
    for env, shape, synced in product(INSTANCES, ("proxy-absolute", "proxy-relative", "domain-clerk-prefix",
                                                  "domain-scheme", "domain-slash", "proxy-and-domain"),
                                      ("false", "absent")):
        inst = INSTANCES[env]
        extra: dict[str, Any] = {
            "proxy-absolute": {"domain": None, "proxy_url": inst["satellite"] + "/__clerk"},
            "proxy-relative": {"domain": None, "proxy_url": "/__clerk/"},
            "domain-clerk-prefix": {"domain": "clerk." + inst["domain"]},
            "domain-scheme": {"domain": inst["satellite"]},
            "domain-slash": {"domain": inst["domain"] + "/"},
            "proxy-and-domain": {"proxy_url": inst["satellite"] + "/__clerk"},
        }[shape]
        m.add(f"sat {env} {shape} synced={synced}", options(env, "satellite", **extra),
              inst["satellite"] + "/p" + synced_values[synced], headers=DESTS["document"],
              cookies={"__client_uat": str(NOW - 100)} if synced == "absent" else None)
    # F. configuration errors (and their near misses)
    for env in INSTANCES:
        inst = INSTANCES[env]
        origin = [("origin", inst["satellite"])]
        for label, opts, headers in (
            ("no secret key", options(env, "satellite", secret_key=""), []),
            ("no sign-in url", options(env, "satellite", sign_in_url=None), []),
            ("relative sign-in url with Origin", options(env, "satellite", sign_in_url="/sign-in"), origin),
            ("same-origin sign-in url", options(env, "satellite", sign_in_url=inst["satellite"] + "/sign-in"),
             origin),
            ("no domain no proxy", options(env, "satellite", domain=None), []),
            ("relative sign-in url synced=false", options(env, "satellite", sign_in_url="/sign-in"), []),
            ("keys of two instances", options(env, "satellite", sign_in_url=None,
                                              secret_key=INSTANCES["production" if env == "development"
                                                                   else "development"]["sk"]), []),
            ("bad publishable key", options(env, "satellite", publishable_key="pk_live_bm9ob3N0"), []),
        ):
            m.add(f"sat {env} {label}", opts, inst["satellite"] + "/p?__clerk_synced=false",
                  headers=DESTS["document"] + headers)
    # G. development primary answering __clerk_redirect_url
    dev_primary = INSTANCES["development"]["primary"]
    for back, cookies in product(
            ("http://localhost:3001/dash", "http://localhost:3001/dash?__clerk_synced=false&a=1",
             "http://localhost:3001/dash?x=a+b", "not a url"),
            ({}, {"__clerk_db_jwt": "dvb_primary"})):
        from urllib.parse import quote

        m.add(f"dev primary redirect_url={back} db={bool(cookies)}", options("development", "primary"),
              f"{dev_primary}/sign-in?__clerk_redirect_url={quote(back, safe='')}", headers=DESTS["document"],
              cookies=cookies)
    m.add("dev satellite __clerk_db_jwt in url", options("development", "satellite"),
          "http://localhost:3001/dash?__clerk_synced=true&__clerk_db_jwt=dvb_primary", headers=DESTS["document"])
    # H. handshake resolution by nonce (query for dev, cookie for prod)
    for env, role in product(INSTANCES, ("primary", "satellite")):
        sfx = cookie_suffix(INSTANCES[env]["pk"])
        iss = issuer(env, role)
        for label, directives in {
            "session": [f"__session={m.token(iss)}; Path=/", f"__client_uat={NOW}; Path=/"],
            "suffixed": [f"__session_{sfx}={m.token(iss)}; Path=/", f"__client_uat_{sfx}={NOW}; Path=/"],
            "signed-out": ["__client_uat=0; Path=/", "__session=; Path=/; Max-Age=0"],
            "expired": [f"__session={m.token(iss, iat=NOW - 3600, exp=NOW - 3000)}; Path=/",
                        f"__client_uat={NOW}; Path=/"],
            "bad-signature": [f"__session={m.token(iss, other_key=True)}; Path=/", f"__client_uat={NOW}"],
            "unknown-nonce": None,
        }.items():
            nonce = f"n{len(m.cases)}"
            if directives is not None:
                m.payloads[nonce] = directives
            url = INSTANCES[env][role] + "/page?__clerk_synced=false"
            if env == "development":
                m.add(f"{role} {env} nonce {label}", options(env, role), f"{url}&__clerk_handshake_nonce={nonce}",
                      headers=DESTS["document"])
            else:
                m.add(f"{role} {env} nonce {label}", options(env, role), url, headers=DESTS["document"],
                      cookies={"__clerk_handshake_nonce": nonce})
    # H2. legacy handshake JWT (`__clerk_handshake`): query in development, cookie in production
    for env, role in product(INSTANCES, ("primary", "satellite")):
        iss = issuer(env, role)
        directives = [f"__session={m.token(iss)}; Path=/", f"__client_uat={NOW}; Path=/"]
        for label, header, other_key in (("valid", {}, False), ("bad-signature", {}, True),
                                         ("m2m-category", {"cat": "cl_B7d4PD333AAA"}, False),
                                         ("template-category", {"cat": "cl_B7d4PD222AAA"}, False),
                                         ("typ", {"typ": "JWS"}, False)):
            hs = jwt.encode({"handshake": directives}, m.other if other_key else m.key, algorithm="RS256",
                            headers={"kid": "ins_conformance", **header})
            url = INSTANCES[env][role] + "/page?__clerk_synced=false"
            if env == "development":
                m.add(f"{role} {env} handshake-jwt {label}", options(env, role), f"{url}&__clerk_handshake={hs}",
                      headers=DESTS["document"])
            else:
                m.add(f"{role} {env} handshake-jwt {label}", options(env, role), url, headers=DESTS["document"],
                      cookies={"__clerk_handshake": hs})
    # I. forwarded headers and the primary's cross-origin referer check
    for env in INSTANCES:
        inst = INSTANCES[env]
        m.add(f"sat {env} x-forwarded", options(env, "satellite"), "http://127.0.0.1:8080/p?__clerk_synced=false",
              headers=[*DESTS["document"], ("x-forwarded-host", inst["domain"] + ", proxy.local"),
                       ("x-forwarded-proto", inst["satellite"].split(":")[0])])
        dev = {"__clerk_db_jwt": "dvb_conformance"} if env == "development" else {}
        for referer in (inst["satellite"] + "/page", f"https://{inst['fapi']}/v1/client",
                        "https://accounts.primary.com/sign-in", "https://foo-bar-13.accounts.dev/sign-in",
                        "https://accounts.elsewhere.example/x",
                        inst["primary"] + "/other", "not a url"):
            for count in ("0", "1"):
                m.add(f"primary {env} referer={referer} count={count}", options(env, "primary"),
                      inst["primary"] + "/dash", headers=[*DESTS["document"], ("referer", referer)],
                      cookies={"__session": m.token(issuer(env, "primary")), "__client_uat": str(NOW - 100),
                               "__clerk_redirect_count": count, **dev})
    return m


def sdk_options(data: dict[str, Any], sdk_version: str) -> SdkOptions:
    return SdkOptions(publishable_key=data["publishable_key"], secret_key=data["secret_key"],
                      is_satellite=bool(data.get("is_satellite")), domain=data.get("domain"),
                      proxy_url=data.get("proxy_url"), sign_in_url=data.get("sign_in_url"),
                      sign_up_url=data.get("sign_up_url"), satellite_auto_sync=data.get("satellite_auto_sync"),
                      sdk_version=sdk_version)


def run_model(m: Matrix, pem: str, sdk_version: str) -> dict[str, dict[str, Any]]:
    keys = KeySet.from_pem(pem)
    api = BackendApi(payloads={k: tuple(v) for k, v in m.payloads.items()})
    out = {}
    for case in m.cases:
        req = case["request"]
        request = make_request(req["url"], method=req["method"], headers=[tuple(h) for h in req["headers"]])
        try:
            result = authenticate_request(sdk_options(case["options"], sdk_version), request, keys=keys, now=NOW,
                                          backend_api=api)
        except SdkConfigurationError as exc:
            out[case["id"]] = {"error": exc.message}
            continue
        out[case["id"]] = {"status": result.status, "reason": result.reason, "location": result.location,
                           "message": result.message, "set_cookie": list(result.set_cookies),
                           "headers": {k: v for k, v in result.headers if k in SDK_HEADERS}}
    return out


def run_sdk(m: Matrix, pem: str, package: str) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    require_node_modules(package)
    batch = {"package": package, "now_ms": NOW * 1000, "jwt_key": pem, "handshake_payloads": m.payloads,
             "cases": m.cases}
    proc = subprocess.run(["node", "authenticate_request.mjs"], cwd=NODE_DIR, input=json.dumps(batch),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    summary = lines.pop()
    return {line["id"]: line for line in lines}, summary


def first_line(text: str) -> str:
    return text.split("\n", 1)[0].strip()


def test_pinned_sdk_version_is_the_default() -> None:
    installed = json.loads((NODE_DIR / "node_modules/@clerk/backend/package.json").read_text())["version"]
    pinned = json.loads((NODE_DIR / "package.json").read_text())["dependencies"]["@clerk/backend"]
    assert installed == pinned, "run `bash scripts/test.sh` to install the pinned @clerk/backend"
    assert versions.DEFAULT_SDK_VERSION == installed, (
        f"@clerk/backend {installed} is pinned but the model's default --sdk-version is "
        f"{versions.DEFAULT_SDK_VERSION}: re-check clerk-protocol.md against the new version")


@pytest.fixture(scope="module")
def matrix(signer: tuple[Any, str]) -> Matrix:
    return build_matrix(signer[0])


@pytest.fixture(scope="module")
def sdk_runs(matrix: Matrix, signer: tuple[Any, str]) -> Any:
    """The real release's answers to the matrix, one Node run per release and module."""
    cache: dict[str, dict[str, dict[str, Any]]] = {}

    def answers(sdk_version: str) -> dict[str, dict[str, Any]]:
        if sdk_version not in cache:
            sdk, summary = run_sdk(matrix, signer[1], RELEASES[sdk_version])
            assert summary["off_loopback"] == [], f"@clerk/backend {sdk_version} tried to reach the network"
            installed = json.loads((NODE_DIR / "node_modules" / RELEASES[sdk_version] / "package.json")
                                   .read_text())["version"]
            assert installed == sdk_version, "run `bash scripts/test.sh` to install the pinned releases"
            cache[sdk_version] = sdk
        return cache[sdk_version]

    return answers


def by_label(matrix: Matrix, answers: dict[str, dict[str, Any]], label: str) -> dict[str, Any]:
    """The answer to the one case whose id ends with ``label``."""
    ids = [c["id"] for c in matrix.cases if c["id"].split(" ", 1)[1] == label]
    assert len(ids) == 1, (label, ids)
    return answers[ids[0]]


@pytest.mark.parametrize("sdk_version", RELEASES)
def test_model_matches_clerk_backend_on_the_matrix(matrix: Matrix, sdk_runs: Any, signer: tuple[Any, str],
                                                   sdk_version: str) -> None:
    m = matrix
    assert len(m.cases) >= 300
    sdk = sdk_runs(sdk_version)
    model = run_model(m, signer[1], sdk_version)
    mismatches = []
    statuses: dict[str, int] = {}
    reasons: set[str | None] = set()
    for case in m.cases:
        cid = case["id"]
        want, got = sdk[cid], model[cid]
        if "error" in want or "error" in got:
            if first_line(want.get("error", "<no error>")) != first_line(got.get("error", "<no error>")):
                mismatches.append(f"{cid}\n    sdk:   {want.get('error') or want.get('status')}\n"
                                  f"    model: {got.get('error') or got.get('status')}")
            statuses["error"] = statuses.get("error", 0) + 1
            continue
        statuses[want["status"]] = statuses.get(want["status"], 0) + 1
        reasons.add(want["reason"])
        # status, reason and Location are the contract; message, Set-Cookie and the
        # x-clerk-auth-* / cache-control headers are held to the same standard
        for field in ("status", "reason", "location", "message", "set_cookie", "headers"):
            if want[field] != got[field]:
                mismatches.append(f"{cid}\n    {field}:\n      sdk:   {want[field]}\n      model: {got[field]}")
    assert not mismatches, f"{len(mismatches)} of {len(m.cases)} requests differ:\n" + "\n".join(mismatches)
    # the matrix reaches every outcome, including thrown configuration errors
    assert {"signed-in", "signed-out", "handshake", "error"} <= set(statuses), statuses
    assert {"satellite-needs-syncing", "primary-responds-to-syncing", "dev-browser-sync", "dev-browser-missing",
            "primary-domain-cross-origin-sync", "session-token-and-uat-missing", "session-token-missing",
            "session-token-expired-refresh-non-eligible-no-refresh-cookie",
            "session-token-expired-refresh-resource_not_found", "session-token-nbf",
            "session-token-iat-in-the-future", "session-token-iat-before-client-uat", "token-invalid-signature",
            "token-invalid", "token-type-mismatch"} <= reasons, reasons


@pytest.mark.parametrize("sdk_version", RELEASES)
def test_version_history_holds_in_the_real_releases(matrix: Matrix, sdk_runs: Any, sdk_version: str) -> None:
    """The facts of clerk-protocol.md "Version history" (user-pains.md pain 4), read from the
    real releases' answers, and the check command's boundary (lint/rules_sdk.py) agrees."""
    sdk = sdk_runs(sdk_version)
    version = versions.parse_version(sdk_version)
    unset_syncs = version < rules_sdk.AUTO_SYNC_FALSE_SINCE
    assert versions.behaviour_for(sdk_version).unset_auto_sync_syncs == unset_syncs
    # a signed-out first visit to a production satellite, satelliteAutoSync unset
    first_visit = by_label(matrix, sdk, "sat production auto=None none synced=absent document")
    assert (first_visit["status"], first_visit["reason"]) == (
        ("handshake", "satellite-needs-syncing") if unset_syncs else ("signed-out", "session-token-and-uat-missing"))
    explicit_false = by_label(matrix, sdk, "sat production auto=False none synced=absent document")
    assert explicit_false["status"] == ("handshake" if version[0] == 2 else "signed-out")
    # Core 2: a production satellite handshakes on every document request, cookies and
    # __clerk_synced=true notwithstanding; Core 3 lets cookies and sync-done through
    synced_with_cookies = by_label(matrix, sdk, "sat production auto=None cookies synced=true document")
    assert synced_with_cookies["status"] == ("handshake" if version[0] == 2 else "signed-in")
    # a development satellite redirects to signInUrl?__clerk_redirect_url=... without __clerk_synced
    dev = by_label(matrix, sdk, "sat development auto=None cookies synced=absent document")
    if version[0] == 2:
        assert dev["location"].startswith("http://localhost:3000/sign-in?__clerk_redirect_url=")
    else:
        assert dev["status"] == "signed-in"
