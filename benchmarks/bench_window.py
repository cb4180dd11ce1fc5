"""Start-up of the window on 100,000 cadres, and its peak memory."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = Path(__file__).with_name("window_child.py")


def _start_once(db: Path) -> dict:
    with tempfile.TemporaryDirectory() as config:
        env = dict(os.environ, XDG_CONFIG_HOME=config, QT_QPA_PLATFORM="offscreen")
        started = time.time()
        out = subprocess.run([sys.executable, str(CHILD), str(db), repr(started), "kader"],
                             capture_output=True, text=True, env=env, timeout=120,
                             cwd=Path(__file__).resolve().parents[1])
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(ctx) -> list[dict]:
    cadres = ctx.size(100_000, 20_000)
    # Its own demo file: other benchmarks work on the shared one in this process.
    db = ctx.demo_db(cadres, seed=2)      # encrypted, as every new database
    clear = ctx.clear_copy(db)
    count = 3 if ctx.quick else 5
    runs = [_start_once(db) for _ in range(count)]
    clear_runs = [_start_once(clear) for _ in range(count)]
    encrypted_result = ctx.result("startup_window_100k", [r["shown"] for r in runs], "s", 1.5)
    clear_result = ctx.result("startup_window_100k_clear", [r["shown"] for r in clear_runs],
                              "s", 1.5)
    return [
        encrypted_result,
        clear_result,
        ctx.ratio("startup_window_100k_encryption_cost", encrypted_result, clear_result),
        ctx.result("peak_rss_window_100k", [r["peak_rss_mb"] for r in runs], "MB", 300),
    ]
