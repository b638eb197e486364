"""Start-up cost of `clerkdomains --help` against `python -c "import typer"`, in one run.

Prints the best-of-N wall time of each and their ratio. Target: at most 1.3x.
Usage: python bench/startup.py [N]
"""

from __future__ import annotations

import subprocess
import sys
import time


def best(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    py = sys.executable
    baseline = best([py, "-c", "import typer"], runs)
    ours = best([py, "-m", "clerkdomains", "--help"], runs)
    sub = best([py, "-m", "clerkdomains", "dns", "--help"], runs) if _has("dns") else None
    print(f"python -c 'import typer'   {baseline * 1000:7.1f} ms")
    print(f"clerkdomains --help        {ours * 1000:7.1f} ms   ratio {ours / baseline:.2f}x (target <= 1.30x)")
    if sub is not None:
        print(f"clerkdomains dns --help    {sub * 1000:7.1f} ms   ratio {sub / baseline:.2f}x")


def _has(group: str) -> bool:
    out = subprocess.run([sys.executable, "-m", "clerkdomains", group, "--help"], capture_output=True)
    return out.returncode == 0


if __name__ == "__main__":
    main()
