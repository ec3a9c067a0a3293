"""Playground speed: the rate slider's chart component against a minimal one-slider page.

In one run, in headless Chromium:

* input-to-paint latency of the chart's rate slider: from the key press on the slider to the
  first paint after plotly.js drew the new run (median and p95 over >= 50 moves across the
  whole range), on a 1-D and a 2-D surface at 500 steps;
* the minimal one-slider page's round trip (``bench/minimal_app.py``), and the ratio;
* script reruns during a 50-move drag (target 0) and after its release (target 1);
* frames per second while playing 500 steps;
* a setting change, from a key press to the paint of the new runs (a new sweep and payload on
  the server, a redraw here), by its two roads: the chart's steps control, which fetches the
  runs over HTTP with no rerun before the paint, and the sidebar's box for the start's x, which
  reruns the chart's fragment (as clipping and the hyper-parameters do); with where that time
  goes (the runs' request, the websocket's messages: :data:`PHASES`), against the minimal page's
  round trip and against the floor of a full-page rerun: a page as large as the playground that computes
  nothing (``bench/full_page_app.py``), whose sidebar slider redraws the minimal page's line.
  The three are measured in turns (:data:`ROUNDS`), their servers up side by side;

and in this process: the payload a setting change sends (bytes) and the time of the sweep
(``engine.runs`` over the 56 stops) plus the payload's build.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from bench.browser import ARGS, READY, SENT_REQUESTS, WATCH_SOCKET, open_page, serve, slider_moves
from lrviz import engine
from lrviz.app.playground.chart import payload
from lrviz.surfaces import get

MOVES = 50
CHART = '.lrc-plot[data-ready="1"]'  # the chart has drawn
CASES = (("1-D quadratic", "surface=quadratic&steps=500"),
         ("2-D ravine, momentum", "surface=ravine&optimizer=momentum&steps=500"))
STARTS = {"1-D quadratic": (2.5,), "2-D ravine, momentum": (-2.8, 0.8)}  # the surfaces' own

# From a key press on the rate slider to the paint after plotly.js drew the new run.
_PROBE = """() => {
  window.__lat = [];
  const plot = document.querySelector('.lrc-plot'), rate = document.querySelector('.lrc-rate');
  let t0 = null;
  rate.addEventListener('keydown', e => { t0 = e.timeStamp; }, true);
  new MutationObserver(() => {
    if (t0 === null) return;
    const start = t0; t0 = null;
    requestAnimationFrame(() => window.__lat.push(performance.now() - start));
  }).observe(plot, {attributes: true, attributeFilter: ['data-row']});
}"""


def server_side() -> None:
    print("a setting change on the server: engine.runs over the 56 stops + payload build (median of 5):")
    for name, surface, optimizer, steps in (("quadratic", "quadratic", "sgd", 500),
                                            ("rosenbrock", "rosenbrock", "momentum", 500),
                                            ("ravine", "ravine", "momentum", 2000)):
        s = get(surface)
        lrs, exact = payload.rates(0.1)
        engine.runs(s, lrs, optimizer, steps=steps)
        sweep, build = [], []
        for _ in range(5):
            t0 = time.perf_counter()
            runs = engine.runs(s, lrs, optimizer, steps=steps)
            t1 = time.perf_counter()
            blob = payload.build(runs, s, lrs=lrs, exact=exact, limit=None, adaptive=None, name_minimum=False,
                                 lang="en")
            sweep.append(t1 - t0)
            build.append(time.perf_counter() - t1)
        print(f"  {name:11s} {steps:5d} steps: sweep {1e3 * statistics.median(sweep):6.1f} ms + payload "
              f"{1e3 * statistics.median(build):6.1f} ms; payload {len(blob) / 1e6:5.3f} MB"
              f"{'   (target <= 1 MB at 500 steps in 2-D)' if s.dim == 2 and steps == 500 else ''}")


def chart_moves(browser, url: str) -> tuple[list[float], int, int, float]:
    """(latencies of MOVES key presses, reruns while moving, reruns after release, frames/s playing)."""
    # Reruns counted as the rerun requests the page sends (a quick fragment run can pass without
    # the page ever marking its script as running, which COUNT_RUNS watches).
    page = open_page(browser, url, CHART, _PROBE, init=WATCH_SOCKET)
    page.evaluate("() => { window.__socket.length = 0; }")
    rate = page.locator(".lrc-rate")
    rate.focus()
    for i in range(MOVES):  # across the range: 0 -> 50 of the 56 stops
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => window.__lat.length > {i}", timeout=15_000)
    moving = page.evaluate(SENT_REQUESTS)
    page.wait_for_timeout(2000)
    page.wait_for_selector(READY, timeout=120_000)
    released = page.evaluate(SENT_REQUESTS) - moving
    latencies = page.evaluate("() => window.__lat")
    # Playback: redraws per second over 3 s of 500 steps (back to a converging rate first).
    rate.focus()
    for _ in range(30):
        page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(1500)
    page.wait_for_selector(READY, timeout=120_000)
    page.locator(".lrc-play").click()
    before = page.evaluate("() => [window.__lrviz.draws, performance.now()]")
    page.wait_for_timeout(3000)
    after = page.evaluate("() => [window.__lrviz.draws, performance.now()]")
    page.close()
    return latencies, moving, released, 1000 * (after[0] - before[0]) / (after[1] - before[1])

# A setting change, from a key press on its control to the paint after the chart drew the new
# runs; with the websocket's messages and the runs' HTTP request (if any) on the way.
_SETTING_PROBE = """() => {
  window.__changes = [];
  const plot = document.querySelector('.lrc-plot');
  let t0 = null;
  document.addEventListener('keydown', e => {
    if (!e.target.closest('[data-testid=stNumberInput], .lrc-steps')) return;
    t0 = e.timeStamp;
    window.__socket.length = 0;
  }, true);
  new MutationObserver(() => {
    if (t0 === null) return;
    const start = t0, drawn = performance.now(), socket = window.__socket.slice();
    const fetched = performance.getEntriesByType('resource')
      .filter(r => r.name.includes('_lrviz/runs') && r.startTime >= start).map(r => r.responseEnd);
    t0 = null;
    requestAnimationFrame(() => window.__changes.push(
      {start, drawn, painted: performance.now(), socket, fetched}));
  }).observe(plot, {attributes: true, attributeFilter: ['data-version']});
}"""
# Where a change's time goes, from the key press. Through the chart (its steps control): the new
# runs fetched over HTTP (``serve.py``), drawn, painted; the websocket stays quiet until after the
# paint. Through the sidebar (the start's box, which reruns the chart's fragment): the value sent, the
# server's first message (the run started), the payload's message, its last message before the
# chart drew, drawn, painted.
PHASES = {"chart": ("sent", "fetched", "drawn", "painted"),
          "sidebar": ("sent", "first message", "payload", "last message", "drawn", "painted")}


def _phases(change: dict) -> dict[str, float]:
    start, socket = change["start"], change["socket"]
    sent = [t for t, size in socket if size < -16]  # a rerun asked (not a bare acknowledgement)
    got = [(t, size) for t, size in socket if size > 0 and t <= change["drawn"]]
    timed = {"sent": sent[0] - start if sent else None,
             "drawn": change["drawn"] - start, "painted": change["painted"] - start}
    if change["fetched"]:
        return {**timed, "fetched": change["fetched"][-1] - start}
    if not sent or not got:
        return {}
    return {**timed, "first message": got[0][0] - start, "payload": max(got, key=lambda m: m[1])[0] - start,
            "last message": got[-1][0] - start}


def setting_changes(browser, url: str, changes: int, road: str) -> list[dict[str, float]]:
    """Each change's phases (:data:`PHASES`, ms from the key press); "painted" is the new runs'
    first paint. ``road``: "chart", the chart's steps control (ArrowRight: 10 more steps), or
    "sidebar", the sidebar's box for the start's x (ArrowUp: 0.1 more), which reruns the fragment."""
    page = open_page(browser, url, CHART, _SETTING_PROBE, init=WATCH_SOCKET)
    if road == "chart":
        control, key = page.locator(".lrc-steps"), "ArrowRight"
    else:
        page.locator('[data-testid="stSidebar"] [data-testid="stExpander"] summary', has_text="Start").click()
        box = page.locator('[data-testid="stNumberInput"]', has_text="x₀")
        control, key = box.locator("input"), "ArrowUp"
    for i in range(changes):
        control.focus()
        page.keyboard.press(key)
        page.wait_for_function(f"() => window.__changes.length > {i}", timeout=30_000)
        # The chart sends its settings 0.6 s after the last key: the next change waits for that rerun.
        page.wait_for_function(f"() => {SENT_REQUESTS}() > 0", timeout=30_000)
        page.wait_for_selector(READY, timeout=30_000)
        page.wait_for_timeout(300)
    timed = [_phases(change) for change in page.evaluate("() => window.__changes")]
    page.close()
    return [t for t in timed if t]


def _stats(ms: list[float]) -> tuple[float, float]:
    return float(np.median(ms)), float(np.percentile(ms, 95))


ROUNDS = 5  # the round trips compared are measured in turns: this machine's noise comes in spells
CHANGES = 20  # setting changes per case


def latency() -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw, serve("bench/minimal_app.py") as minimal, \
            serve("bench/full_page_app.py") as full_page, serve("app.py") as url:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        results = {name: chart_moves(browser, f"{url}/playground?{query}&lr=0.0001&lang=en")
                   for name, query in CASES}
        floor, full = [], []
        changes = {(name, road): [] for name, _ in CASES for road in PHASES}
        per_round = CHANGES // ROUNDS

        def round_trips(page_url: str) -> list[float]:
            moves = slider_moves(browser, page_url, "frequency", MOVES // ROUNDS, "ArrowRight")
            return [move.latency for move in moves]

        for turn in range(ROUNDS):
            floor += round_trips(minimal)
            full += round_trips(full_page)
            # Each turn goes on from where the last one left: every change is a new sweep and a new
            # payload, never one the server still holds (steps 500, 510, ...; the start's x 0.1 on).
            for name, query in CASES:
                steps = 500 + 10 * per_round * turn
                link = f"{url}/playground?{query.replace('steps=500', f'steps={steps}')}&lr=0.01&lang=en"
                changes[name, "chart"] += setting_changes(browser, link, per_round, "chart")
                x, *y = STARTS[name]
                start = ",".join(f"{v:g}" for v in (round(x + 0.1 * per_round * turn, 1), *y))
                link += f"&start={start}"
                changes[name, "sidebar"] += setting_changes(browser, link, per_round, "sidebar")
        browser.close()
    floor_median, floor_p95 = _stats(floor)
    print(f"rate slider input-to-paint in headless Chromium ({MOVES} key presses across the range):")
    name = "minimal one-slider page (round trip)"
    print(f"  {name:38s} median {floor_median:6.1f} ms   p95 {floor_p95:6.1f} ms")
    for name, (ms, moving, released, fps) in results.items():
        median, p95 = _stats(ms)
        print(f"  {'playground chart, ' + name:38s} median {median:6.1f} ms   p95 {p95:6.1f} ms   "
              f"ratio {median / floor_median:.2f}x   (targets: <= 50 ms, <= 100 ms, <= 0.3x)")
        print(f"  {'':38s} reruns while moving {moving} (target 0), after release {released} (target 1); "
              f"playing 500 steps: {fps:.0f} frames/s (target >= 30)")
    full_median, full_p95 = _stats(full)
    print("a setting change (new sweep, new payload, redraw), key press to paint:")
    name = "full-page floor (computes nothing)"
    print(f"  {name:38s} median {full_median:6.1f} ms   p95 {full_p95:6.1f} ms   "
          f"ratio {full_median / floor_median:.2f}x   (a whole page of this size rerun: Streamlit's floor)")
    roads = {"chart": "the chart's steps", "sidebar": "the sidebar's start x (a fragment rerun)"}
    for (name, road), timed in changes.items():
        median, p95 = _stats([t["painted"] for t in timed])
        print(f"  {name + ', ' + roads[road]:38s} median {median:6.1f} ms   p95 {p95:6.1f} ms   "
              f"ratio {median / floor_median:.2f}x   (target: <= 1.3x the minimal page)")
        print(f"  {'':38s} where it goes (median ms from the key press): " + ", ".join(
            f"{phase} {np.median(got):.0f}" for phase in PHASES[road]
            if (got := [t[phase] for t in timed if t.get(phase) is not None])))
        if road == "chart":  # the release's one rerun, after the paint
            print(f"  {'':38s} reruns asked before the paint: "
                  f"{sum(t['sent'] is not None and t['sent'] < t['painted'] for t in timed)} of {len(timed)}")


def main() -> None:
    server_side()
    latency()


if __name__ == "__main__":
    main()
