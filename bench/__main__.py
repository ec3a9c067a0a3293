"""Run one benchmark by name: ``python -m bench engine``."""

from __future__ import annotations

import argparse
import importlib

BENCHES = {
    "engine": "trajectory, 1,000-rate sweep vs NumPy loops, compilations per slider move",
    "playground": "rate slider chart: input-to-paint vs a minimal page, reruns while dragging, fps, payload",
    "sweep": "the sweep page's computation and figure build (1,000 rates x 500 steps)",
    "finder": "LR range test over 5 seeds, a 32-rate grid vmapped vs one rate at a time, cost per rate",
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    described = "; ".join(f"{k}: {v}" for k, v in BENCHES.items())
    parser.add_argument("name", choices=sorted(BENCHES), help=described)
    args = parser.parse_args()
    importlib.import_module(f"bench.{args.name}").main()


if __name__ == "__main__":
    main()
