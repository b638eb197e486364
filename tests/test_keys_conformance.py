"""keys.py against the real @clerk/shared 4.41.0 (Node): parsing, errors, overrides, suffixes, building."""

from __future__ import annotations

import json
import subprocess

from conftest import NODE_DIR, require_node_modules

from clerkdomains.errors import KeyFormatError
from clerkdomains.keys import build_publishable_key, cookie_suffix, parse_publishable_key

KEYS = [
    "pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk",
    "pk_live_ZmFrZS1jbGVyay10ZXN0LmNsZXJrLmFjY291bnRzLmRldiQ",
    "pk_test_Y2xlcmsuYm9yaW5nLnNhd2ZseS05MS5sY2wuZGV2JA",
    "pk_test_Y2xlcmsuY2xlcmsuZGV2JA==",
    "pk_live_Y2xlcmsuY2xlcmsuZGV2JA==",
    "pk_live_Y2xlcmsucHJpbWFyeS5jb20k",
    "pk_test_ZW5vdWdoLWFscGFjYS04Mi5jbGVyay5hY2NvdW50cy5sY2xjbGVyay5jb20k",
    "pk_live_Y2xlcmsuY2xlcmsuZGV2JGV4dHJh",
    "pk_live_Y2xlcmsuY2xlcmsuZGV2JCQ",
    "pk_live_aW52YWxpZGtleSQ=",
    "pk_test_!!!!",
    "pk_test_Zm9vLmNvbQ",
    "pk_test_",
    "pk_test_Zm9v_YmFy",
    "pk_prod_Zm9vLmNvbSQ",
    "sk_test_abc",
    "",
]


def test_keys_agree_with_clerk_shared() -> None:
    require_node_modules("@clerk/shared")
    proc = subprocess.run(["node", str(NODE_DIR / "parse_key.mjs")], input=json.dumps(KEYS), cwd=NODE_DIR,
                          capture_output=True, text=True, timeout=60, check=True)
    rows = json.loads(proc.stdout)
    assert len(rows) == len(KEYS)
    mismatches = []
    for row in rows:
        key = row["key"]
        try:
            pk = parse_publishable_key(key)
        except KeyFormatError as exc:
            if exc.message != row.get("error"):
                mismatches.append((key, "error", exc.message, row))
            continue
        ours = {
            "instanceType": pk.instance_type,
            "frontendApi": pk.frontend_api,
            "satelliteFrontendApi": pk.frontend_api_for(domain="satellite.dev", is_satellite=True),
            "suffix": cookie_suffix(key),
            "rebuilt": build_publishable_key(pk.frontend_api),
        }
        theirs = {k: row.get(k) for k in ours}
        if ours != theirs:
            mismatches.append((key, "parse", ours, theirs))
    assert mismatches == []
    assert sum("error" in r for r in rows) >= 9  # the invalid half of the list really is invalid
