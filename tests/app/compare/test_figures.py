"""The Compare figures, by structure: lock-step frames, one style per run, legends, payload size."""

import json

import numpy as np
import plotly.io as pio
import pytest

from lrviz import surfaces
from lrviz.app.compare import compute as comparison
from lrviz.app.compare import figures
from lrviz.app.compare.state import Row
from lrviz.app.kit import landscape
from lrviz.app.kit.playback import MAX_FRAMES
from tests.traces import decode


@pytest.fixture(scope="module")
def six():
    """Six runs on Rosenbrock, one of them diverging early, 2,000 steps."""
    surface = surfaces.get("rosenbrock")
    rows = (
        Row("sgd", 0.0015),
        Row("sgd", 0.01),
        Row("momentum", 0.003),
        Row("nesterov", 0.002),
        Row("rmsprop", 0.02),
        Row("adam", 0.3, "cosine"),
    )
    runs = comparison.run_rows(surface, rows, 2000)
    return surface, rows, runs, comparison.names(rows, runs, "en")


def test_overlay_moves_every_run_in_lock_step(six):
    surface, rows, runs, names = six
    spec = figures.build_overlay(runs, names, surface, lang="en").to_dict()
    frames, view = spec["frames"], landscape.View(surface)
    assert 3 * MAX_FRAMES // 4 <= len(frames) <= MAX_FRAMES
    assert all(len(f["data"]) == 2 * len(rows) and f["traces"] == frames[0]["traces"] for f in frames)
    for frame in frames[::17]:
        s = int(frame["name"])
        for i, run in enumerate(runs):
            at = min(s, len(run.points) - 1)
            head = frame["data"][i]
            x, y = decode(head["x"])[-1], decode(head["y"])[-1]
            if view.inside(run.points[at : at + 1])[0]:
                assert (x, y) == pytest.approx(tuple(run.points[at]), abs=4 / 5000)  # a 1/5000 grid
            else:  # a diverged run's escaped point is off the map
                assert np.isnan(x)
            loss = frame["data"][len(rows) + i]
            assert loss["x"] == [at] and spec["data"][frame["traces"][len(rows) + i]]["xaxis"] == "x2"


def test_overlay_gives_each_run_its_colour_symbol_and_a_legend_entry_with_its_outcome(six):
    surface, _, runs, names = six
    spec = figures.build_overlay(runs, names, surface, lang="en").to_dict()
    legend = [d for d in spec["data"] if d.get("showlegend")]
    assert [d["name"] for d in legend] == names
    assert len({d["line"]["color"] for d in legend}) == len({d["marker"]["symbol"] for d in legend}) == 6
    assert all(d.get("opacity", 1) == 1 for d in legend)  # full strength, not the faint path's
    groups = {d["legendgroup"] for d in spec["data"] if d.get("legendgroup") and d.get("xaxis") == "x2"}
    assert {d["legendgroup"] for d in legend} == groups  # a click on an entry hides the run's loss line too
    assert "diverged at step" in names[1] and runs[1].status == "diverged"
    assert spec["layout"]["yaxis2"]["type"] == "log" and spec["layout"]["images"]  # the contour picture
    assert not any(d["type"] in ("contour", "heatmap") for d in spec["data"])


def test_a_phone_gets_the_loss_chart_under_the_map_both_the_full_width(six):
    surface, _, runs, names = six
    wide = figures.build_overlay(runs, names, surface, lang="en").to_dict()
    narrow = figures.build_overlay(runs, names, surface, lang="en", narrow=True).to_dict()
    layout = narrow["layout"]
    assert layout["xaxis"]["domain"] == layout["xaxis2"]["domain"] == [0.0, 1.0]
    assert layout["yaxis2"]["domain"][1] < layout["yaxis"]["domain"][0]  # the loss chart below the map
    name = layout["annotations"][0]
    assert name["x"] == 0.0 and name["y"] == layout["yaxis2"]["domain"][1]  # its name right above it
    assert narrow["data"] == wide["data"] and narrow["frames"] == wide["frames"]  # only the panels move


def test_payload_stays_small_for_six_long_runs(six):
    surface, _, runs, names = six
    for build in (figures.build_overlay, figures.build_multiples):
        size = len(pio.to_json(build(runs, names, surface, lang="en"), validate=False))
        assert size < 500_000, (build.__name__, size)


def test_multiples_give_each_run_a_panel_with_the_same_frames(six):
    surface, rows, runs, _ = six
    names = comparison.names(rows, runs, "ko", sep="<br>")
    spec = figures.build_multiples(runs, names, surface, lang="ko").to_dict()
    layout = spec["layout"]
    assert [k for k in layout if k.startswith("xaxis")] == ["xaxis", *(f"xaxis{i}" for i in range(2, 7))]
    assert len(layout["images"]) == 6 and {im["xref"] for im in layout["images"]} == {
        "x",
        *(f"x{i}" for i in range(2, 7)),
    }
    # The rate on a line of its own: "SGD (경사 하강법)<br>η = 0.0015<br>아직 이동 중".
    assert [a["text"].split(" ", 1)[1] for a in layout["annotations"]] == [
        n.replace(" · ", "<br>", 1) for n in names]
    assert all(a["text"].count("<br>") == 2 for a in layout["annotations"])
    assert [layout[f"yaxis{n}"].get("title", {}).get("text") for n in ("", "2")][1] == ""  # one y title a row
    overlay = figures.build_overlay(runs, comparison.names(rows, runs, "ko"), surface, lang="ko").to_dict()
    assert [f["name"] for f in spec["frames"]] == [f["name"] for f in overlay["frames"]]
    assert all(len(f["data"]) == 6 for f in spec["frames"])
    moving = [spec["data"][k] for k in spec["frames"][0]["traces"]]
    assert [trace["xaxis"] for trace in moving] == ["x", "x2", "x3", "x4", "x5", "x6"]


def test_one_dimensional_runs_are_drawn_on_the_curve():
    surface = surfaces.get("quadratic")
    rows = (Row("sgd", 0.25), Row("sgd", 1.5))
    runs = comparison.run_rows(surface, rows, 30)
    names = comparison.names(rows, runs, "en")
    spec = figures.build_overlay(runs, names, surface, lang="en").to_dict()
    assert len(spec["frames"]) == 31  # every step gets a frame when there are few
    assert "images" not in spec["layout"]
    # The loss axis spans the calm run (6.25 at the start), the diverging one (1,600) runs off the top.
    assert np.log10(6.25) < spec["layout"]["yaxis2"]["range"][1] < np.log10(1600)
    path = next(d for d in spec["data"] if d.get("name") == names[0] and not d.get("showlegend"))
    x, y = decode(path["x"]), decode(path["y"])
    assert np.allclose(y, x**2)  # f(x) = x² on the curve
    multiples = figures.build_multiples(
        runs, comparison.names(rows, runs, "en"), surface, lang="en"
    ).to_dict()
    assert "images" not in multiples["layout"]
    json.dumps(multiples)  # plain JSON all the way down


def test_names_must_match_runs():
    surface = surfaces.get("quadratic")
    runs = comparison.run_rows(surface, (Row("sgd", 0.1),), 10)
    with pytest.raises(ValueError, match="names"):
        figures.build_overlay(runs, [], surface, lang="en")


def test_playback_controls_sit_the_same_pixels_under_a_short_plot_as_under_a_tall_one():
    # As fractions of the plot they came 28 px under a single 280-px panel and covered the buttons.
    surface = surfaces.get("rosenbrock")
    for rows in ((Row("adam", 0.1),), (Row("adam", 0.1), Row("sgd", 0.001), Row("momentum", 0.001))):
        runs = comparison.run_rows(surface, rows, 20)
        names = comparison.names(rows, runs, "en")
        layout = figures.build_multiples(runs, names, surface, lang="en").to_dict()["layout"]
        plot_px = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
        assert -layout["updatemenus"][0]["y"] * plot_px == pytest.approx(48)
        assert -layout["sliders"][0]["y"] * plot_px == pytest.approx(96)


@pytest.mark.parametrize("layout", ["overlay", "multiples"])
def test_a_schedule_free_run_shows_where_it_took_its_gradients_in_its_colour(layout):
    # Row 2 is schedule-free: its path is x (where the loss is evaluated), and faint dots in its
    # colour mark y, where each gradient was taken; the SGD row has no such dots.
    surface = surfaces.get("ravine")
    rows = (Row("sgd", 0.05), Row("adamw_schedule_free", 0.05))
    runs = comparison.run_rows(surface, rows, 60)
    names = comparison.names(rows, runs, "en")
    build = figures.build_overlay if layout == "overlay" else figures.build_multiples
    spec = json.loads(pio.to_json(build(runs, names, surface, lang="en")))
    dots = [d for d in spec["data"]
            if d.get("mode") == "markers" and "where the gradient" in d.get("hovertemplate", "")]
    assert [d["legendgroup"] for d in dots] == ["run1"]
    assert dots[0]["marker"]["color"] == figures.style(1)[0]
    y = runs[1].gradient_points
    assert np.allclose(decode(dots[0]["x"]), y[:, 0]) and np.allclose(decode(dots[0]["y"]), y[:, 1])
    assert not np.allclose(y, runs[1].points)  # y is not the path itself
