"""Our matchers against the real ones of @clerk/shared 4.41.0, run in Node:

* allowedRedirectOrigins: ``globs.toRegexp`` (glob-to-regexp) applied the way clerk-js 6.40.0
  does (pattern and URL origin with one trailing slash trimmed), over patterns × origins with
  ports; :func:`clerkdomains.origins.is_allowed_redirect` must agree on every row.
* ``isTruthy``: how the SDKs read ``*_IS_SATELLITE``; :func:`clerkdomains.frameworks.is_truthy_env`
  must agree on every value.
"""

from __future__ import annotations

import itertools
import json
import subprocess

from conftest import NODE_DIR, require_node_modules

from clerkdomains.frameworks import is_truthy_env
from clerkdomains.origins import is_allowed_redirect

PATTERNS = [
    "http://localhost:3001", "http://localhost", "http://localhost:*", "http://localhost*",
    "http://localhost:300?", "https://*.example.com", "https://*example.com", "https://example.com/",
    "*", "https://satellite.dev", "https://satellite.dev:443", "https://*.satellite.dev:8443",
    "http://127.0.0.1:3001", "https://[::1]:3000", "https://a.b+c.com", "https://ex[a]mple.com",
    "https://app.example.com/*", "http*://satellite.dev", "https://{a,b}.example.com",
]
URLS = [
    "http://localhost:3001/x", "http://localhost/", "http://localhost:80/", "http://localhost:3000/",
    "https://example.com/", "https://app.example.com/", "https://app.example.com:8443/",
    "https://evil-example.com/", "https://satellite.dev/", "https://satellite.dev:443/a",
    "https://www.satellite.dev:8443/", "http://127.0.0.1:3001/", "https://[::1]:3000/",
    "https://a.b+c.com/", "https://a.bbc.com/", "http://satellite.dev/", "https://a.example.com/",
]
PAGE = "https://primary.invalid"


def _node(script: str, payload: object) -> list:
    require_node_modules("@clerk/shared")
    done = subprocess.run(["node", str(NODE_DIR / script)], input=json.dumps(payload), capture_output=True,
                          text=True, cwd=NODE_DIR, timeout=60, check=True)
    return json.loads(done.stdout)


def test_allowed_redirect_origins_agree_with_clerk_shared_globs() -> None:
    rows = [{"pattern": p, "url": u} for p, u in itertools.product(PATTERNS, URLS)]
    theirs = _node("glob_redirect_check.mjs", rows)
    assert not [t for t in theirs if isinstance(t, str)], "the Node matcher raised"
    ours = [is_allowed_redirect(r["url"], [r["pattern"]], PAGE) for r in rows]
    disagree = [(r["pattern"], r["url"], t) for r, o, t in zip(rows, ours, theirs, strict=True) if o != t]
    assert disagree == []
    assert any(theirs) and not all(theirs)  # the table exercises both answers


def test_port_is_part_of_the_match() -> None:
    # the pain behind the rule: a pattern without the port rejects a satellite on a non-default port
    theirs = _node("glob_redirect_check.mjs", [{"pattern": "http://localhost", "url": "http://localhost:3001/"}])
    assert theirs == [False]
    assert is_allowed_redirect("http://localhost:3001/", ["http://localhost"], PAGE) is False


def test_is_satellite_values_agree_with_clerk_shared_is_truthy() -> None:
    values = ["true", "TRUE", "True", " true", "true ", "false", "1", "2", "1 ", " 1", "0", "-1", "0.5",
              "1.5", "2abc", "yes", "on", "y", "", "+3", "01", "0x1", "\t4"]
    theirs = _node("truthy_check.mjs", values)
    ours = [is_truthy_env(v) for v in values]
    assert list(zip(values, ours, strict=True)) == list(zip(values, theirs, strict=True))
