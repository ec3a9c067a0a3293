"""Figure builders, tested by structure: traces, frames, payload, markers."""

import base64
import itertools
import json
import struct

import numpy as np
import plotly.io as pio
import pytest

from lrviz import engine, surfaces
from lrviz.app.kit import landscape, playback
from lrviz.app.kit.landscape import log_colours
from lrviz.app.playground import figures as playground
from lrviz.app.playground.verdict import number
from lrviz.engine.diagnostics import stability_limit
from lrviz.i18n import t
from lrviz.surfaces import SURFACES, get
from tests.traces import decode


def spec(fig) -> dict:
    return fig.to_dict()


def payload(fig) -> int:
    return len(pio.to_json(fig, validate=False))


@pytest.mark.parametrize("name", ["quadratic", "rosenbrock"])
def test_animation_of_500_steps_is_small_and_framed(name):
    run = engine.run(name, "momentum", lr=1e-3, steps=500)
    fig = playground.build_animation(run, get(name), lang="en")
    d = spec(fig)
    assert len(d["frames"]) == 101  # every 5 steps: even, and between the slider's stops every 20
    assert payload(fig) < 1.5e6
    # Frames only touch scatter traces; the curve or contour is drawn once.
    animated = set(d["frames"][0]["traces"])
    assert all(d["data"][i]["type"] == "scatter" for i in animated)
    if get(name).dim == 1:
        assert d["data"][0]["name"] == t("figure.loss", "en") and 0 not in animated
    else:  # the map is a picture under the axes, so animation cannot drop it (plotly.js #4491)
        (image,) = d["layout"]["images"]
        assert image["source"].startswith("data:image/png;base64,") and image["layer"] == "below"
    assert not any(tr["type"] in ("contour", "heatmap") for tr in d["data"])
    for frame in d["frames"]:
        assert frame["traces"] == d["frames"][0]["traces"]
        assert len(frame["data"]) == len(frame["traces"])
        # Style is sent once, in the figure's traces; a frame moves points and text only.
        assert all(set(trace) <= {"x", "y", "text"} for trace in frame["data"])
    # The frame slider stops at round steps (0, 20, 40, …, 500), each of them a frame.
    stops = [s["args"][0][0] for s in d["layout"]["sliders"][0]["steps"]]
    names = [f["name"] for f in d["frames"]]
    assert stops == [str(s) for s in range(0, 501, 20)] and set(stops) <= set(names)
    assert [s["label"] for s in d["layout"]["sliders"][0]["steps"]] == stops


@pytest.mark.parametrize("big", [False, True])
def test_a_phone_gets_one_column_the_map_on_top_the_rule_at_the_bottom(big):
    surface = get("saddle")
    run = engine.run(surface, "sgd", lr=0.1, steps=100)
    wide = playground.build_animation(run, surface, lang="en", big=big).to_dict()
    narrow = playground.build_animation(run, surface, lang="en", big=big, narrow=True).to_dict()
    layout = narrow["layout"]
    names = ["", "2", "3", "4", "5"]  # the map, loss, rate, gradient norm, the rule: top to bottom
    assert all(layout[f"xaxis{n}"]["domain"] == [0.0, 1.0] for n in names)
    spans = [layout[f"yaxis{n}"]["domain"] for n in names]
    assert spans[0][1] == 1.0 and spans[-1][0] == 0.0
    assert all(upper[0] > lower[1] for upper, lower in itertools.pairwise(spans))  # stacked
    assert layout["height"] > wide["layout"]["height"]
    assert narrow["frames"] == wide["frames"] and narrow["data"] == wide["data"]  # only the panels move


def test_short_runs_get_a_frame_per_step():
    run = engine.run("quadratic", lr=0.3, steps=40)
    d = spec(playground.build_animation(run, get("quadratic"), lang="en"))
    assert [f["name"] for f in d["frames"]] == [str(i) for i in range(41)]
    assert len(d["layout"]["sliders"][0]["steps"]) <= playback.MAX_SLIDER_STEPS


def test_diverged_run_marks_where_it_left_the_plot():
    run = engine.run("quadratic", lr=1.5, steps=50)
    assert run.status == "diverged"
    d = spec(playground.build_animation(run, get("quadratic"), lang="en"))
    label = t("figure.left_plot", "en", step=1)
    (marker,) = [tr for tr in d["data"] if tr.get("name") == label]
    # 2.5 → -5 crosses the left edge of the domain [-3, 3] at x = -3.
    assert marker["x"][0] == pytest.approx(-3.0)
    # The faint path stops at the box: nothing outside the domain is drawn.
    path = d["data"][1]
    assert path["name"] == t("figure.path", "en")


def test_converged_run_has_no_exit_marker():
    run = engine.run("quadratic", lr=0.3, steps=50)
    d = spec(playground.build_animation(run, get("quadratic"), lang="en"))
    assert not any("left the plot" in str(tr.get("name")) for tr in d["data"])


def test_critical_rate_line_sits_at_two_over_lambda():
    run = engine.run("ravine", lr=0.05, steps=30)
    limit = stability_limit("sgd", {}, run.curvature.lam_min)
    d = spec(playground.build_animation(run, get("ravine"), lang="ko", limit=limit))
    (line,) = d["layout"]["shapes"]
    assert line["y0"] == line["y1"] == pytest.approx(2 / 25, rel=1e-4)
    assert line["yref"] == "y3"
    assert any("2/λmax" in note["text"] for note in d["layout"]["annotations"])


@pytest.mark.parametrize(("lr", "anchor"), [
    (0.05, "bottom"),  # the run's rate is under the line: label above it
    (0.09, "top"),  # just above: label under the line, off the run's rate
    (1.0, "bottom"),  # far above: the line (0.08) hugs the floor, no room under it
])
def test_critical_rate_label_sits_off_the_runs_rate_and_inside_its_chart(lr, anchor):
    run = engine.run("ravine", lr=lr, steps=30)
    limit = stability_limit("sgd", {}, run.curvature.lam_min)
    d = spec(playground.build_animation(run, get("ravine"), lang="en", limit=limit))
    (label,) = [note for note in d["layout"]["annotations"] if "2/λmax" in note["text"]]
    assert label["yanchor"] == anchor


def test_step_charts_are_named_above_them_and_short_log_axes_keep_few_labels():
    run = engine.run("quadratic", lr=1.5, steps=30)  # diverges: the gradient norm spans < 1 decade
    d = spec(playground.build_animation(run, get("quadratic"), lang="en"))
    names = {note["text"] for note in d["layout"]["annotations"]}
    assert {t(key, "en", g="∇L") for _, _, key in playground.STEP_CHARTS} <= names
    grad_axis = d["layout"]["yaxis4"]  # under two decades: ends and middle, short plain labels
    assert len(grad_axis["tickvals"]) <= 3 and all("e" not in text for text in grad_axis["ticktext"])
    wide = landscape.log_ticks(np.geomspace(1e-12, 10, 50))  # 13 decades, prime: the two ends
    assert wide == {"tickvals": [1e-12, 10.0], "ticktext": ["1e-12", "10"]}
    assert landscape.log_ticks([5.0, 20.0])["ticktext"] == ["5", "10", "20"]
    # Four decades with four ticks at most: 0.01, 1, 100 (evenly), not 0.01, 0.1, 10, 100.
    assert landscape.log_ticks([0.01, 100.0], most=4)["ticktext"] == ["0.01", "1", "100"]
    assert landscape.log_ticks([1e-30, 10.0], most=4)["tickvals"] == [1e-30, 10.0]  # 31 decades: the ends
    assert landscape.log_ticks([1e-8, 100.0], most=4)["tickvals"] == [1e-8, 1e-3, 100.0]  # 5, 5: not 3, 4, 3
    assert landscape.log_ticks([0.25, 6.25])["ticktext"] == ["0.25", "1.25", "6.25"]  # the start's 6.25
    labels = [landscape.short_number(v) for v in (0.001, 2.5, 150, 2e4, 2.5e-5)]
    assert labels == ["0.001", "2.5", "150", "2e4", "2.5e-5"]


def test_update_rule_text_shows_the_numbers_of_the_frame():
    run = engine.run("quadratic", lr=0.3, steps=5)
    d = spec(playground.build_animation(run, get("quadratic"), lang="en"))
    text = d["frames"][0]["data"][-1]["text"][0]
    # θ₀ = 2.5, ∇L = 5, η = 0.3: η·∇L = 1.5 and θ₁ = 2.5 − 1.5 = 1.
    assert text.split("<br>")[1] == "θ ← θ − η·∇L"
    lines = [line.split("=", 1)[1].strip() for line in text.split("<br>")[2:]]
    assert lines == ["0.3", "5", "2.5", "1.5", "1"]


def test_update_rule_calls_a_noisy_gradient_g():
    # With noise, the numbers are the gradient the step was given, not ∇L(θ): θ₁ = θ₀ − η·g₀.
    run = engine.run("quadratic", lr=0.3, steps=5, noise=0.5, seed=1)
    text = spec(playground.build_animation(run, get("quadratic"), lang="en", changed=True))["frames"][0]
    text = text["data"][-1]["text"][0]
    assert text.split("<br>")[1] == "θ ← θ − η·g"
    lines = dict(line.split("=", 1) for line in text.split("<br>")[2:])
    g = float(run.grads[0, 0])
    assert abs(g - 5.0) > 1e-3  # noise moved it off ∇L(2.5) = 5
    assert lines["g(θ)   "].strip() == number(g)
    assert lines["θ − η·g "].strip() == number(float(run.points[1, 0]))


def test_update_rule_near_a_minimum_shows_the_gradient_not_its_rounded_read_back():
    # At x = 0.96 on the double well a step of SGD at η = 0.05 is about 2e-6, a few float32
    # digits of θ: read back from two points, the step's direction is off by a percent.
    run = engine.run("double_well", "sgd", lr=0.05, steps=60)
    frames = spec(playground.build_animation(run, get("double_well"), lang="en"))["frames"]
    text = next(f["data"][-1]["text"][0] for f in frames if f["name"] == "30")
    lines = dict(line.split("=", 1) for line in text.split("<br>")[2:])
    assert text.split("<br>")[1] == "θ ← θ − η·∇L" and "d      " not in lines
    assert lines["∇L(θ)  "].strip() == number(float(run.grads[30, 0]))
    assert lines["η·∇L   "].strip() == number(float(0.05 * run.grads[30, 0]))
    ravine = engine.run("ravine", "sgd", lr=0.05, steps=100)  # y reaches float32's flushed-to-zero range
    rule = spec(playground.build_animation(ravine, get("ravine"), lang="en"))["data"][-1]["text"][0]
    assert "θ ← θ − η·∇L" in rule
    momentum = engine.run("double_well", "momentum", lr=0.05, steps=60)
    text = spec(playground.build_animation(momentum, get("double_well"), lang="en"))["frames"][5]["data"][-1]
    assert "θ ← θ − η·d" in text["text"][0]


def test_two_dimensional_map_has_a_click_grid_on_request_and_marked_minima():
    run = engine.run("himmelblau", lr=0.01, steps=50)
    plain = spec(playground.build_animation(run, get("himmelblau"), lang="en"))
    assert playground.CLICK_GRID not in [tr.get("name") for tr in plain["data"]]
    d = spec(playground.build_animation(run, get("himmelblau"), lang="en", pick_start=True))
    names = [tr.get("name") for tr in d["data"]]
    assert playground.CLICK_GRID in names
    stars = d["data"][names.index(t("figure.global_min", "en"))]
    assert len(stars["x"]) == 4


def test_three_d_view_lies_the_path_on_the_surface():
    run = engine.run("himmelblau", lr=0.01, steps=50)
    d = spec(playground.build_surface_3d(run, get("himmelblau"), lang="en"))
    assert [tr["type"] for tr in d["data"]] == ["surface", "scatter3d", "scatter3d"]


def test_figures_serialise_to_valid_json_with_typed_arrays():
    run = engine.run("double_well", lr=1e-3, steps=300)
    text = pio.to_json(playground.build_animation(run, get("double_well"), lang="en"), validate=False)
    d = json.loads(text)
    assert d["data"][0]["y"]["dtype"] == "f4" and "bdata" in d["data"][0]["y"]
    assert "NaN" not in text


def test_map_image_is_a_png_of_the_domain():
    image = landscape.map_image(get("rosenbrock"))
    png = base64.b64decode(image["source"].split(",", 1)[1])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width == height == landscape.MAP_PIXELS
    assert (image["x"], image["y"], image["sizex"], image["sizey"]) == (-2.0, 3.0, 4.0, 4.0)


def test_a_start_off_the_domain_grows_the_view_to_hold_it():
    box = landscape.View(get("quadratic"), start=(100.0,)).box  # domain -3…3
    assert box[0].tolist() == pytest.approx([-3.0, 100 + 0.1 * 103])
    # In 2-D the other direction grows about its centre by the same factor: one scale for both.
    rosen = get("rosenbrock")  # x -2…2, y -1…3
    (xlo, xhi), (ylo, yhi) = landscape.View(rosen, start=(-10.0, 1.0)).box
    assert (xlo, xhi) == pytest.approx((-10 - 0.1 * 12, 2.0))
    assert yhi - ylo == pytest.approx(xhi - xlo) and (ylo + yhi) / 2 == pytest.approx(1.0)


@pytest.mark.parametrize("start", [(1.2,), (np.float32(1.2),), (-3.0,), (0.5,), (np.inf,)])
def test_a_start_on_or_inside_the_domain_keeps_it(start):
    bounds = get("quadratic").bounds.copy()
    bounds[0, 1] = 1.2  # an edge that float32 does not hold exactly
    assert landscape.holding(bounds, start).tolist() == bounds.tolist()


def test_a_far_start_is_drawn_on_the_curve_with_its_whole_path():
    run = engine.run("quadratic", lr=0.1, steps=40, start=(100.0,))
    d = spec(playground.build_animation(run, get("quadratic"), lang="en"))
    curve, path = decode(d["data"][0]["x"]), decode(d["data"][1]["x"])
    assert curve.max() > 100 and curve.min() == -3.0
    assert np.all(np.isfinite(path))  # no point of it off the plot
    assert d["layout"]["xaxis"]["range"][1] > 100
    assert d["layout"]["yaxis"]["tickformat"] == "~s"  # 10k, not 1×10⁴ pushed into the axis title
    assert "tickformat" not in spec(playground.build_animation(engine.run("quadratic", lr=0.1, steps=5),
                                                            get("quadratic"), lang="en"))["layout"]["yaxis"]


def test_log_colours_where_the_loss_spans_decades():
    assert log_colours(SURFACES["rosenbrock"]) and log_colours(SURFACES["beale"])
    assert not log_colours(SURFACES["bowl"])


def test_presentation_mode_enlarges_markers_lines_and_fonts_set_by_the_builder():
    from lrviz.app.kit.theme import figure

    spec_in = dict(
        data=[dict(type="scatter", marker=dict(size=[4, 8], line=dict(width=1)), line=dict(width=2),
                   textfont=dict(size=10))],
        layout=dict(annotations=[dict(text="a", font=dict(size=12))], xaxis=dict(title=dict(text="x"))),
        frames=[dict(data=[dict(marker=dict(size=np.array([10.0])))])],
    )
    small, big = figure(spec_in).to_dict(), figure(spec_in, big=True).to_dict()
    assert small["data"][0]["marker"]["size"] == [4, 8]
    assert big["data"][0]["marker"]["size"] == [6, 12]
    assert big["data"][0]["marker"]["line"]["width"] == 1.5
    assert big["data"][0]["line"]["width"] == 3
    assert big["data"][0]["textfont"]["size"] == pytest.approx(13)
    assert big["layout"]["annotations"][0]["font"]["size"] == pytest.approx(15.6)
    assert big["frames"][0]["data"][0]["marker"]["size"] == [15.0]
    assert big["layout"]["xaxis"]["title"] == {"text": "x"}  # untouched where nothing was sized
    def font(d: dict) -> float:
        return d["layout"]["template"]["layout"]["font"]["size"]

    assert font(big) > font(small)


def test_the_loss_gap_goes_as_low_as_the_numbers_and_puts_zeros_at_the_lowest():
    run = engine.run("quadratic", lr=0.1, steps=100)  # the loss falls to 2.6e-19 (2.5² · 0.8^200)
    gap = landscape.gap(run.losses, 0.0)
    assert gap[-1] == pytest.approx(float(run.losses[-1])) and gap[-1] < 1e-18
    # Values that are no run's steps (the overview's final losses): zeros at the lowest.
    fell = [3.0, 1.0, 1e-20, 0.0, -1e-30, np.inf]
    np.testing.assert_array_equal(landscape.gap(fell, 0.0, over_steps=False),
                                  [3.0, 1.0, 1e-20, 1e-20, 1e-20, np.nan])
    # A run's steps: after a fall of twenty decades a 0 is float32 run out of numbers; the line ends.
    np.testing.assert_array_equal(landscape.gap(fell, 0.0), [3.0, 1.0, 1e-20, np.nan, np.nan, np.nan])
    # Only a 0 after the fall: one before it (a start on the minimum, a rounding there) sits at the lowest.
    np.testing.assert_array_equal(landscape.gap([0.0, 1.0, 1e-13, 0.0], 0.0), [1e-13, 1.0, 1e-13, np.nan])
    # The quadratic at η = 0.25 halves x each step: x² reads 0 after float32's smallest numbers. The
    # line ends there, where a floor at 1e-38 drew a loss that stopped falling while ∇L still fell.
    fine = engine.run("quadratic", lr=0.25, steps=100)
    zero = int(np.argmax(fine.losses == 0))
    assert 55 < zero < 75 and fine.losses[zero - 1] < 1e-36 and (fine.losses[zero:] == 0).all()
    shown = landscape.gap(fine.losses, 0.0)
    assert np.isnan(shown[zero:]).all() and (shown[:zero] == fine.losses[:zero]).all()
    # At η = 1/λ = 0.5 the quadratic lands on its minimum in one step: 6.25, then exactly 0. The
    # zeros go twelve decades down, not to the smallest positive gap (the start, a flat line).
    exact = engine.run("quadratic", lr=0.5, steps=5)
    assert list(exact.losses) == [6.25, 0, 0, 0, 0, 0]
    assert list(landscape.gap(exact.losses, 0.0)) == [6.25] + [6.25e-12] * 5


def test_a_formula_with_no_minimum_charts_the_loss_itself():
    # f = -x has no lowest value to measure from: the loss chart shows f(θ) = -θ on a linear axis.
    surface = surfaces.from_expression("-x", 1)
    run = engine.run(surface, lr=0.1, steps=20)
    d = spec(playground.build_animation(run, surface, lang="en"))
    (loss_line,) = [tr for tr in d["data"] if tr.get("xaxis") == "x2" and tr.get("mode") == "lines"]
    assert np.allclose(loss_line["y"], -(surface.start[0] + 0.1 * np.arange(21)), atol=1e-5)
    assert d["layout"]["yaxis2"].get("type") != "log"
    assert t("figure.loss", "en") in {note["text"] for note in d["layout"]["annotations"]}


def test_a_schedule_free_run_draws_its_gradient_points_and_its_own_rule():
    """The path is x (where the loss is evaluated); y, where each gradient was taken, is a faint
    trace named as such, and the rule shows both."""
    run = engine.run("quadratic", "sgd_schedule_free", lr=0.1, steps=3, start=(1.0,))
    d = spec(playground.build_animation(run, get("quadratic"), lang="en"))
    gradient = next(tr for tr in d["data"] if tr.get("name") == t("figure.gradient_points", "en"))
    np.testing.assert_allclose(np.asarray(gradient["x"], float), run.gradient_points[:, 0], rtol=1e-6)
    path = d["data"][1]
    np.testing.assert_allclose(np.asarray(path["x"], float), run.points[:, 0], rtol=1e-6)
    lines = d["frames"][1]["data"][-1]["text"][0].split("<br>")
    assert lines[1:4] == ["z ← z − η·d(y)", "x ← (1−c)·x + c·z", "y ← β·x + (1−β)·z"]
    # Step 1 → 2 (tests/optimizers/test_schedule_free.py): y₁ = x₁ = 0.8, ∇L(y₁) = 1.6, x₂ = 0.72, y₂ = 0.712.
    assert [line.split("=", 1)[-1].split("←", 1)[-1].strip() for line in lines[4:]] == \
        ["0.1", "0.8", "1.6", "0.8", "0.72", "0.712"]
    sgd = engine.run("quadratic", lr=0.1, steps=3)
    plain = spec(playground.build_animation(sgd, get("quadratic"), lang="en"))
    assert all(tr.get("name") != t("figure.gradient_points", "en") for tr in plain["data"])


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_gradient_chart_names_g_where_noise_or_clipping_changed_it(lang):
    run = engine.run("quadratic", lr=0.1, steps=20, noise=0.5)
    for changed, symbol in ((False, "‖∇L‖"), (True, "‖g‖")):
        layout = spec(playground.build_animation(run, get("quadratic"), lang=lang, changed=changed))["layout"]
        titles = [a["text"] for a in layout["annotations"] if "‖" in a.get("text", "")]
        assert titles == [t("figure.grad_norm", lang, g=symbol[1:-1])] and symbol in titles[0]


@pytest.mark.parametrize("steps", [30, 100, 150, 250, 537, 600, 2000, 5000])
def test_frames_are_few_and_the_slider_stops_at_round_steps(steps):
    frames = playback.frame_steps(steps + 1, playback.MAX_FRAMES)
    assert frames[0] == 0 and frames[-1] == steps and len(frames) <= playback.MAX_FRAMES
    assert len(frames) >= min(steps + 1, 3 * playback.MAX_FRAMES // 4)  # smooth: not a handful
    # Every frame plays for the same time: the steps between them must be alike too.
    gaps = np.diff(frames)[:-1]  # the last gap may end off the stride
    assert gaps.max() - gaps.min() <= 1
    stops = playback.slider_steps(frames)
    assert set(stops) <= set(frames) and stops[-1] == steps and len(stops) <= playback.MAX_SLIDER_STEPS
    stride = int(stops[1] - stops[0])
    assert stride in {m * 10**k for m in (1, 2, 5) for k in range(5)}
    assert all(s % stride == 0 for s in stops[:-1])


def test_the_1d_tangent_touches_the_curve_when_clipping_changed_the_gradient():
    run = engine.run("quadratic", lr=1.5, steps=10, clip_norm=1.0)
    moving = playground._Moving(run, get("quadratic"), landscape.View(get("quadratic")), "en", changed=True)
    x0, x1 = moving.tangent_x[0]
    (_, y1) = moving.tangent_y[0]
    assert y1 == pytest.approx(6.25 + 5.0 * (x1 - x0))  # f(2.5) + f'(2.5)·Δx, not + g·Δx with g = 1


@pytest.mark.parametrize(("max_frames", "expected"), [(1, [0]), (2, [0, 500]), (5, [0, 125, 250, 375, 500])])
def test_too_few_frames_for_the_slider_stops_are_spread_evenly(max_frames, expected):
    assert playback.frame_steps(501, max_frames).tolist() == expected


@pytest.mark.parametrize("big", [False, True])
def test_the_rates_step_chart_takes_at_most_three_labels(big):
    """Linear and 60-80 px tall, it took five labels, which piled on each other in presentation mode."""
    run = engine.run("quadratic", lr=0.25, steps=50)
    figure = playground.build_animation(run, surfaces.get("quadratic"), lang="ko", big=big)
    layout = figure.to_dict()["layout"]
    assert layout["yaxis3"]["nticks"] == 3 and layout["yaxis3"]["rangemode"] == "tozero"
