"""Playground speed: figure build time and payload, and slider-to-redraw latency in Chromium.

Latency is measured from a key press on the learning-rate slider to the first
paint after the script finished and the chart re-plotted, over 30 moves to
rates not seen before (nothing cached), next to the same measurement on a
minimal one-slider page served by the same machine (``bench/minimal_app.py``).

Where the difference goes is printed after it: the server's work for one move
(the run, the figure, the verdict and the figure's JSON, timed in this process),
and, in the browser, how long its main thread was blocked per move and how many
times plotly.js plotted. Streamlit plots every new figure twice.
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import plotly.io as pio

from bench.browser import Move, serve, slider_moves
from lrviz import engine
from lrviz.app.playground import figures as playground
from lrviz.app.playground import verdict
from lrviz.surfaces import get

MOVES = 30


def build_figures() -> None:
    surface = get("rosenbrock")
    print("figure build (median of 5) and payload, momentum on Rosenbrock:")
    for steps in (100, 500, 2000):
        run = engine.run(surface, "momentum", lr=1e-3, steps=steps)
        playground.build_animation(run, surface, lang="en")
        times = []
        for _ in range(5):
            start = time.perf_counter()
            fig = playground.build_animation(run, surface, lang="en")
            times.append(time.perf_counter() - start)
        size = len(pio.to_json(fig, validate=False))
        print(f"  {steps:5d} steps: build {1e3 * statistics.median(times):6.1f} ms   "
              f"payload {size / 1e6:5.2f} MB   frames {len(fig.to_dict()['frames'])}"
              f"   (targets: <= 100 ms, <= 1.5 MB at 500 steps)")


def server_work() -> None:
    """One slider move's work on the server, part by part, at rates not seen before."""
    surface = get("ravine")
    parts: dict[str, list[float]] = {"run": [], "figure": [], "verdict": [], "JSON": []}
    for lr in np.geomspace(0.1, 0.002, MOVES):
        start = time.perf_counter()
        run = engine.run(surface, "momentum", lr=float(lr), steps=500)
        ran = time.perf_counter()
        fig = playground.build_animation(run, surface, lang="en")
        built = time.perf_counter()
        verdict.verdict(run, surface, "en")
        judged = time.perf_counter()
        pio.to_json(fig, validate=False)  # what st.plotly_chart sends
        parts["run"].append(ran - start)
        parts["figure"].append(built - ran)
        parts["verdict"].append(judged - built)
        parts["JSON"].append(time.perf_counter() - judged)
    medians = {name: 1e3 * statistics.median(times) for name, times in parts.items()}
    detail = ", ".join(f"{name} {value:.0f}" for name, value in medians.items())
    total = sum(medians.values())
    print(f"  server work per move (momentum on the ravine, 500 steps): {total:.0f} ms ({detail})")


def _summary(name: str, moves: list[Move]) -> tuple[float, float]:
    ms = [move.latency for move in moves]
    median, p95 = float(np.median(ms)), float(np.percentile(ms, 95))
    print(f"  {name:32s} median {median:6.1f} ms   p95 {p95:6.1f} ms   ({len(ms)} moves)")
    return median, p95


def _browser_work(name: str, moves: list[Move]) -> None:
    busy = float(np.median([move.busy for move in moves]))
    plots = int(np.median([move.plots for move in moves]))
    print(f"  {name:32s} main thread blocked {busy:5.0f} ms per move, {plots} plots per move")


def latency() -> None:
    from playwright.sync_api import sync_playwright

    from bench.browser import ARGS

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        with serve("bench/minimal_app.py") as url:
            floor = slider_moves(browser, url, "frequency", MOVES, "ArrowLeft")
        with serve("app.py") as url:
            page_url = f"{url}/playground?surface=ravine&optimizer=momentum&lr=0.1&steps=500&lang=en"
            ours = slider_moves(browser, page_url, "Learning rate", MOVES, "ArrowLeft")
        browser.close()
    print("slider-to-redraw latency in headless Chromium:")
    floor_median, floor_p95 = _summary("minimal one-slider page", floor)
    ours_median, ours_p95 = _summary("playground (500 steps, uncached)", ours)
    print(f"  ratio playground / minimal: median {ours_median / floor_median:.2f}x, "
          f"p95 {ours_p95 / floor_p95:.2f}x   (target <= 1.5x)")
    print("where a move's time goes (medians):")
    server_work()
    _browser_work("minimal one-slider page", floor)
    _browser_work("playground", ours)


def main() -> None:
    build_figures()
    latency()


if __name__ == "__main__":
    main()
