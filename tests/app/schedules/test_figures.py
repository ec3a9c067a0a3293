"""The Schedules page's figures and the rates they draw, tested by structure and by closed forms."""

from __future__ import annotations

import base64

import numpy as np
import plotly.io as pio
import pytest

from lrviz import engine
from lrviz.app.schedules import figures
from lrviz.app.schedules.figures import Curve
from lrviz.app.schedules.guide import ENTRIES, GALLERY
from lrviz.app.schedules.rates import card_rates, rates, replayed
from lrviz.surfaces import get


def spec(fig) -> dict:
    return fig.to_dict()


def values(array) -> np.ndarray:
    """A figure's array back as NumPy (short lists stay lists; long ones are base64 float32)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype="<" + array["dtype"])
    return np.asarray(array, dtype=float)


# --- rates --------------------------------------------------------------------------------------


def test_step_rates_match_the_closed_form():
    lrs = rates("step", 0.1, 100, {"step_size": 30, "gamma": 0.1})
    expected = 0.1 * 0.1 ** np.floor(np.arange(100) / 30)
    np.testing.assert_allclose(lrs, expected, rtol=1e-6)
    assert lrs[29] == pytest.approx(0.1) and lrs[30] == pytest.approx(0.01)


def test_onecycle_card_peaks_where_torch_does():
    lrs = card_rates(ENTRIES["onecycle_cos"], 0.1, 100)
    assert int(np.argmax(lrs)) == 29  # pct_start · N − 1
    assert lrs[0] == pytest.approx(0.1 / 25) and lrs[99] == pytest.approx(0.1 / 25 / 1e4, rel=1e-4)


def test_a_card_over_a_longer_horizon_fits_its_length_to_it():
    # 200 steps: the cosine anneals once, to its end (T_max = 200: η_199 = η₀(1 + cos(199π/200))/2),
    # rather than climbing back from step 100; the one-cycle peaks at 0.3 · 200 − 1 = 59.
    cosine = card_rates(ENTRIES["cosine"], 0.1, 200)
    assert np.all(np.diff(cosine) <= 0)
    assert cosine[199] == pytest.approx(0.05 * (1 + np.cos(199 * np.pi / 200)), rel=1e-4)
    assert int(np.argmax(card_rates(ENTRIES["onecycle_cos"], 0.1, 200))) == 59


def test_plateau_replay_equals_the_engine():
    """Replaying ReduceLROnPlateau over a run's losses gives the rates that run used."""
    demo = ENTRIES["plateau"].demo
    run = engine.run(demo.surface, demo.optimizer, lr=demo.lr, steps=demo.steps, schedule="plateau",
                     schedule_params={"patience": 5, "factor": 0.5})
    np.testing.assert_allclose(replayed(demo.lr, run.losses, {"patience": 5, "factor": 0.5}), run.lrs,
                               rtol=1e-6)
    with pytest.raises(ValueError, match="depends on the loss"):
        rates("plateau", 0.1, 10, {})


def test_every_card_has_a_full_length_curve():
    for entry in GALLERY:
        lrs = card_rates(entry, 0.1, 100)
        assert lrs.shape == (100,) and np.all(np.isfinite(lrs)) and np.all(lrs >= 0), entry.key


# --- figures ------------------------------------------------------------------------------------


def gallery_curves(steps: int = 100) -> list[Curve]:
    return [Curve(e.title("en", short=True), card_rates(e, 0.1, steps)) for e in GALLERY]


def test_gallery_is_one_figure_of_small_multiples():
    fig = figures.build_gallery(gallery_curves(), lang="en", selected=13)
    d = spec(fig)
    assert len(d["data"]) == 16
    axes = [tr["xaxis"] for tr in d["data"]]
    assert axes == ["x"] + [f"x{i}" for i in range(2, 17)]
    boxes = []
    for i in range(16):
        n = "" if i == 0 else str(i + 1)
        x, y = d["layout"][f"xaxis{n}"]["domain"], d["layout"][f"yaxis{n}"]["domain"]
        assert 0 <= x[0] < x[1] <= 1 and 0 <= y[0] < y[1] <= 1
        boxes.append((x, y))
    for a in range(16):  # panels do not overlap
        for b in range(a + 1, 16):
            (ax, ay), (bx, by) = boxes[a], boxes[b]
            assert ax[1] <= bx[0] or bx[1] <= ax[0] or ay[1] <= by[0] or by[1] <= ay[0]
    titles = [a["text"] for a in d["layout"]["annotations"]]
    assert len(titles) == 16 and titles[13] == "<b>One-cycle<br>cosine</b>"  # the variant: 2nd line
    assert len(d["layout"]["shapes"]) == 1 and d["data"][13]["line"]["width"] > d["data"][0]["line"]["width"]
    assert len(pio.to_json(fig, validate=False)) < 200_000
    big = spec(figures.build_gallery(gallery_curves(), lang="en", big=True))
    assert len({tuple(big["layout"][f"xaxis{n}"]["domain"]) for n in ("", *range(2, 17))}) == 3  # columns


def test_gallery_rates_are_drawn_as_given():
    curves = gallery_curves()
    d = spec(figures.build_gallery(curves, lang="ko"))
    for curve, trace in zip(curves, d["data"], strict=True):
        np.testing.assert_allclose(values(trace["y"]), curve.lrs, rtol=1e-6)


def test_curve_marks_plateau_cuts():
    lrs = np.array([0.1] * 5 + [0.01] * 5 + [0.001] * 5)
    d = spec(figures.build_curve(Curve("plateau", lrs, figures.cuts_of(lrs)), lang="en"))
    cut = [tr for tr in d["data"] if tr["name"] == "rate cut"]
    assert len(cut) == 1 and list(values(cut[0]["x"])) == [5, 10]
    np.testing.assert_allclose(cut[0]["y"], [0.01, 0.001])
    assert d["layout"]["yaxis"]["range"][0] == 0 and d["layout"]["yaxis"]["range"][1] >= 0.1


def test_cuts_of_finds_only_decreases():
    np.testing.assert_array_equal(figures.cuts_of(np.array([1.0, 1.0, 0.5, 0.5, 0.6, 0.3])), [2, 5])


def test_overlay_has_one_distinct_line_per_schedule():
    curves = gallery_curves()[:9]
    d = spec(figures.build_overlay(curves, lang="en"))
    assert [tr["name"] for tr in d["data"]] == [c.title for c in curves]
    styles = {(tr["line"]["color"], tr["line"]["dash"]) for tr in d["data"]}
    assert len(styles) == 9


@pytest.mark.parametrize("surface", ["bumpy", "ravine"])
def test_comparison_draws_both_runs_on_the_surface_and_in_step(surface):
    s = get(surface)
    with_run = engine.run(s, "momentum", lr=0.05, steps=80, schedule="cosine")
    without = engine.run(s, "momentum", lr=0.05, steps=80)
    d = spec(figures.build_comparison(with_run, without, s, lang="en", schedule_title="Cosine"))
    names = [tr.get("name") for tr in d["data"]]
    assert names.count("with Cosine") == 3 and names.count("constant η = 0.05") == 3
    on_axes = {(tr.get("xaxis", "x"), tr.get("name")) for tr in d["data"]}
    assert ("x2", "with Cosine") in on_axes and ("x3", "constant η = 0.05") in on_axes
    assert d["layout"]["yaxis2"]["type"] == "log"
    assert ("images" in d["layout"]) == (s.dim == 2)
    rate = next(tr for tr in d["data"] if tr.get("xaxis") == "x3" and tr["name"] == "with Cosine")
    np.testing.assert_allclose(values(rate["y"]), with_run.lrs, rtol=1e-6)


def test_a_run_that_diverges_at_once_still_shows_its_one_rate():
    # Walkthrough: CyclicLR at η₀ = 10 on the double well diverged at step 1, and its rate panel was
    # empty: a line through a single point draws nothing.
    s = get("double_well")
    with_run = engine.run(s, "momentum", lr=10.0, steps=200, schedule="cyclic")
    without = engine.run(s, "momentum", lr=10.0, steps=200)
    assert len(with_run.lrs) == len(without.lrs) == 1
    d = spec(figures.build_comparison(with_run, without, s, lang="ko", schedule_title="CyclicLR"))
    rates = [tr for tr in d["data"] if tr.get("xaxis") == "x3"]
    assert len(rates) == 2 and all(tr["mode"] == "markers" for tr in rates)
    losses = [tr for tr in d["data"] if tr.get("xaxis") == "x2"]
    assert all(tr["mode"] == "lines" for tr in losses)  # two points each: the start and the step


def test_comparison_marks_the_cuts_on_the_watched_loss():
    demo = ENTRIES["plateau"].demo
    with_run = engine.run(demo.surface, demo.optimizer, lr=demo.lr, steps=demo.steps, schedule="plateau")
    without = engine.run(demo.surface, demo.optimizer, lr=demo.lr, steps=demo.steps)
    d = spec(figures.build_comparison(with_run, without, get(demo.surface), lang="en",
                                      schedule_title="plateau", show_cuts=True))
    cuts = [tr for tr in d["data"] if tr.get("name") == "rate cut"]
    assert [tr["xaxis"] for tr in cuts] == ["x2", "x3"]
    expected = figures.cuts_of(with_run.lrs)
    assert list(values(cuts[0]["x"])) == list(expected) and len(expected) >= 1
    gap = with_run.losses[expected] - get(demo.surface).f_min
    np.testing.assert_allclose(cuts[0]["y"], gap, rtol=1e-5)


def test_hovers_write_rates_as_the_sentences_do():
    """Every rate in a hover in d3's nearest to verdict.number: 3 significant digits, no trailing zeros."""
    curves = [Curve("a", np.linspace(0.1, 0.001, 50)), Curve("b", np.full(50, 0.05))]
    built = [figures.build_curve(curves[0], lang="en"), figures.build_overlay(curves, lang="ko"),
             figures.build_gallery(curves, lang="en", selected=0)]
    hovers = [d["hovertemplate"] for fig in built for d in spec(fig)["data"]
              if "η =" in d.get("hovertemplate", "")]
    assert len(hovers) == 5 and all("η = %{y:.3~g}" in h for h in hovers)
