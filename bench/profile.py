"""Where the server spends a page load, a setting change and a rate release:
``python -m bench profile [--repeats 5] [--top 25]``.

py-spy and pyinstrument are not among the project's requirements, so the server is started (with
the ``lrviz`` command's settings) with every script run
wrapped in ``cProfile`` (``python -m bench.profile --serve``: Streamlit's own CLI, with
``ScriptRunner._run_script`` profiled; each run's profile is written to a folder). A protocol-level
student (:mod:`bench.hall`) then makes each action ``--repeats`` times after a warm-up, and the
profiles of each kind of action are summed and printed, heaviest first (cumulative time).
Messages are serialised in the script's thread, so figure serialisation shows up here too.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

from bench import hall

OUT_ENV = "LRVIZ_PROFILE_DIR"


def serve_profiled() -> None:
    """Run ``streamlit run app.py ...`` (argv after --serve) with each script run profiled."""
    import cProfile

    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.web import cli

    out = Path(os.environ[OUT_ENV])
    original = script_runner.ScriptRunner._run_script

    def profiled(self, *args, **kwargs):
        profile = cProfile.Profile()
        profile.enable()
        try:
            return original(self, *args, **kwargs)
        finally:
            profile.disable()
            profile.dump_stats(out / f"{time.time():.6f}.prof")

    script_runner.ScriptRunner._run_script = profiled
    sys.argv = ["streamlit", *sys.argv[sys.argv.index("--serve") + 1:]]
    cli.main()


async def drive(base: str, repeats: int) -> dict[str, list[tuple[float, float]]]:
    """The (start, end) wall times of each action, after a warm-up of each."""
    rng = random.Random(2)
    student = hall.Student(base)
    spans: dict[str, list[tuple[float, float]]] = {}

    async def timed(kind: str, action) -> None:
        await asyncio.sleep(0.2)
        t0 = time.time()
        await action()
        await asyncio.sleep(0.2)
        spans.setdefault(kind, []).append((t0, time.time()))

    try:
        await student.open(hall.PAGE)
        await hall.rate_release(student, rng)
        await hall.setting_change(student, rng)
        for _ in range(repeats):
            await timed("page load", lambda: student.open(hall.PAGE))
            await timed("setting change", lambda: hall.setting_change(student, rng))
            await timed("rate release", lambda: hall.rate_release(student, rng))
    finally:
        await student.close()
    return spans


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench profile", description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative", help="pstats order: cumulative, tottime, ...")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        # Served as `lrviz` serves a class (bench.hall.launch), under this module's profiler.
        with hall.serve(env={OUT_ENV: folder}, module=("bench.profile", "--serve")) as (base, _pid):
            spans = asyncio.run(drive(base, args.repeats))
        files = sorted(Path(folder).glob("*.prof"), key=lambda p: float(p.stem))
        for kind, ranges in spans.items():
            chosen = [str(f) for f in files if any(a <= float(f.stem) <= b for a, b in ranges)]
            if not chosen:
                continue
            text = io.StringIO()
            stats = pstats.Stats(*chosen, stream=text)
            stats.strip_dirs().sort_stats(args.sort).print_stats(args.top)
            total = stats.total_tt / len(ranges)
            print(f"\n=== {kind}: {len(ranges)} actions, {len(chosen)} script runs, "
                  f"{total:.3f} s profiled per action (cProfile slows code down; compare shares)")
            print("\n".join(text.getvalue().splitlines()[4:]))


if __name__ == "__main__":
    if "--serve" in sys.argv:
        serve_profiled()
    else:
        main()
