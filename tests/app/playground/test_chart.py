"""The rate slider's chart: its payload (every stop's run, verdicts, sizes) and chart.js's numbers."""

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from lrviz import engine
from lrviz.app.kit import landscape
from lrviz.app.kit.rates import LR_GRID
from lrviz.app.playground import figures, verdict
from lrviz.app.playground.chart import payload
from lrviz.engine.diagnostics import stability_limit
from lrviz.i18n import t
from lrviz.surfaces import from_expression, get

CHART_JS = Path(payload.__file__).parent / "web" / "chart.js"


def build(surface, lr=0.1, steps=100, lang="en", optimizer="sgd", limit=None):
    surface = get(surface) if isinstance(surface, str) else surface
    lrs, exact = payload.rates(lr)
    runs = engine.runs(surface, lrs, optimizer, steps=steps)
    blob = payload.build(runs, surface, lrs=lrs, exact=exact, limit=limit, adaptive=None,
                         name_minimum=False, lang=lang)
    index = payload.slider_index(lr)
    return runs, payload.decode(payload.with_request(blob, index=index, frame=0, nonce=1, selected=exact))


@pytest.mark.parametrize("surface", ["rosenbrock", "ravine", "himmelblau"])
def test_a_2d_surface_at_500_steps_fits_in_a_megabyte(surface):
    _, data = build(surface, steps=500, optimizer="momentum", lr=1e-3)
    assert data["bytes"] <= 1_000_000
    assert data["arrays"]["points"].shape == (len(LR_GRID), 501, 2)
    assert data["arrays"]["grads"].shape == (len(LR_GRID), 500, 2)


def test_a_schedule_free_payload_carries_where_the_gradients_were_taken():
    runs, data = build("rosenbrock", lr=1e-3, steps=50, optimizer="adamw_schedule_free")
    header, arrays = data["header"], data["arrays"]
    assert set(header["arrays"]) == {"points", "losses", "lrs", "grads", "gradient_view"}
    assert header["traces"]["gradient"] in header["drawn"]  # the canvas draws it, with its look
    row = payload.slider_index(1e-3)
    np.testing.assert_allclose(arrays["gradient_view"][row, : len(runs[row].points)],
                               runs[row].gradient_points, rtol=1e-6)
    _, plain = build("rosenbrock", lr=1e-3, steps=50, optimizer="adam")
    assert "gradient_view" not in plain["header"]["arrays"]


def test_every_rates_verdict_is_the_verdict_of_its_own_run():
    surface = get("quadratic")
    limit = stability_limit("sgd", {}, 2.0)
    _, data = build(surface, limit=limit)
    rows = data["header"]["rows"]
    assert [r["lr"] for r in rows] == list(LR_GRID)
    for lr, row in zip(LR_GRID, rows, strict=True):
        said = verdict.verdict(engine.run(surface, lr=lr, steps=100), surface, "en", limit)
        assert (row["status"], html.unescape(row["headline"]), html.unescape(row["detail"])) == said
        assert row["card"] == {"converged": "success", "diverged": "error", "slow": "info"}.get(said.status,
                                                                                            "warning")
    statuses = [r["status"] for r in rows]
    assert "converged" in statuses and "diverged" in statuses  # 2/λ = 1 lies on the slider


def test_the_critical_rates_label_leaves_the_line_of_each_rows_rate():
    # f = x², plain SGD: 2/λmax = 1. The label sits above its dashed line unless the row's own
    # rate passes above it too, and under it only where the line leaves room (η < 1/0.3).
    _, data = build("quadratic", limit=stability_limit("sgd", {}, 2.0))
    annotations = data["header"]["figure"]["layout"]["annotations"]
    label = next(i for i, a in enumerate(annotations) if a.get("name") == figures.CRITICAL_LABEL)
    rows = data["header"]["rows"]
    side = {row["lr"]: row["layout"][f"annotations[{label}].yanchor"] for row in rows}
    assert side[0.5] == side[1.0] == "bottom"  # the rate runs under the line
    assert side[1.2] == side[3.0] == "top"  # above it: the label goes under
    assert side[5.0] == "bottom"  # far above: the line sits too low in the chart for room under it
    quadratic = get("quadratic")  # the Plotly figure follows the same rule
    base = figures.build_animation(engine.run(quadratic, lr=1.2, steps=100), quadratic, lang="en",
                                   limit=stability_limit("sgd", {}, 2.0))
    assert [a["yanchor"] for a in base.to_dict()["layout"]["annotations"] if a.get("name")] == ["top"]


@pytest.mark.parametrize("big", [False, True])
def test_the_rate_chart_keeps_room_over_the_critical_rates_line_for_its_label(big):
    # The rate chart is 62 px tall (57 in presentation mode, with 15.6 px type): a label over its
    # line 23 % under the chart's top reached into the chart's name above it. A line of 12 px type
    # is 17 px tall in plotly.js (1.42 em): the label and 3 px to spare must fit over the line.
    quadratic = get("quadratic")
    lrs, exact = payload.rates(0.1)
    blob = payload.build(engine.runs(quadratic, lrs, "sgd", steps=100), quadratic, lrs=lrs, exact=exact,
                         limit=stability_limit("sgd", {}, 2.0), adaptive=None, name_minimum=False, lang="en",
                         big=big)
    layout = payload.decode(payload.with_request(blob, index=0, frame=0, nonce=1, selected=exact))["header"]
    figure = layout["figure"]["layout"]
    lo, hi = figure["yaxis3"]["domain"]
    chart_px = (figure["height"] - figure["margin"]["t"] - figure["margin"]["b"]) * (hi - lo)
    label = next(a for a in figure["annotations"] if a.get("name") == figures.CRITICAL_LABEL)
    label_px = 1.42 * label["font"]["size"]
    for row in layout["rows"]:
        bottom, top = row["layout"]["yaxis3.range"]
        if row["lr"] < 1.0:  # the rate runs under the line: the label sits over it
            assert (top - 1.0) / (top - bottom) * chart_px >= label_px + 3, (row["lr"], top)


def test_the_overviews_critical_label_stands_right_of_its_line_where_there_is_room():
    # Left of the line the converged runs' dots fill the foot of the chart; right of it they diverge.
    def side(lam):
        _, data = build("quadratic", limit=stability_limit("sgd", {}, lam))
        layout = data["header"]["overview"]["figure"]["layout"]
        return [a["xanchor"] for a in layout["annotations"] if a.get("name") == figures.CRITICAL_LABEL]
    assert side(2.0) == ["left"]  # 2/λmax = 1, a decade from the axis' end
    assert side(0.25) == ["right"]  # 2/λmax = 8: no room for the label before 10


def test_a_rate_off_the_stops_gets_its_own_selected_row():
    _, data = build("quadratic", lr=0.123)
    header, request = data["header"], data["request"]
    assert header["n"] == len(LR_GRID) + 1 and header["exact"] == len(LR_GRID)
    assert request["selected"] == len(LR_GRID) and request["index"] == payload.slider_index(0.123)
    assert header["rows"][-1]["lr"] == 0.123
    alone = engine.run("quadratic", lr=0.123, steps=100)
    k = len(alone.points)
    np.testing.assert_allclose(data["arrays"]["points"][-1, :k], alone.points, rtol=1e-5)
    assert np.all(np.isnan(data["arrays"]["points"][-1, k:]))


def test_diverged_rows_are_padded_with_nan_after_their_escape():
    runs, data = build("quadratic", lr=2.0)
    i = LR_GRID.index(2.0)
    assert runs[i].status == "diverged"
    assert data["header"]["lengths"][i] == runs[i].diverged_at + 1
    assert np.all(np.isnan(data["arrays"]["losses"][i, runs[i].diverged_at + 1 :]))


def test_the_overview_marks_every_stop_diverged_ones_as_crosses_in_korean():
    runs, data = build("quadratic", lang="ko", limit=stability_limit("sgd", {}, 2.0))
    overview = data["header"]["overview"]
    points = overview["figure"]["data"][0]
    assert len(points["customdata"]) == len(LR_GRID) == len(overview["at"])
    assert points["marker"]["symbol"].count("x") == sum(r.status == "diverged" for r in runs) > 0
    assert "발산" in points["customdata"]
    layout = overview["figure"]["layout"]
    assert layout["xaxis"]["type"] == "log" and layout["yaxis"]["type"] == "log"
    critical = [s for s in layout["shapes"] if s["type"] == "line"]
    assert critical[0]["x0"] == pytest.approx(1.0, rel=1e-4)
    edge = [s for s in layout["shapes"] if s["type"] == "rect"]
    assert 0.8 < edge[0]["x0"] < 1.2  # between the last stable stop and the first diverging one


def test_a_formula_with_no_minimum_charts_the_final_loss_itself():
    surface = from_expression("-x", 1)
    runs, data = build(surface, steps=10)
    layout = data["header"]["overview"]["figure"]["layout"]
    assert layout["yaxis"].get("type") != "log"
    assert data["header"]["f_min"] is None
    at = data["header"]["overview"]["at"]
    finite = [a[1] for a, r in zip(at, runs, strict=True) if r.diverged_at is None]
    assert np.allclose(finite, [float(r.losses[-1]) for r in runs if r.diverged_at is None], atol=1e-4)


def test_the_base_figure_names_the_traces_the_browser_moves():
    for surface, moving in (("quadratic", 8), ("ravine", 7)):
        _, data = build(surface)
        header = data["header"]
        traces, figure = header["traces"], header["figure"]
        assert "frames" not in figure and "sliders" not in figure["layout"]
        assert traces["rule"] == len(figure["data"]) - 1
        assert figure["data"][traces["rule"]]["mode"] == "text"
        assert figure["data"][traces["exit"]]["mode"] == "markers+text"
        assert all(figure["data"][i]["xaxis"] == axis for i, axis in zip(traces["lines"], ("x2", "x3", "x4"),
                                                                          strict=True))
        assert (traces["tangent"] is None) == (surface == "ravine")
        assert len(figure["data"]) - traces["tail"] == moving


def test_the_rule_names_the_gradient_g_where_noise_or_clipping_changed_it():
    surface = get("quadratic")
    lrs, exact = payload.rates(0.1)
    runs = engine.runs(surface, lrs, "sgd", steps=20, noise=0.5)
    for changed, symbol in ((True, "g"), (False, "∇L")):
        blob = payload.build(runs, surface, lrs=lrs, exact=exact, limit=None, adaptive=None,
                             name_minimum=False, lang="en", changed=changed)
        sent = payload.with_request(blob, index=0, frame=0, nonce=1, selected=None)
        header = payload.decode(sent)["header"]
        assert header["gradient"] == symbol
        titles = [a["text"] for a in header["figure"]["layout"]["annotations"]]
        assert f"gradient ‖{symbol}‖ (log)" in titles  # the chart's title says it too


def test_an_unchanged_payload_keeps_its_version():
    _, a = build("quadratic")
    _, b = build("quadratic")
    _, c = build("quadratic", lang="ko")
    assert a["header"]["version"] == b["header"]["version"] != c["header"]["version"]


NEEDS_NODE = pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run chart.js")


def chart_js(tmp_path: Path, name: str, inputs: list, call: str) -> list:
    """``call`` (JS, of ``name`` imported from chart.js, over ``inputs`` named ``inputs``) run in node;
    its results, NaN read back as None (JSON has no NaN)."""
    module = tmp_path / "chart.mjs"
    module.write_text(CHART_JS.read_text())
    script = (f"import {{ {name} }} from {json.dumps(module.as_uri())};\n"
              f"const inputs = {json.dumps(inputs, allow_nan=True)};\n"
              f"console.log(JSON.stringify({call}));")
    out = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True,
                         check=True, timeout=30)
    return json.loads(out.stdout)


VALUES = [0, 1, -1, 0.1, 0.5, 2.5, 0.125, 1.125, -1.125, 0.0625, 1234.5, 999.5, 9999.4, 9999.6, 1e4,
          1e-3, 1e-4, 0.000099995, 0.00009995, 2.5e-4,
          0.00099951, 0.0009995, 1.5e-5, -2.25e-7, 3.62e-08, 2.6e-19, 6.02e23, 1e300, 123456789.0, 0.333333,
          2 / 3, np.float32(0.1), np.float32(1e-4), np.float32(2.6e-19),
          5e-324, float("inf"), float("-inf"), float("nan"),
          None]


@NEEDS_NODE
def test_chart_js_writes_numbers_exactly_as_verdict_number(tmp_path):
    values = [None if v is None else float(v) for v in VALUES]
    assert chart_js(tmp_path, "number", values, "inputs.map(number)") == [verdict.number(v) for v in values]


def test_a_limit_beside_a_rate_takes_the_digits_to_read_apart_from_it():
    assert verdict.number_apart(0.0019968, 0.002) == "0.001997"  # Rosenbrock's 2/λmax beside η = 0.002
    assert verdict.number_apart(0.0024957, 0.0025) == "0.002496"
    assert verdict.number_apart(0.0573, 0.25) == "0.0573" and verdict.number_apart(1.0, 1.0) == "1"
    # Within a curvature's finite-difference error they are one number: the saddle's 2/λmax beside 1.
    assert verdict.number_apart(0.99999984, 1.0) == "1"


STEPS = [(2.4949998855590820, 2.5), (-1.1784, -1.2), (1.0088, 1.0), (1.0, 2.5), (-0.125, 2.5), (2.5, 2.5),
         (5.96e-07, 2.5), (1e6 + 1, 1e6), (0.0, 1.0), (float("nan"), 1.0), (3e-9, 2e-9), (5.12e-4, 5.2e-4),
         (12345.6, 12300.0), (-0.000512, -0.0005), (5.12e-5, 5.2e-5)]


@NEEDS_NODE
def test_chart_js_writes_the_point_after_a_step_as_the_rule_does(tmp_path):
    got = chart_js(tmp_path, "numberAfterStep", STEPS, "inputs.map(([v, o]) => numberAfterStep(v, o))")
    assert got == [verdict.number_after_step(v, o) for v, o in STEPS]
    # θ = 2.5, η·∇L = 0.005: the rule reads 2.495 (2.49 was a step of 0.01); Rosenbrock's first step
    # at η = 1e-4, (−1.2, 1) − (−0.0216, −0.0088), reads (−1.1784, 1.0088).
    assert [verdict.number_after_step(v, o) for v, o in STEPS[:4]] == ["2.495", "-1.1784", "1.0088", "1"]
    # Outside 1e-4 … 1e4 the point keeps number()'s exponent, as θ on the line above it does.
    assert verdict.number_after_step(5.12e-5, 5.2e-5) == "5.12e-05"
    assert verdict.number_after_step(5.12e-4, 5.2e-4) == "0.000512"
    assert verdict.number_after_step(12345.6, 12300.0) == "1.23456e+04"


def test_the_asset_directory_serves_only_the_charts_scripts():
    # Streamlit serves every file in a component's asset directory: no Python goes there.
    from lrviz.app.playground.chart import WEB

    assert {p.name for p in WEB.iterdir()} <= {"chart.js", "plotly.min.js"}
    assert (WEB / "chart.js").is_file()


def test_step_ranges_pad_the_runs_span_in_the_axis_own_units():
    assert payload.step_range(np.array([1e-2, 1.0, 1e2]), log=True) == pytest.approx([-2.2, 2.2])
    assert payload.step_range(np.array([0.1, 0.1]), log=False, from_zero=True) == pytest.approx([0.0, 0.105])
    assert payload.step_range(np.array([np.nan, -1.0]), log=True) == [0.0, 1.0]  # nothing to draw
    flat = payload.step_range(np.array([3.0, 3.0]), log=True)
    assert flat[0] < np.log10(3.0) < flat[1]  # a flat line sits inside its axis


def test_a_clipped_run_sends_the_curves_own_slope_for_its_tangent():
    # x² from 2.5 at η = 1.5, clipped to 1: each step is given g = ±1, while the curve's slope is
    # 2x (5, 2, −1, …). A tangent drawn with g missed the curve; the browser now gets 2x.
    surface = get("quadratic")
    lrs, exact = payload.rates(1.5)
    runs = engine.runs(surface, lrs, "sgd", steps=20, clip_norm=1.0)
    for changed in (True, False):
        blob = payload.build(runs, surface, lrs=lrs, exact=exact, limit=None, adaptive=None,
                             name_minimum=False, lang="en", changed=changed)
        sent = payload.with_request(blob, index=0, frame=0, nonce=1, selected=None)
        arrays = payload.decode(sent)["arrays"]
        if not changed:
            assert "slopes" not in arrays  # the gradients are the slopes: nothing more to send
            continue
        row = int(np.argmin(np.abs(lrs - 1.5)))
        x = arrays["points"][row, :-1, 0]
        finite = np.isfinite(x)
        np.testing.assert_allclose(arrays["slopes"][row][finite], 2 * x[finite], rtol=1e-4, atol=1e-4)
        assert np.all(np.abs(arrays["grads"][row][finite, 0]) <= 1.0 + 1e-5)


def test_a_flat_gradient_norm_gets_a_readable_axis():
    # Clipped to 1, ‖g‖ is 0.9999995 … 1.0000000 (float32): the axis spanned 1e-7 of a decade, so
    # rounding noise drew a zig-zag over the whole chart and the tick "1" fell outside the range.
    lo, hi = payload.step_range(np.array([0.9999995, 0.99999976, 1.0, 0.9999998]), log=True)
    assert hi - lo == pytest.approx(0.55) and lo < 0 < hi  # half a decade, and 1 (log 0) inside
    lo, hi = payload.step_range(np.array([1.0, 2.0]), log=True)  # a real change keeps its own span
    assert hi - lo == pytest.approx(1.1 * np.log10(2))


def test_the_payload_tells_noisy_runs_that_jitter_so():
    surface = get("quadratic")
    lrs, exact = payload.rates(0.3)
    runs = engine.runs(surface, lrs, "sgd", steps=100, noise=0.5)
    blob = payload.build(runs, surface, lrs=lrs, exact=exact, limit=None, adaptive=None,
                         name_minimum=False, lang="en", changed=True, noise=0.5)
    sent = payload.with_request(blob, index=0, frame=0, nonce=1, selected=None)
    rows = payload.decode(sent)["header"]["rows"]
    assert rows[int(np.argmin(np.abs(lrs - 0.3)))]["headline"] == t("verdict.jitter", "en")


def test_a_scheduled_runs_line_says_the_schedule_moves_the_rate():
    # x² with a cosine from η = 1, the limit: the line must not leave it at "the swings neither
    # shrink nor grow" when the schedule lowers the rate and the run settles.
    runs = engine.runs(get("quadratic"), payload.rates(1.0)[0], steps=100, schedule="cosine")
    limit = stability_limit("sgd", {}, 2.0)
    blob = payload.build(runs, get("quadratic"), lrs=payload.rates(1.0)[0], exact=None, limit=limit,
                         adaptive=None, name_minimum=False, lang="en")
    def rows(cached: bytes) -> list[dict]:
        return payload.decode(payload.with_request(cached, index=0, frame=0, nonce=0, selected=None))[
            "header"]["rows"]

    said = t("pg.critical_scheduled", "en")
    assert all(said in row["line"] for row in rows(blob))
    constant = engine.runs(get("quadratic"), payload.rates(1.0)[0], steps=100)
    plain = payload.build(constant, get("quadratic"), lrs=payload.rates(1.0)[0], exact=None, limit=limit,
                          adaptive=None, name_minimum=False, lang="en")
    assert not any(said in row["line"] for row in rows(plain))


def test_chart_js_loads_plotly_from_this_components_asset_route():
    # chart.js arrives as text (a blob: module), so it names the route Streamlit serves the asset
    # directory at: the component's NAME must be the one in it.
    from lrviz.app.playground.chart import NAME

    assert f'"_stcore/bidi-components/{NAME}/plotly.min.js"' in CHART_JS.read_text(encoding="utf-8")


def test_a_flat_series_ticks_spread_over_its_widened_axis():
    # x² at η = 1e-4: the loss falls from 6.25 to 6.0 in 100 steps, 0.018 decades. Its axis is
    # widened to half a decade; its three ticks were all between 6.0 and 6.25, on one spot.
    surface = get("quadratic")
    lrs, exact = payload.rates(1e-4)
    runs = engine.runs(surface, lrs, "sgd", steps=100)
    cached = payload.build(runs, surface, lrs=lrs, exact=exact, limit=None, adaptive=None, name_minimum=False,
                           lang="en")
    decoded = payload.decode(payload.with_request(cached, index=0, frame=0, nonce=0, selected=None))
    row = decoded["header"]["rows"][0]
    lo, hi = row["layout"]["yaxis2.range"]
    ticks = np.log10(row["layout"]["yaxis2.tickvals"])
    assert len(ticks) == 3 and np.all(np.diff(ticks) > 0.2 * (hi - lo))
    assert lo <= ticks.min() and ticks.max() <= hi


def test_the_overview_says_what_its_marks_mean_and_its_crosses_stand_clear_of_the_dots():
    """Hover was the overview's only key, and a phone has none; on x² the dots span 31 decades, and a
    decade above the highest put the crosses level with the still-moving runs' dots."""
    runs, data = build("quadratic", lang="ko", limit=stability_limit("sgd", {}, 2.0))
    overview = data["header"]["overview"]
    legend = overview["legend"]
    for status in ("converged", "slow", "diverged"):
        assert t(f"status.{status}", "ko") in legend
    assert "stuck_local" not in {r.status for r in runs} and t("status.stuck_local", "ko") not in legend
    assert t("pg.chart_overview_shaded", "ko") in legend and "lrc-ring-key" in legend
    # Each key is one unbreakable span (on a phone the ring went on one line, its words on the next).
    keys = re.findall(r'<span class="lrc-key">(.*?)</span>(?: · |$)', legend)
    ring = '<span class="lrc-ring-key"></span> ' + t("pg.chart_overview_here", "ko")
    assert len(keys) == legend.count(" · ") + 1 == 6 and ring in keys
    y = np.log10([a[1] for a in overview["at"]])
    diverged = np.array([r.status == "diverged" for r in runs[: len(LR_GRID)]])
    dots = y[~diverged]
    assert y[diverged].min() - dots.max() >= 0.1 * (dots.max() - dots.min())


GAPS = [[6.25, 1.5625, 0.390625, 0.0, 0.0], [6.25, 0.0, 0.0], [3.0, 1.0, 1e-20, 0.0, -1e-30, float("inf")],
        [2.0, float("nan"), 1.0], [0.0, 0.0], [5.0, 4.0, 3.0], [1.0, 1e-13, 0.0], [0.0, 1.0, 1e-13],
        [1.0, 0.0, 1e-13, 1e13, 0.0]]


@NEEDS_NODE
def test_chart_js_plots_a_runs_loss_gap_as_landscape_gap_does(tmp_path):
    """The step charts' log axes: a landing (6.25, then 0) twelve decades down, float32's run out of
    numbers (a fall of twenty decades, then 0) an ended line, in chart.js as in Python."""
    runs = chart_js(tmp_path, "gap", GAPS, "inputs.map(r => Array.from(gap(r.length, s => r[s])))")
    got = [[np.nan if v is None else v for v in run] for run in runs]
    for run, shown in zip(GAPS, got, strict=True):
        np.testing.assert_array_equal(shown, landscape.gap(run, 0.0), err_msg=str(run))
    assert np.isnan(got[2][3]) and got[1] == [6.25, 6.25e-12, 6.25e-12]
