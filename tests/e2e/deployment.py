"""A Clerk multi-domain deployment on loopback for the live-trace and HAR tests.

One Node process (tests/node/e2e_app.mjs) serves, over TLS on one port told apart by
Host, the apps running the real @clerk/backend authenticateRequest, and a stand-in for
their Frontend APIs; a Backend API stand-in on plain HTTP serves handshake payloads.
Certificates come from trustme; hosts are mapped to 127.0.0.1 with --resolve (the
tracer) or --host-resolver-rules (Chromium).

Production: primary.test (FAPI clerk.primary.test), satellites satellite.test (its
middleware skips /public), loop.test (its Frontend API answers without cookies) and
other.test (missing from the primary's allowedRedirectOrigins).
Development: primary-dev.test (its middleware skips /public), satellite-dev.test,
nomw-dev.test (whose sign-in URL is under /public), loop-dev.test (a host the dev Frontend
API does not know: it bounces back without a payload) and other-dev.test (missing from the
primary's allowedRedirectOrigins) on the dev FAPI happy-hippo-12.clerk.accounts.dev.
"""

from __future__ import annotations

import base64
import json
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from clerkdomains.config import Setup, setup_from_dict
from clerkdomains.keys import build_publishable_key

NODE_DIR = Path(__file__).resolve().parent.parent / "node"
PROD_HOSTS = ("primary.test", "satellite.test", "loop.test", "other.test")
DEV_FAPI = "happy-hippo-12.clerk.accounts.dev"
DEV_HOSTS = ("primary-dev.test", "satellite-dev.test", "nomw-dev.test", "loop-dev.test", "other-dev.test")
SIGNED_IN_CLIENT = "client_signed_in"
SIGNED_IN_DEV_BROWSER = "dvb_signed_in"
ANONYMOUS_DEV_BROWSER = "dvb_anonymous"


def all_hosts() -> list[str]:
    return [*PROD_HOSTS, *(f"clerk.{h}" for h in PROD_HOSTS), *DEV_HOSTS, DEV_FAPI]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Deployment:
    port: int
    ca_pem: Path
    private_key: rsa.RSAPrivateKey
    process: subprocess.Popen[str]
    folder: Path
    spki_hash: str = ""
    hosts: list[str] = field(default_factory=all_hosts)

    def url(self, host: str, path: str = "/") -> str:
        return f"https://{host}:{self.port}{path}"

    @property
    def resolve(self) -> tuple[str, ...]:
        return tuple(f"{h}:{self.port}:127.0.0.1" for h in self.hosts)

    @property
    def prod_key(self) -> str:
        return build_publishable_key(f"clerk.primary.test:{self.port}", "production")

    @property
    def dev_key(self) -> str:
        return build_publishable_key(f"{DEV_FAPI}:{self.port}", "development")

    @property
    def public_pem(self) -> str:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    def session_token(self, fapi_host: str, azp: str, *, lifetime: int = 60) -> str:
        """A session JWT the apps accept (signed with the instance's key), like FAPI mints it."""
        now = int(time.time())
        header = {"alg": "RS256", "kid": "ins_e2e", "typ": "JWT"}
        claims = {"azp": azp, "exp": now + lifetime, "iat": now, "iss": f"https://{fapi_host}:{self.port}",
                  "nbf": now - 10, "sid": "sess_e2e", "sub": "user_e2e", "v": 2}
        signing_input = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}"
        signature = self.private_key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{signing_input}.{_b64url(signature)}"

    def primary_session_cookies(self) -> tuple[str, ...]:
        """--cookie values of a user signed in on the production primary."""
        token = self.session_token("clerk.primary.test", self.url("primary.test", "").rstrip("/"))
        return (f"__session={token}", f"__client_uat={int(time.time())}",
                f"__client={SIGNED_IN_CLIENT}; Domain=clerk.primary.test")

    def primary_dev_session_cookies(self) -> tuple[str, ...]:
        """--cookie values of a user signed in on the development primary (its dev browser too)."""
        token = self.session_token(DEV_FAPI, self.url("primary-dev.test", "").rstrip("/"))
        return (f"__session={token}", f"__client_uat={int(time.time())}",
                f"__clerk_db_jwt={SIGNED_IN_DEV_BROWSER}")

    def prod_setup(self, *, allowed: list[str] | None = None) -> Setup:
        data: dict[str, Any] = {
            "instance": {"publishable_key": self.prod_key},
            "primary": {"url": self.url("primary.test", "").rstrip("/"), "framework": "nextjs"},
            "satellite": [{"url": self.url(h, "").rstrip("/"), "framework": "nextjs", "auto_sync": False}
                          for h in ("satellite.test", "loop.test", "other.test")],
        }
        if allowed is not None:
            data["primary"]["allowed_redirect_origins"] = allowed
        return setup_from_dict(data)

    def dev_setup(self, *, allowed: list[str] | None = None) -> Setup:
        primary: dict[str, Any] = {"url": self.url("primary-dev.test", "").rstrip("/"), "framework": "nextjs"}
        if allowed is not None:
            primary["allowed_redirect_origins"] = allowed
        return setup_from_dict({
            "instance": {"publishable_key": self.dev_key},
            "primary": primary,
            "satellite": [{"url": self.url("satellite-dev.test", "").rstrip("/"), "framework": "nextjs",
                           "sign_in_url": self.url("primary-dev.test", "/sign-in")},
                          {"url": self.url("nomw-dev.test", "").rstrip("/"), "framework": "nextjs",
                           "sign_in_url": self.url("primary-dev.test", "/public/sign-in")},
                          *({"url": self.url(h, "").rstrip("/"), "framework": "nextjs",
                             "sign_in_url": self.url("primary-dev.test", "/sign-in")}
                            for h in ("loop-dev.test", "other-dev.test"))],
        })

    def write_config(self, setup_name: str = "prod", *, allowed: list[str] | None = None) -> Path:
        """The same setup as a clerkdomains.toml file (for CLI tests)."""
        import tomli_w

        if setup_name == "prod":
            data: dict[str, Any] = {
                "instance": {"publishable_key": self.prod_key},
                "primary": {"url": self.url("primary.test", "").rstrip("/")},
                "satellite": [{"url": self.url(h, "").rstrip("/"), "auto_sync": False}
                              for h in ("satellite.test", "loop.test", "other.test")],
            }
            if allowed is not None:
                data["primary"]["allowed_redirect_origins"] = allowed
        else:
            data = {"instance": {"publishable_key": self.dev_key},
                    "primary": {"url": self.url("primary-dev.test", "").rstrip("/")},
                    "satellite": [{"url": self.url("satellite-dev.test", "").rstrip("/"),
                                   "sign_in_url": self.url("primary-dev.test", "/sign-in")}]}
        path = self.folder / f"clerkdomains-{setup_name}.toml"
        path.write_bytes(tomli_w.dumps(data).encode())
        return path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


def _node_config(d: Deployment) -> dict[str, Any]:
    p = d.port
    private_pem = d.private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()).decode()
    public_pem = d.public_pem
    sat = {"role": "satellite", "publishable_key": d.prod_key, "is_satellite": True, "satellite_auto_sync": False,
           "sign_in_url": f"https://primary.test:{p}/sign-in"}
    dev_sat = {"role": "satellite", "publishable_key": d.dev_key, "secret_key": "sk_test_e2e", "is_satellite": True,
               "sign_in_url": f"https://primary-dev.test:{p}/sign-in"}
    apps = [
        {"host": "primary.test", "role": "primary", "publishable_key": d.prod_key, "sign_in_path": "/sign-in",
         "allowed_redirect_origins": [f"https://satellite.test:{p}", f"https://loop.test:{p}"]},
        {**sat, "host": "satellite.test", "domain": f"satellite.test:{p}", "skip_paths": ["/public"]},
        {**sat, "host": "loop.test", "domain": f"loop.test:{p}"},
        {**sat, "host": "other.test", "domain": f"other.test:{p}"},
        {"host": "primary-dev.test", "role": "primary", "publishable_key": d.dev_key, "secret_key": "sk_test_e2e",
         "sign_in_path": "/sign-in", "allowed_redirect_origins": [f"https://satellite-dev.test:{p}"],
         "skip_paths": ["/public"]},
        *({**dev_sat, "host": h, "domain": f"{h}:{p}"} for h in ("satellite-dev.test", "loop-dev.test", "other-dev.test")),
        {**dev_sat, "host": "nomw-dev.test", "domain": f"nomw-dev.test:{p}",
         "sign_in_url": f"https://primary-dev.test:{p}/public/sign-in"},
    ]
    fapis = [{"host": "clerk.primary.test", "instance": "production", "kind": "primary",
              "cookie_domain": "primary.test"}]
    for host in ("satellite.test", "loop.test", "other.test"):
        fapis.append({"host": f"clerk.{host}", "instance": "production", "kind": "satellite",
                      "primary_fapi": "clerk.primary.test", "cookie_domain": host,
                      "returns_no_cookies": host == "loop.test"})
    fapis.append({"host": DEV_FAPI, "instance": "development", "kind": "primary", "unknown_hosts": ["loop-dev.test"]})
    return {"jwt_private_key": private_pem, "jwt_public_key": public_pem, "secret_key": "sk_live_e2e",
            "apps": apps, "fapis": fapis, "signed_in_clients": [SIGNED_IN_CLIENT],
            "signed_in_dev_browsers": [SIGNED_IN_DEV_BROWSER]}


def start(folder: Path) -> Deployment:
    """Start the deployment (the caller stops it)."""
    ca = trustme.CA()
    cert = ca.issue_cert(*all_hosts())
    ca_pem = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_pem))
    chain, key = folder / "cert.pem", folder / "key.pem"
    cert.private_key_pem.write_to_path(str(key))
    chain.write_bytes(b"".join(blob.bytes() for blob in cert.cert_chain_pems))
    spki = x509.load_pem_x509_certificate(cert.cert_chain_pems[0].bytes()).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    digest = hashes.Hash(hashes.SHA256())
    digest.update(spki)
    spki_hash = base64.b64encode(digest.finalize()).decode()
    process = subprocess.Popen(["node", str(NODE_DIR / "e2e_app.mjs"), str(chain), str(key)], cwd=NODE_DIR,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdin is not None
    port = json.loads(process.stdout.readline())["port"]
    d = Deployment(port, ca_pem, rsa.generate_private_key(public_exponent=65537, key_size=2048), process, folder,
                   spki_hash)
    process.stdin.write(json.dumps(_node_config(d)) + "\n")
    process.stdin.flush()
    ready = process.stdout.readline()
    if '"ready"' not in ready:
        d.stop()
        raise RuntimeError(f"e2e_app.mjs did not start: {ready!r}")
    return d
