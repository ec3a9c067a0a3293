"""lrviz.app.sweep.figures: the structure of the rate plot, the phase picture and the basin map."""

import base64
import functools
import itertools
from dataclasses import replace

import numpy as np
import plotly.io as pio
import pytest

from lrviz.app.kit.theme import STATUS_COLORS, status_symbol
from lrviz.app.playground import state as links
from lrviz.app.sweep import compute as sweeps
from lrviz.app.sweep import figures
from lrviz.app.sweep.state import DEFAULT, Config
from lrviz.i18n import t

STEPS = 500


def values(array) -> np.ndarray:
    """A packed array (typed-array dict or plain list) as NumPy."""
    if isinstance(array, dict):
        flat = np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
        shape = array.get("shape")
        return flat.reshape([int(n) for n in shape.split(",")]) if shape else flat
    return np.array([np.nan if v is None else v for v in np.ravel(array)], dtype=float)


@functools.cache
def computed(surface="quadratic", optimizers=("sgd",), rates=300, lo=1e-3, hi=10.0, lr=0.5):
    base = replace(DEFAULT.base, surface=surface, optimizer=optimizers[0], steps=STEPS, lr=lr)
    config = Config(base=base, optimizers=optimizers, rates=rates, lo=lo, hi=hi)
    surface = links.surface_of(base)
    return config, surface, sweeps.run_sweeps(config, surface)


def legend(fig) -> list[str]:
    return [d["name"] for d in fig["data"] if d.get("showlegend", True) and "name" in d]


def test_rate_plot_is_log_log_with_one_marker_per_run_coloured_by_status():
    config, surface, results = computed(optimizers=("sgd", "momentum"))
    fig = figures.build_rates(results, surface, lang="en", chosen=0.5, gd_critical=1.0).to_dict()
    assert fig["layout"]["xaxis"]["type"] == fig["layout"]["yaxis"]["type"] == "log"
    runs = [d for d in fig["data"] if d.get("marker", {}).get("color") is not None
            and isinstance(d["marker"]["color"], list) and len(d["marker"]["color"]) == config.rates]
    assert len(runs) == 2
    for trace, result in zip(runs, results, strict=True):
        assert trace["marker"]["color"] == [STATUS_COLORS[s] for s in result.sweep.status]
        y = values(trace["y"])
        diverged = result.sweep.status == "diverged"
        assert diverged.any() and y[diverged].min() > y[~diverged].max()  # the row above the plot
    assert runs[0]["marker"]["symbol"] != runs[1]["marker"]["symbol"]
    names = legend(fig)
    assert {"SGD", "SGD with momentum", "best rate", "divergence edge", "converged", "diverged"} <= set(names)
    assert "stalled at a saddle" not in names  # only statuses that occur
    # Critical rates: 2/λ = 1 for SGD and 2(1 + 0.9)/λ = 1.9 for momentum, plus the chosen rate.
    lines = sorted(s["x0"] for s in fig["layout"]["shapes"] if s.get("xref") == "x")
    np.testing.assert_allclose(lines, [0.5, 1.0, 1.9], rtol=1e-3)
    texts = " ".join(a["text"] for a in fig["layout"]["annotations"])
    assert "SGD: 2/λmax = 1" in texts and "2(1+μ)/λmax = 1.9" in texts
    # The axis is the swept range (4 % of it either side), not plotly's room for big markers.
    lo, hi = np.log10(config.lo), np.log10(config.hi)
    room = 0.04 * (hi - lo)
    np.testing.assert_allclose(fig["layout"]["xaxis"]["range"], [lo - room, hi + room])


def test_with_several_optimizers_each_curve_is_named_at_its_best_rate_and_its_diverged_row():
    # Walkthrough: colour is the outcome, so three optimizers' "still moving" curves were one blue.
    _, surface, results = computed(optimizers=("sgd", "momentum"))
    fig = figures.build_rates(results, surface, lang="en").to_dict()
    named = {}
    for note in fig["layout"]["annotations"]:
        named.setdefault(note["text"], []).append((note["x"], note["y"]))
    for result, name in zip(results, ("SGD", "SGD with momentum"), strict=True):
        first_diverged = np.log10(result.sweep.lrs[result.sweep.status == "diverged"][0])
        (at_best, at_row) = named[name]
        assert at_best[0] == pytest.approx(np.log10(result.best_lr)) and np.isfinite(at_best[1])
        assert at_row[0] == pytest.approx(first_diverged) and at_row[1] > at_best[1]
    # Four best rates on x²'s floor, 0.2-0.5 decade apart (a review): their names take rows of their own.
    _, surface, four = computed(optimizers=("sgd", "momentum", "nesterov", "adam"))
    best = [a for a in figures.build_rates(four, surface, lang="en").to_dict()["layout"]["annotations"]
            if a.get("yanchor") == "bottom" and a["text"] in ("SGD", "SGD with momentum", "Nesterov momentum",
                                                             "Adam")]
    for a, b in itertools.combinations(best, 2):
        assert abs(a["x"] - b["x"]) >= 1.5 or abs(a["y"] - b["y"]) >= 1.0 or a["yshift"] != b["yshift"]
    _, surface, alone = computed()
    assert "SGD" not in [a["text"] for a in figures.build_rates(alone, surface, lang="en").to_dict()["layout"]
                         ["annotations"]]


def test_best_rate_is_ringed_and_the_edge_ticked():
    _, surface, results = computed()
    fig = figures.build_rates(results, surface, lang="en").to_dict()
    ring = [d for d in fig["data"] if d.get("marker", {}).get("symbol") == "circle-open" and d["x"] != [None]]
    tick = [d for d in fig["data"] if d.get("marker", {}).get("symbol") == "line-ns" and d["x"] != [None]]
    assert values(ring[0]["x"])[0] == pytest.approx(results[0].best_lr)
    assert values(tick[0]["x"])[0] == pytest.approx(results[0].edge)
    # With several optimizers each ring takes its optimizer's shape, open.
    _, surface, results = computed(optimizers=("sgd", "momentum"))
    fig = figures.build_rates(results, surface, lang="en").to_dict()
    rings = [d for d in fig["data"] if str(d.get("marker", {}).get("symbol")).endswith("-open")
             and d["x"] != [None]]
    assert [d["marker"]["symbol"] for d in rings] == ["circle-open", "square-open"]
    assert [values(d["x"])[0] for d in rings] == pytest.approx([r.best_lr for r in results])


def test_adaptive_optimizers_get_plain_gd_critical_rate_for_reference():
    _, surface, results = computed(optimizers=("adam",))
    assert results[0].limit is None
    fig = figures.build_rates(results, surface, lang="ko", gd_critical=1.0).to_dict()
    (line,) = [s for s in fig["layout"]["shapes"] if s.get("xref") == "x"]
    assert line["x0"] == 1.0 and line["line"]["dash"] == "dot"
    assert any("경사 하강법" in a["text"] for a in fig["layout"]["annotations"])
    assert "Adam" in legend(fig)


def test_payload_stays_small_for_four_optimizers_and_two_thousand_rates():
    _, surface, results = computed(optimizers=("sgd", "momentum", "adam", "rmsprop"), rates=2000)
    fig = figures.build_rates(results, surface, lang="en")
    assert len(pio.to_json(fig, validate=False)) < 600_000


def test_phase_heatmap_marks_diverged_cells_at_the_top_of_its_scale():
    _, surface, results = computed()
    data = sweeps.phase(results[0].sweep, surface, "loss")
    fig = figures.build_phase(data, lang="en", limit=results[0].limit, best=results[0].best_lr).to_dict()
    (heat,) = fig["data"]
    assert heat["type"] == "heatmap" and heat["z"]["dtype"] == "f4"  # a typed array, not a JSON list
    z = values(heat["z"])
    assert z.shape == data.values.shape and z.shape[0] <= 200 and z.shape[1] <= 250
    assert np.all(z[data.diverged] == heat["zmax"])
    # Every other cell maps strictly below the first stop of the diverged colour.
    first_red = min(p for p, colour in heat["colorscale"] if colour == STATUS_COLORS["diverged"])
    scaled = (z[~data.diverged] - heat["zmin"]) / (heat["zmax"] - heat["zmin"])
    assert np.all(scaled < first_red)
    assert heat["colorbar"]["ticktext"][-1] == "diverged"
    # The decades stay clear of that label: at least one band (of 13 on the bar) below it, even
    # where the scale tops out exactly at a decade (values 1e-3 … 10: 10¹ would sit under it).
    values_ = np.minimum(np.geomspace(1e-3, 100.0, 40), 10.0).reshape(8, 5)  # the top 0.5 % is 10
    edge = sweeps.PhaseData("loss", np.geomspace(0.01, 1, 8), np.arange(5), values_, np.zeros((8, 5), bool))
    bar = figures.build_phase(edge, lang="ko").to_dict()["data"][0]
    *decades, label_at = bar["colorbar"]["tickvals"]
    band = (bar["zmax"] - bar["zmin"]) / 13
    assert decades and label_at - max(decades) >= band - 1e-9
    assert heat["colorscale"][-1][1] == STATUS_COLORS["diverged"]
    np.testing.assert_allclose(values(heat["y"]), np.log10(data.lrs), rtol=1e-6)  # rows on a log scale
    assert fig["layout"]["yaxis"]["ticktext"][0] == "10<sup>-3</sup>"
    critical = [s for s in fig["layout"]["shapes"] if s["line"]["dash"] == "dash"]
    assert critical[0]["y0"] == pytest.approx(0.0, abs=1e-3)  # log10 of 2/λmax = 1


def test_basin_map_names_each_minimum_by_its_coordinates():
    config, surface, _ = computed("himmelblau", lo=1e-5, hi=1.0, lr=0.002)
    basins = sweeps.basins(config, surface)
    fig = figures.build_basins(basins, surface, lang="en", start=surface.start).to_dict()
    heat = fig["data"][0]
    assert heat["type"] == "heatmap" and heat["showscale"] is False
    category, entries = figures.basin_categories(basins, "en")
    assert len(entries) == 4 and all("global minimum (" in name for name, _ in entries)
    assert "global minimum (3, 2)" in legend(fig)
    assert heat["zmin"] == -0.5 and heat["zmax"] == len(entries) - 0.5
    np.testing.assert_array_equal(values(heat["z"]), category)
    assert fig["layout"]["yaxis"]["scaleanchor"] == "x"


def test_diverged_runs_are_hollow_so_they_read_apart_from_oscillating_ones():
    """Orange (oscillating) and vermillion (diverged) are close: a diverged run's marker is also hollow,
    in its optimizer's shape, on the plot and in the legend; every other status stays filled."""
    assert status_symbol("diverged", "square") == "square-open"
    assert status_symbol("oscillating", "square") == "square"
    assert all(status_symbol(s) == "circle" for s in STATUS_COLORS if s != "diverged")
    _, surface, results = computed("rosenbrock", optimizers=("rmsprop", "sgd"), rates=200)
    fig = figures.build_rates(results, surface, lang="en").to_dict()
    runs = [d for d in fig["data"] if isinstance(d.get("marker", {}).get("symbol"), list)]
    assert len(runs) == 2
    for trace, result, shape in zip(runs, results, figures.SYMBOLS[:2], strict=True):
        status = result.sweep.status
        assert trace["marker"]["symbol"] == [f"{shape}-open" if s == "diverged" else shape for s in status]
        assert trace["marker"]["line"]["width"] >= 2  # an outline thick enough to show its colour
        assert trace["marker"]["line"]["color"] == trace["marker"]["color"]  # not a dark rim on the dots
    assert {"oscillating", "diverged"} <= set(results[0].sweep.status)
    entries = {d["name"]: d["marker"]["symbol"] for d in fig["data"]
               if d.get("legendgroup", "").startswith("status-")}
    assert entries["diverged"] == "circle-open" and entries["oscillating"] == "circle"


def test_one_dimensional_basins_draw_diverged_starts_hollow():
    config, surface, _ = computed("double_well", lr=0.9)
    basins = sweeps.basins(config, surface)
    assert (basins.label == sweeps.DIVERGED).any()
    fig = figures.build_basins(basins, surface, lang="en").to_dict()
    dots = next(d for d in fig["data"] if isinstance(d.get("marker", {}).get("symbol"), list))
    hollow = np.array(dots["marker"]["symbol"]) == "circle-open"
    np.testing.assert_array_equal(hollow, basins.label == sweeps.DIVERGED)


def test_basin_categories_lump_rare_minima_and_name_diverged_and_unfinished_runs():
    minima = tuple((float(i), 0.0) for i in range(9))
    label = np.array([0] * 5 + [1] * 5 + [2] * 4 + [3] * 4 + [4] * 3 + [5] * 3 + [6] * 2 + [7] + [8]
                     + [sweeps.DIVERGED] * 2 + [sweeps.NO_MINIMUM])
    basins = sweeps.Basins(0.1, (np.arange(len(label)),), label, minima, n_global=1)
    category, entries = figures.basin_categories(basins, "ko")
    names = [name for name, _ in entries]
    assert names[0] == "전역 최솟값 (0, 0)" and names[1] == "지역 최솟값 (1, 0)"
    assert names[6:] == ["그 밖의 최솟값 3개", "발산", "최솟값에 도착하지 못함"]
    assert set(category[label >= 6]) == {6}
    assert entries[7][1] == STATUS_COLORS["diverged"]
    assert len({colour for _, colour in entries}) == len(entries)


def test_one_dimensional_basins_are_points_on_the_curve():
    config, surface, _ = computed("double_well", lr=0.01)
    basins = sweeps.basins(config, surface)
    fig = figures.build_basins(basins, surface, lang="en").to_dict()
    points = [d for d in fig["data"] if isinstance(d.get("marker", {}).get("color"), list)]
    assert len(values(points[0]["x"])) == sweeps.BASIN_LINE


def test_runs_drawn_on_the_floor_are_said_to_be_at_or_below_it():
    # On x², η = 0.5 lands on the minimum in one step: its gap is 0, drawn on the floor line.
    _, surface, results = computed(rates=50, lo=0.1, hi=0.9)
    fig = figures.build_rates(results, surface, lang="en").to_dict()
    start_gap = float(results[0].sweep.losses[0, 0]) - surface.f_min
    floor = figures.FLOOR * start_gap
    lines = [s for s in fig["layout"]["shapes"] if s.get("yref") == "y" and s["y0"] == pytest.approx(floor)]
    assert len(lines) == 1
    notes = [a["text"] for a in fig["layout"]["annotations"]]
    assert t("sweep.figure.floor_row", "en", floor=f"{floor:.2e}") in notes
    # Where every run stays above the floor, there is no such line.
    _, surface, slow = computed(rates=20, lo=1e-3, hi=2e-3)
    plain = figures.build_rates(slow, surface, lang="en").to_dict()
    assert not any("dotted line" in a["text"] for a in plain["layout"]["annotations"])


def test_rates_that_all_crawl_stay_dark_on_the_phase_picture():
    # Walkthrough: rates 1e-6 … 1e-5 on x² barely moved (loss 6.25 → 6.13), and the picture was all
    # the light end of its scale, which the caption reads as "close to the minimum".
    _, surface, results = computed(rates=50, lo=1e-6, hi=1e-5)
    data = sweeps.phase(results[0].sweep, surface, "loss")
    heat = figures.build_phase(data, lang="ko").to_dict()["data"][0]
    z = values(heat["z"])
    top = heat["zmax"] - (heat["zmax"] - heat["zmin"]) / 13  # the top of the loss scale, under "diverged"
    assert np.log10(data.values[:, 0].max()) == pytest.approx(top, abs=1e-6)  # the start is the dark end
    assert np.all((z - heat["zmin"]) / (top - heat["zmin"]) > 0.95)  # and every cell stays near it


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_basin_maps_minimum_marks_are_told_apart_from_its_colours(lang):
    """On x² the legend listed "global minimum (0)" (the colour of the starts that ended there) and
    "global minimum" (the star where it lies) side by side, as if twice: each under its heading."""
    config, surface, _ = computed(lr=0.5)
    basins = sweeps.basins(config, surface)
    fig = figures.build_basins(basins, surface, lang=lang, start=surface.start).to_dict()
    titles = [(d["name"], d.get("legendgrouptitle", {}).get("text")) for d in fig["data"]
              if d.get("showlegend", True) and d.get("legendgroup")]
    global_min = t("figure.global_min", lang)
    assert titles[0] == (t("sweep.figure.global_min", lang, point="(0)"), t("sweep.figure.ends_in", lang))
    assert titles[1] == (global_min, t("sweep.figure.marked", lang))
    assert titles[2] == (t("figure.start", lang), None)
