"""A long session: ``python -m bench memory [--reruns 1000] [--url URL --pid PID]``.

One protocol-level student (:mod:`bench.hall`) on the playground makes ``--reruns`` random
changes in one server process: surface (custom formulas included, each one new), steps,
optimizer, schedule and rate, one widget per rerun. Prints the server's resident memory every
tenth of the reruns, the median seconds per rerun over the first and the last 100, and, to
compare like with like, the first 100 changes made again on a fresh page of the same server at
the end (the same seed: the same surfaces, formulas, settings and rates, in the same order).
The target (issue 19): memory within 100 MB of where it started, and no slower at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import statistics
import time
from collections import Counter

from bench import hall


def formula(rng: random.Random, dim: int) -> str:
    a, b, c = (round(rng.uniform(0.1, 4), 2) for _ in range(3))
    if dim == 1:
        return rng.choice([f"x^4 - {a}*x^2 + {b}*x", f"{a}*x^2 + {c}*sin({b}*x)", f"{a}*(x - {b})^2"])
    return rng.choice([f"{a}*x^2 + {b}*y^2", f"(x - {a})^2 + {c}*(y - x^2)^2", f"{a}*x^2 - {b}*y^2 + y^4"])


async def change(student: hall.Student, rng: random.Random) -> str:
    """One random change of one widget, as a student would make it; returns what it changed."""
    what = rng.choice(["surface", "surface", "steps", "optimizer", "schedule", "rate", "rate"])
    custom = student.key("pg_formula")
    if custom and student.ids[custom] in student.states and rng.random() < 0.5:  # a new formula
        dim = int(student.states[student.ids[student.key("pg_dim")]].string_value[0])
        await student.set(custom, formula(rng, dim))
        return "formula"
    if what == "surface":
        key = student.key("pg_surface")
        await student.set(key, rng.choice(student.options(key)))
    elif what == "steps":
        await student.chart_settings(steps=rng.randrange(10, 1001, 10))
    elif what in ("optimizer", "schedule"):
        key = student.key(f"pg_{what}")
        await student.set(key, rng.choice(student.options(key)))
    else:
        await hall.rate_release(student, rng)
    return what


async def session(base: str, pid: int | None, reruns: int, seed: int = 0, report: bool = True) -> dict:
    rng = random.Random(seed)
    student = hall.Student(base)
    marks = {round(reruns * q / 10) for q in range(11)} if report else set()
    rss, seconds, kinds = {}, [], []
    try:
        await student.open(hall.PAGE)
        for i in range(reruns + 1):
            if i in marks and pid:
                rss[i] = hall.rss_mb(pid)
                print(f"  {i:>5} reruns: {rss[i]:7.0f} MB", flush=True)
            if i == reruns:
                break
            t0 = time.perf_counter()
            kinds.append(await change(student, rng))
            seconds.append(time.perf_counter() - t0)
    finally:
        await student.close()
    if report:
        print(f"  changes made: {dict(Counter(kinds))}")
    return {"rss": rss, "seconds": seconds, "kinds": kinds, "errors": student.errors}


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench memory", description=__doc__)
    parser.add_argument("--reruns", type=int, default=1000)
    parser.add_argument("--url", help="a running server on loopback instead of starting one")
    parser.add_argument("--pid", type=int, help="with --url: the server's process")
    args = parser.parse_args(argv)
    if not 10 <= args.reruns <= 20_000:
        parser.error("--reruns between 10 and 20,000")
    with contextlib.ExitStack() as stack:
        base, pid = (args.url.rstrip("/"), args.pid) if args.url else stack.enter_context(hall.serve())
        print(f"server {base} (pid {pid}); one session, {args.reruns} random reruns "
              "(the machine may be shared: times are noisy)")
        start = hall.rss_mb(pid) if pid else float("nan")
        print(f"  server memory before the session: {start:.0f} MB")
        out = asyncio.run(session(base, pid, args.reruns))
        again = asyncio.run(session(base, pid, min(100, args.reruns), report=False))
        if pid:
            time.sleep(2)
            print(f"  after the session: {hall.rss_mb(pid):.0f} MB")
    head, tail = out["seconds"][:100], out["seconds"][-100:]
    for kind in sorted(set(out["kinds"])):  # a slower end: of every kind, or of one?
        first = [t for t, k in zip(out["seconds"][:100], out["kinds"][:100], strict=True) if k == kind]
        last = [t for t, k in zip(out["seconds"][-100:], out["kinds"][-100:], strict=True) if k == kind]
        print(f"  {kind:9s} first 100: {len(first):3d} x median {_median(first):.3f} s   "
              f"last 100: {len(last):3d} x median {_median(last):.3f} s")
    first = out["seconds"][:100]
    print(f"the first {len(first)} changes again at the end, on a fresh page: median "
          f"{statistics.median(again['seconds']):.3f} s (p95 {hall.pct(again['seconds'], 95):.3f}) against "
          f"{statistics.median(first):.3f} s (p95 {hall.pct(first, 95):.3f}) the first time")
    rss = out["rss"]
    print(f"seconds per rerun: first 100 median {statistics.median(head):.3f} "
          f"(p95 {hall.pct(head, 95):.3f}), last 100 median {statistics.median(tail):.3f} "
          f"(p95 {hall.pct(tail, 95):.3f})")
    if rss:
        grown = rss[max(rss)] - rss[0]
        print(f"memory grew {grown:+.0f} MB over {args.reruns} reruns "
              f"({'within' if grown <= 100 else 'BEYOND'} the 100 MB budget)")
    errors = out["errors"] + again["errors"]
    print(f"errors: {len(errors)}" + "".join(f"\n  {e}" for e in errors[:8]))


if __name__ == "__main__":
    main()
