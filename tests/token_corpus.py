"""A corpus of session tokens for the differential test, signed with fresh keys per session.

Each case is a token plus the options and the clock to judge it with. Tokens are built by
hand (not with PyJWT) so headers, payloads, signatures and encodings can be anything,
including malformed. ``strict`` marks cases clerkdomains refuses on purpose although the
SDK accepts them (``crit``, odd ``kid``, over 16 KB).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import ssl
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

NOW_MS = 1_800_000_000_123  # a fixed instant with a millisecond part
IAT = NOW_MS // 1000 - 5
AZP = "https://app.example.com"
ISS = "https://clerk.example.com"
SECRET = "sk_test_LOOPBACKSECRETVALUE123"
HASHES = {"RS256": hashes.SHA256(), "RS384": hashes.SHA384(), "RS512": hashes.SHA512()}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segment(value: Any) -> str:
    return b64(value if isinstance(value, bytes) else json.dumps(value, separators=(",", ":")).encode())


@dataclass
class Keys:
    private: rsa.RSAPrivateKey
    other: rsa.RSAPrivateKey
    ec_key: ec.EllipticCurvePrivateKey
    pem: str = ""

    @classmethod
    def fresh(cls) -> Keys:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        keys = cls(private, rsa.generate_private_key(public_exponent=65537, key_size=2048),
                   ec.generate_private_key(ec.SECP256R1()))
        keys.pem = private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        return keys


def sign(keys: Keys, header: Any, payload: Any, *, alg: str | None = None,
         key: rsa.RSAPrivateKey | None = None) -> str:
    """``header.payload.signature``; ``alg`` picks the signing method (default: header's alg)."""
    signing_input = f"{segment(header)}.{segment(payload)}"
    alg = alg or (header.get("alg") if isinstance(header, dict) else None) or "RS256"
    data = signing_input.encode()
    if alg in HASHES:
        sig = (key or keys.private).sign(data, padding.PKCS1v15(), HASHES[alg])
    elif alg == "ES256":
        r, s = decode_dss_signature(keys.ec_key.sign(data, ec.ECDSA(hashes.SHA256())))
        sig = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    elif alg == "HS256":  # algorithm confusion: the public key's PEM text as the HMAC secret
        sig = hmac.new(keys.pem.encode(), data, hashlib.sha256).digest()
    else:
        sig = b""
    return f"{signing_input}.{b64(sig)}"


@dataclass
class Case:
    id: str
    token: str
    now_ms: float = NOW_MS
    authorized_parties: list[str] | None = None
    issuer: str | list[str] | None = None
    clock_skew_ms: float | None = None
    strict: bool = False
    tags: set[str] = field(default_factory=set)

    def to_node(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "token": self.token, "nowMs": self.now_ms}
        if self.authorized_parties is not None:
            out["authorizedParties"] = self.authorized_parties
        if self.issuer is not None:
            out["issuer"] = self.issuer
        if self.clock_skew_ms is not None:
            out["clockSkewInMs"] = self.clock_skew_ms
        return out


def claims(**overrides: Any) -> dict[str, Any]:
    base = {"azp": AZP, "exp": IAT + 60, "iat": IAT, "iss": ISS, "nbf": IAT - 10,
            "sid": "sess_2abc", "sub": "user_2abc", "v": 2, "fva": [3, -1], "jti": "abc123"}
    for name, value in overrides.items():
        if value is DROP:
            base.pop(name, None)
        else:
            base[name] = value
    return base


DROP = object()


def _with_literal(payload: dict[str, Any], name: str, literal: str) -> bytes:
    """``payload`` as JSON with claim ``name`` written as the raw number text ``literal``
    (``1e400``, a 5000-digit integer: values Python's json.dumps cannot write)."""
    marker = "__literal__"
    text = json.dumps({**payload, name: marker}, separators=(",", ":"))
    return text.replace(json.dumps(marker), literal).encode()
HEADER = {"alg": "RS256", "kid": "ins_2abc", "typ": "JWT", "cat": "cl_B7d4PD111AAA"}


def build(keys: Keys) -> list[Case]:
    cases: list[Case] = []
    counter = itertools.count()

    def add(tag: str, token: str, **kw: Any) -> None:
        cases.append(Case(f"{tag}-{next(counter)}", token, tags={tag}, **kw))

    good = sign(keys, HEADER, claims())
    # valid tokens, header variants
    add("valid", good)
    add("valid", good, authorized_parties=[AZP], issuer=ISS)
    for header in ({"alg": "RS256"}, {"alg": "RS256", "typ": "JWT"}, {"alg": "RS256", "kid": "x"},
                   {**HEADER, "cat": "cl_B7d4PD222AAA"}, {**HEADER, "cat": "cl_I7d4PD111III"},
                   {**HEADER, "cat": "something"}, {**HEADER, "jku": "http://127.0.0.1:9/jwks"},
                   {**HEADER, "x5u": "http://127.0.0.1:9/x"}, {**HEADER, "oiat": 1},
                   {**HEADER, "kid": 5}):
        add("header", sign(keys, header, claims()))
    for payload in (claims(nbf=DROP), claims(iat=DROP), claims(nbf=DROP, iat=DROP),
                    claims(aud="someone"), claims(aud=["a", "b"]), claims(sub=""),
                    claims(v=1, org_id="org_1", org_role="org:admin", org_slug="acme", org_permissions=[]),
                    claims(o={"id": "org_1", "rol": "admin", "slg": "acme", "per": "read", "fpm": "1"}),
                    claims(act={"sub": "user_admin", "sid": "sess_x", "iss": ISS}), claims(sts="pending"),
                    claims(exp=IAT + 60.75)):
        add("claims", sign(keys, HEADER, payload))
    # numbers that are no time (#11): the SDK's invalid Date skips the check, so it accepts
    # them (a token that never expires); clerkdomains refuses them in strict mode
    for name, literal in (("exp", "1e400"), ("exp", "-1e400"), ("exp", "1e20"), ("exp", "1" + "0" * 30),
                          ("exp", "1" + "0" * 5000), ("exp", "-1e17"), ("exp", "8640000000001"),
                          ("nbf", "1e400"), ("iat", "1e400"), ("nbf", "-1e400"), ("iat", "1e300")):
        add("not-a-time", sign(keys, HEADER, _with_literal(claims(), name, literal)), strict=True)
    # numbers that are times, if odd ones: the SDK accepts or rejects them by their value
    for name, literal in (("exp", "8640000000000"), ("exp", "1e12"), ("exp", "-5"), ("exp", "-1e10"),
                          ("exp", f"{IAT + 60}.999999"), ("exp", f"{IAT + 60}e0"), ("exp", "-0"),
                          ("exp", f"{IAT + 60}.0"), ("nbf", "-1e12"), ("iat", "-8640000000000"),
                          ("nbf", f"{IAT}.5"), ("exp", "1.8e9"), ("exp", "0.5")):
        add("odd-time", sign(keys, HEADER, _with_literal(claims(), name, literal)))
    # claims with control characters, bidi marks, lone surrogates, odd unicode: the SDK
    # compares them as strings; clerkdomains does the same (and escapes them when showing)
    for value in ("user_\x1b]0;pwned\x07", "user_\u202e1", "user\r\nvalid: yes", "\u0000", "\ud800",
                  "\U0001f600", "\u0130", "\x9b31m"):
        add("unicode", sign(keys, HEADER, claims(sub=value)))
    for azp, parties in ((AZP + "\u200e", [AZP]), ("https://app.example.com\x00", [AZP]),
                         ("https://\u0430pp.example.com", [AZP]), (AZP + "\x1b[2K", [AZP + "\x1b[2K"])):
        add("unicode", sign(keys, HEADER, claims(azp=azp)), authorized_parties=parties)
    add("unicode", sign(keys, HEADER, claims(iss=ISS + "\u2028")), issuer=ISS)
    add("unicode", sign(keys, {**HEADER, "kid": "ins_\x1b[31m"}, claims()), strict=True)
    # typ
    for typ in ("jwt", "at+jwt", None, 5, "", "JWS"):
        add("typ", sign(keys, {**HEADER, "typ": typ}, claims()))
    # category
    add("cat", sign(keys, {**HEADER, "cat": "cl_B7d4PD333AAA"}, claims()))
    add("cat", sign(keys, {**HEADER, "cat": "cl_B7d4PD333AAA", "alg": "none"}, claims()))
    # algorithms
    for alg in ("RS384", "RS512", "ES256", "HS256", "none"):
        add("alg", sign(keys, {**HEADER, "alg": alg}, claims(), alg=alg))
    for alg in ("rs256", "PS256", "", None, 256, "RS256 "):
        add("alg", sign(keys, {**HEADER, "alg": alg}, claims(), alg="RS256"))
    add("alg", sign(keys, {k: v for k, v in HEADER.items() if k != "alg"}, claims(), alg="RS256"))
    add("alg", sign(keys, {**HEADER, "alg": "none"}, claims(), alg="RS256"))
    # signatures
    head, body, sig = good.split(".")
    add("signature", f"{head}.{segment(claims(sub='user_evil'))}.{sig}")
    add("signature", sign(keys, HEADER, claims(), key=keys.other))
    add("signature", f"{head}.{body}.")
    add("signature", f"{head}.{body}.{sig[:-8]}")
    add("signature", f"{head}.{body}.{sig[:40]}")
    add("signature", sign(keys, HEADER, claims(), alg="RS512"))  # header says RS256
    # sub
    for sub in (DROP, None, 42, ["user_1"], {"id": "u"}, True):
        add("sub", sign(keys, HEADER, claims(sub=sub)))
    # authorized parties
    for azp, parties in ((AZP, [AZP]), (AZP, ["https://other.example.com", AZP]),
                         (AZP, ["https://other.example.com"]), (DROP, [AZP]), ("", [AZP]),
                         (None, [AZP]), (AZP + "/", [AZP]), ("http://app.example.com", [AZP]),
                         (DROP, []), ("https://evil.com", []), (5, ["5"]), ([AZP], [AZP]),
                         (AZP, ["https://a.example.com", "https://b.example.com"])):
        add("azp", sign(keys, HEADER, claims(azp=azp)), authorized_parties=parties)
    # issuer
    for iss, issuer in ((ISS, ISS), (ISS, "https://clerk.other.com"), (DROP, ISS), (None, ISS),
                        (ISS + "/", ISS), ("http://clerk.example.com", ISS), (5, ISS),
                        (ISS, ["https://clerk.other.com", ISS]), (ISS, ["https://clerk.other.com"]),
                        ("https://clerk.other.com", ""), (ISS, [])):
        add("iss", sign(keys, HEADER, claims(iss=iss)), issuer=issuer)
    # azp checked before iss, iss before exp
    add("order", sign(keys, HEADER, claims(azp="https://x.com", iss="https://y.com", exp=1)),
        authorized_parties=[AZP], issuer=ISS)
    add("order", sign(keys, HEADER, claims(iss="https://y.com", exp=1)), issuer=ISS)
    add("order", sign(keys, HEADER, claims(sub=DROP, azp="https://x.com")), authorized_parties=[AZP])
    add("order", sign(keys, HEADER, claims(exp=1, nbf=IAT + 10**6, iat=IAT + 10**6)))
    add("order", sign(keys, HEADER, claims(nbf=IAT + 10**6, iat=IAT + 10**6)))
    add("order", sign(keys, {**HEADER, "typ": "bad", "alg": "none"}, claims()))
    # malformed claim types
    for name in ("exp", "nbf", "iat"):
        for value in (DROP, None, "1800000000", True, [1], {"n": 1}):
            if name == "exp" or value is not DROP:
                add("claim-type", sign(keys, HEADER, claims(**{name: value})))
    # clock edges: exp, nbf, iat at exactly the boundary, ± skew, ± 1 ms
    exp = IAT + 60
    for skew in (None, 0, 1, 5000, 60000, 2500.5, -1000):
        effective = 5000 if skew is None else skew
        for delta in (-1000, -999, -1, 0, 1, 999, 1000):
            add("clock-exp", sign(keys, HEADER, claims(exp=exp)),
                now_ms=exp * 1000 + effective + delta, clock_skew_ms=skew)
            add("clock-nbf", sign(keys, HEADER, claims(nbf=exp, iat=DROP)),
                now_ms=exp * 1000 - effective + delta, clock_skew_ms=skew)
            add("clock-iat", sign(keys, HEADER, claims(iat=exp, nbf=DROP)),
                now_ms=exp * 1000 - effective + delta, clock_skew_ms=skew)
    for frac in (0.001, 0.5, 0.999):  # fractional claims are truncated to whole seconds
        for delta in (-1, 0, 1):
            add("clock-frac", sign(keys, HEADER, claims(exp=exp + frac)), now_ms=exp * 1000 + 5000 + delta)
            add("clock-frac", sign(keys, HEADER, claims(nbf=exp + frac, iat=DROP)),
                now_ms=exp * 1000 - 5000 + delta)
    for value in (-1.5, -1, 0):
        add("clock-neg", sign(keys, HEADER, claims(exp=value)), now_ms=0)
        add("clock-neg", sign(keys, HEADER, claims(exp=value)), now_ms=5000 + value * 1000)
    # decoding
    nan_body = b64(b'{"exp":NaN,"sub":"u"}')
    bom_body = b64(b'\xef\xbb\xbf{"sub":"u","exp":9999999999}')
    latin_body = b64(b'{"sub":"\xff","exp":9999999999}')
    for bad in ("", "abc", "a.b", "a.b.c.d", good + ".", "...", f"{head}.{body}",
                f"{head}!.{body}.{sig}", f"{head}.{body}.{sig}!", f"{head}.{body}=.{sig}",
                f"{head}.{body}.{sig}==", f"{head}==.{body}.{sig}", f"{head}.{body[:-1]}.{sig}",
                f"{head}.a.{sig}", f"{head}.ab.{sig}", f"{head}.{b64(b'not json')}.{sig}",
                f"{head}.{b64(b'[1,2]')}.{sig}", f"{b64(b'5')}.{body}.{sig}",
                f"{head}.{nan_body}.{sig}", f"{head}.{bom_body}.{sig}",
                f"{head}.{latin_body}.{sig}", f"{head}.{body}.{sig[:-1]}B",
                f" {good}", f"{good} ", f"{head}.{body}.{sig}\n"):
        add("decode", bad)
    add("decode", sign(keys, HEADER, b'{"sub":"user_1","exp":9999999999,"sub":42}'))
    add("decode", sign(keys, HEADER, "\ufeff".encode() + json.dumps(claims()).encode()))
    add("decode", sign(keys, HEADER, json.dumps(claims()).encode() + b"  \n"))
    add("decode", sign(keys, HEADER, b'{"sub":"\\ud800","exp":9999999999}'))
    # inputs clerkdomains refuses on purpose (the SDK passes them on to its other checks)
    for header in ({**HEADER, "crit": ["exp"]}, {**HEADER, "crit": []},
                   {**HEADER, "kid": "../../etc/passwd"}, {**HEADER, "kid": "https://evil.example/k"},
                   {**HEADER, "kid": "a/b"}, {**HEADER, "kid": "ins_1?x=1"}):
        add("strict", sign(keys, header, claims()), strict=True)
    add("strict", sign(keys, HEADER, claims(pad="x" * 17000)), strict=True)
    return cases


# --- a loopback key server (Frontend API /.well-known/jwks.json, Backend API /v1/jwks) ---


def jwk_of(keys: Keys, kid: str, *, other: bool = False, **extra) -> dict:
    numbers = (keys.other if other else keys.private).public_key().public_numbers()

    def b64(n: int) -> str:
        return base64.urlsafe_b64encode(n.to_bytes((n.bit_length() + 7) // 8, "big")).rstrip(b"=").decode()

    return {"kid": kid, "kty": "RSA", "alg": "RS256", "use": "sig", "n": b64(numbers.n), "e": b64(numbers.e), **extra}


class KeyServer:
    """A loopback server for /.well-known/jwks.json and /v1/jwks; records every request."""

    def __init__(self, jwks: dict, *, date_offset: float = 0.0, tls: ssl.SSLContext | None = None) -> None:
        self.jwks, self.date_offset, self.requests = jwks, date_offset, []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                server.requests.append((self.path, self.headers.get("Authorization")))
                if self.path == "/v1/jwks" and self.headers.get("Authorization") != f"Bearer {SECRET}":
                    self._send(401, {"errors": [{"code": "authentication_invalid"}]})
                elif self.path in ("/.well-known/jwks.json", "/v1/jwks"):
                    self._send(200, server.jwks)
                else:
                    self._send(404, {})

            def _send(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def date_time_string(self, timestamp=None) -> str:
                return formatdate(time.time() + server.date_offset, usegmt=True)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        scheme = "https" if tls else "http"
        self.url = f"{scheme}://{'localhost' if tls else '127.0.0.1'}:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
