"""Run every benchmark and print one JSON object per line.

    python benchmarks/run.py [--quick] [--only NAME_PART]

Each ``benchmarks/bench_*.py`` module defines ``run(ctx)`` returning a list of
results made with ``ctx.result(...)``. Data is built with the demo generator
in a temporary folder; ``--quick`` uses smaller data (names keep their
full-size label, the JSON says ``"quick": true``).
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The databases are encrypted with a key kept in a throw-away file keyring (the
# child processes of the window benchmark find it too), never in the real
# credential store of whoever runs the benchmarks.
if "IMP_KEYRING_FILE" not in os.environ:
    os.environ["IMP_KEYRING_FILE"] = os.path.join(tempfile.mkdtemp(prefix="imp-bench-keys-"),
                                                  "keyring.json")
    os.environ["PYTHON_KEYRING_BACKEND"] = "imp_desktop.data.keystore.FileKeyring"


class Context:
    def __init__(self, workdir: Path, quick: bool):
        self.workdir = workdir
        self.quick = quick
        self._demo: dict[tuple, Path] = {}

    def size(self, full: int, quick: int) -> int:
        return quick if self.quick else full

    def demo_db(self, cadres: int, desa: int = 15, seed: int = 1,
                activities: int | None = None) -> Path:
        """A demo database with ``cadres`` cadres (and ``activities`` activities,
        else the demo's default), made once per run and reused."""
        key = (cadres, desa, seed, activities)
        if key not in self._demo:
            from imp_desktop.data.db import close_database, open_database
            from imp_desktop.services.demo import generate_demo

            path = self.workdir / f"demo-{cadres}-{desa}-{seed}-{activities}.sqlite"
            open_database(path)
            generate_demo(desa=desa, cadres=cadres, seed=seed, activities=activities)
            close_database()
            self._demo[key] = path
        return self._demo[key]

    def clear_copy(self, path: Path) -> Path:
        """The same database unencrypted (as an older version left it): the
        figure beside which encryption's cost is shown."""
        from imp_desktop.data import cipher

        clear = path.with_name(path.stem + "-clear.sqlite")
        if not clear.exists():
            cipher.export_copy(path, cipher.file_key(path), clear, None)
        return clear

    def ratio(self, name: str, encrypted: dict, clear: dict) -> dict:
        """What encryption costs: the encrypted figure over the clear one."""
        value = encrypted["value"] / clear["value"] if clear["value"] else None
        return {"name": name, "value": round(value, 2) if value else None, "unit": "x",
                "target": None, "encrypted": encrypted["value"], "clear": clear["value"],
                "runs": encrypted["runs"], "quick": self.quick}

    @staticmethod
    def measure(fn, runs: int, setup=None) -> list[float]:
        """Seconds of ``fn()`` over ``runs`` runs (``setup()`` before each, not timed)."""
        times = []
        for _ in range(runs):
            if setup:
                setup()
            started = time.perf_counter()
            fn()
            times.append(time.perf_counter() - started)
        return times

    def result(self, name: str, values: list[float], unit: str, target=None) -> dict:
        return {"name": name, "value": round(statistics.median(values), 3), "unit": unit,
                "target": target, "runs": len(values), "quick": self.quick}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller data, under two minutes")
    parser.add_argument("--only", help="run only benchmarks whose module name contains this")
    args = parser.parse_args()
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if args.only:
        modules = [m for m in modules if args.only in m]
    with tempfile.TemporaryDirectory(prefix="imp-bench-") as tmp:
        ctx = Context(Path(tmp), args.quick)
        for name in modules:
            module = importlib.import_module(name)
            for result in module.run(ctx):
                print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    raise SystemExit(main())
