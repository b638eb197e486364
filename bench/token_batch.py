"""Throughput of `clerkdomains token verify --batch --jwt-key` against a bare PyJWT loop, in one run.

Generates N RS256 session tokens (default 10,000) with a fresh key, then times
  1. `clerkdomains token verify --batch --jwt-key key.pem` as a subprocess (start-up included),
  2. a bare `jwt.decode(token, preloaded_key, algorithms=["RS256"])` loop in this process,
and prints both throughputs and the ratio. Each side runs ROUNDS times, alternating, and
the best time of each counts (the machine is shared; best-of is the least noisy measure).
Target: ours >= 0.7x the bare loop.
Usage: python bench/token_batch.py [N [ROUNDS]]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def make_tokens(n: int) -> tuple[str, list[str], object]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    now = int(time.time())
    tokens = [jwt.encode({"sub": f"user_{i}", "sid": f"sess_{i}", "iat": now, "nbf": now - 10,
                          "exp": now + 3600, "azp": "https://app.example.com",
                          "iss": "https://clerk.example.com", "v": 2},
                         key, algorithm="RS256", headers={"kid": "ins_bench"}) for i in range(n)]
    return pem, tokens, key.public_key()


def time_batch(key_file: Path, tokens: list[str]) -> float:
    data = ("\n".join(tokens) + "\n").encode()
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "clerkdomains", "token", "verify", "--batch",
                           "--jwt-key", str(key_file), "--authorized-party", "https://app.example.com"],
                          input=data, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    lines = proc.stdout.count(b"\n")
    if proc.returncode != 0 or lines != len(tokens):
        sys.exit(f"batch run failed (exit {proc.returncode}, {lines} lines): {proc.stderr.decode()[:500]}")
    return elapsed


def time_bare(public_key: object, tokens: list[str]) -> float:
    start = time.perf_counter()
    for token in tokens:
        jwt.decode(token, public_key, algorithms=["RS256"], options={"verify_aud": False})
    return time.perf_counter() - start


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    pem, tokens, public_key = make_tokens(n)
    ours_times, bare_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        key_file = Path(tmp) / "key.pem"
        key_file.write_text(pem)
        for _ in range(rounds):
            ours_times.append(time_batch(key_file, tokens))
            bare_times.append(time_bare(public_key, tokens))
    ours, bare = min(ours_times), min(bare_times)
    print(f"tokens                          {n}  (best of {rounds} rounds each)")
    print(f"clerkdomains verify --batch     {n / ours:9.0f} tokens/s  ({ours:.2f} s, start-up included)")
    print(f"bare PyJWT jwt.decode loop      {n / bare:9.0f} tokens/s  ({bare:.2f} s, key preloaded)")
    print(f"ratio                           {bare / ours:9.2f}x  (target >= 0.70x)")


if __name__ == "__main__":
    main()
