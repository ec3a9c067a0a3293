"""The /edge page's figures and sentences, by structure, on hand-made results (no training)."""

import base64
import dataclasses
import json

import numpy as np
import plotly.io as pio
import pytest

from lrviz.app.edge import figures, words
from lrviz.nn import edge

STEPS, EVERY = 100, 10
MEASURED = np.arange(0, STEPS + 1, EVERY)
START = edge.Start(loss=0.5, sharpness=2.0, vector=np.zeros(3, np.float32))


def _descent(peaks, tops, *, losses=None, warmups=None, diverged=None, optimizer="sgd") -> edge.Descent:
    n = len(peaks)
    if losses is None:
        losses = np.tile(np.geomspace(0.5, 0.01, STEPS + 1), (n, 1))
    return edge.Descent(
        network=edge.NARROW, optimizer=optimizer, peaks=np.asarray(peaks, float),
        warmups=np.zeros(n) if warmups is None else np.asarray(warmups, float),
        floors=np.asarray(peaks, float), steps=STEPS, every=EVERY, losses=np.asarray(losses, float),
        measured=MEASURED, tops=np.asarray(tops, float),
        diverged_at=np.full(n, -1) if diverged is None else np.asarray(diverged), snapshots=None,
        theta=np.zeros((n, 3)), start=START,
    )


def _stability() -> edge.Stability:
    rising = np.minimum(2.0 + 0.5 * np.arange(MEASURED.size), 8.0)  # reaches 4 at index 4, 5 at index 6
    tops = np.stack([np.minimum(rising, 4.1), np.minimum(rising, 5.1)])
    run = _descent([0.5, 0.4], tops)
    summaries = tuple(edge.summarize(lr, 2 / lr, run.losses[i], tops[i], MEASURED, -1)
                      for i, lr in enumerate(run.peaks))
    distance = np.tile(np.linspace(0.0, 1.0, MEASURED.size), (2, 1))
    return edge.Stability(run, None, distance, np.zeros_like(distance), summaries)


def _spec(fig) -> dict:
    return json.loads(pio.to_json(fig))


def _values(array) -> np.ndarray:
    """A trace's numbers, whether sent as a list or as a typed array (NaN for a gap)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).astype(float)
    return np.array([np.nan if v is None else v for v in array], float)


def test_edge_of_stability_draws_loss_and_sharpness_with_each_limit_dashed_in_its_colour():
    result = _stability()
    spec = _spec(figures.build_edge(result.descent, result.summaries, lang="en"))
    layout, data = spec["layout"], spec["data"]
    assert layout["yaxis"]["type"] == "log" and layout["xaxis"]["anchor"] == "y2"
    limits = [d for d in data if d.get("line", {}).get("dash") == "dash" and d["x"] != [None]]
    assert [d["y"][0] for d in limits] == pytest.approx([4.0, 5.0])
    for limit, color in zip(limits, figures.RATE_COLORS, strict=False):
        assert limit["line"]["color"] == color
    diamonds = [d for d in data if d.get("marker", {}).get("symbol") == "diamond"]
    assert [d["x"][0] for d in diamonds] == [40, 60]
    assert [d["name"] for d in data if d.get("showlegend", True)] == ["η = 0.5", "η = 0.4", "2/η"]
    adam = _spec(figures.build_edge(result.descent, result.summaries, lang="ko", adam=True))
    assert adam["layout"]["yaxis2"]["type"] == "log"
    assert spec["layout"]["yaxis2"].get("type") != "log"  # 2/η = 4 and 5 beside sharpness up to 5.1
    # Walkthrough: a small rate's 2/η = 200 over sharpness 2.6-5 flattened every curve onto the axis.
    run = _descent([0.01, 0.5], result.descent.tops)
    far = tuple(edge.summarize(lr, 2 / lr, run.losses[i], run.tops[i], MEASURED, -1)
                for i, lr in enumerate(run.peaks))
    wide = _spec(figures.build_edge(run, far, lang="ko"))["layout"]["yaxis2"]
    assert wide["type"] == "log" and wide["range"][0] < np.log10(2.0) and wide["range"][1] > np.log10(200)
    big = _spec(figures.build_edge(result.descent, result.summaries, lang="en", big=True))
    sizes = [s["layout"]["template"]["layout"]["font"]["size"] for s in (spec, big)]
    assert sizes[1] > sizes[0]


def test_distance_from_gradient_flow_marks_each_crossing():
    spec = _spec(figures.build_distance(_stability(), lang="en"))
    lines = [d for d in spec["data"] if d["mode"] == "lines"]
    diamonds = [d for d in spec["data"] if d["mode"] == "markers"]
    assert len(lines) == 2 and [d["x"][0] for d in diamonds] == [40, 60]


def _catapult() -> edge.Catapult:
    multiples = np.array([0.5, 1.0, 1.5, 2.0])
    lam0 = START.sharpness
    losses = np.tile(np.geomspace(0.5, 0.05, STEPS + 1), (4, 1))
    losses[2, 3] = 50.0  # the catapult's rise
    losses[3, 5:] = np.nan
    tops = np.full((4, MEASURED.size), lam0)
    run = _descent(multiples * 2 / lam0, tops, losses=losses, diverged=[-1, -1, -1, 4])
    regimes = ("settled", "other", "catapult", "diverged")
    peak = np.nanmax(losses[:, 1:], axis=1)
    return edge.Catapult(run, multiples, regimes, peak, np.array([2.0, 2.0, 1.0, np.nan]))


def test_the_three_regimes_picture():
    result = _catapult()
    spec = _spec(figures.build_regimes(result, lang="en"))
    rects = [s for s in spec["layout"]["shapes"] if s["type"] == "rect"]
    assert [r["fillcolor"] for r in rects] == [figures.REGIME_COLORS[r] for r in edge.REGIMES]
    markers = spec["data"][0]
    assert markers["marker"]["color"] == [figures.REGIME_COLORS[r] for r in result.regimes]
    # A diverged run is a cross, on the chart and in the legend: its colour is close to the catapult's.
    assert markers["marker"]["symbol"] == ["x" if r == "diverged" else "circle" for r in result.regimes]
    keys = {d["name"]: d["marker"]["symbol"] for d in spec["data"] if d.get("name") == "diverged"}
    assert keys == {"diverged": "x"}
    assert markers["y"][2] == pytest.approx(100.0)  # the loss rose 100× its start
    limit = spec["data"][2]
    # 2/η at multiple m of 2/λ₀ is λ₀/m
    np.testing.assert_allclose(_values(limit["y"]), result.lam0 / _values(limit["x"]), rtol=1e-5)
    legend = [d["name"] for d in spec["data"] if d.get("showlegend", True) and d.get("name")]
    assert legend[2:] == ["settled", "catapult", "neither", "diverged"]
    losses = _spec(figures.build_catapult_losses(result, lang="ko"))
    assert [d["line"]["color"] for d in losses["data"]] == [figures.REGIME_COLORS[r] for r in result.regimes]


def _grid() -> edge.WarmupGrid:
    final = np.array([[0.06, 0.07], [np.nan, 0.05]])
    return edge.WarmupGrid(peaks=np.array([0.05, 0.1]), lengths=np.array([0, 200]), steps=1000,
                           cosine=False, start_loss=0.4, lam0=40.0, final_loss=final,
                           diverged_at=np.array([[-1, -1], [6, -1]]))


def test_the_warmup_grid_is_a_two_dimensional_heatmap_with_the_diverged_runs_crossed():
    grid = _grid()
    spec = _spec(figures.build_grid(grid, lang="en", example=(0.1, 200)))
    heat = spec["data"][0]
    assert heat["type"] == "heatmap" and heat["x"] == ["0", "200"] and heat["y"] == ["1× 2/λ₀", "2× 2/λ₀"]
    assert np.shape(heat["z"]) == (2, 2) and heat["z"][1][0] is None  # nested lists: 2-D to plotly.js
    assert "diverged at update 6" in heat["text"][1][0]
    crosses = spec["data"][1]
    assert crosses["marker"]["symbol"] == "x" and (crosses["x"], crosses["y"]) == (["0"], ["2× 2/λ₀"])
    outlined = [(s["x0"] + 0.5, s["y0"] + 0.5) for s in spec["layout"]["shapes"]]
    assert outlined == [(0, 1), (1, 1)]
    assert grid.rescued().tolist() == [False, True] and grid.example() == (0.1, 200)


def test_the_warmup_pair_draws_each_runs_limit_and_marks_the_end_of_the_warmup_and_the_blow_up():
    blown = np.r_[20.0, np.full(MEASURED.size - 1, np.nan)]
    tops = np.stack([blown, np.linspace(20.0, 9.0, MEASURED.size)])
    pair = _descent([0.2, 0.2], tops, warmups=[0, 50], diverged=[3, -1])
    spec = _spec(figures.build_pair(pair, lang="en"))
    limits = [d for d in spec["data"] if d.get("line", {}).get("dash") == "dash" and d["x"] != [None]]
    without, warm = (_values(d["y"]) for d in limits)
    assert without[0] == pytest.approx(10.0) and np.isnan(warm[0])  # the warm-up starts at η = 0
    assert warm[25] == pytest.approx(20.0) and warm[-1] == pytest.approx(10.0)
    lines = sorted(s["x0"] for s in spec["layout"]["shapes"])
    assert lines == [3, 50]
    texts = [a["text"] for a in spec["layout"]["annotations"]]
    assert "warm-up ends" in texts and "no warm-up: diverged at update 3" in texts


def test_sentences_carry_the_numbers_of_the_run():
    result = _stability()
    line = words.edge_line(result.summaries[0], STEPS, "en")
    assert line.startswith("**η = 0.5** (2/η = 4)") and "reached 2/η at update 40" in line
    assert "38/η" in words.edge_line(result.summaries[0], STEPS, "en", beta1=0.9)
    assert words.limit_name(0.9) == "38/η" and words.limit_name(None) == "2/η"
    never = edge.summarize(0.1, 20.0, result.descent.losses[0], result.descent.tops[0], MEASURED, -1)
    assert "did not reach 2/η in 100 updates" in words.edge_line(never, STEPS, "en")
    # A run whose loss never rose says so, not "went up on 0 of them" ("그중 0번 올라갔습니다").
    steady = dataclasses.replace(never, ups=0)
    assert words.edge_line(steady, STEPS, "en").endswith("and the loss never went up.")
    assert words.edge_line(steady, STEPS, "ko").endswith("손실은 한 번도 올라가지 않았습니다.")
    assert words.edge_line(dataclasses.replace(never, ups=3), STEPS, "en").endswith("went up on 3 of them.")
    flow = words.flow_line(result, "en")
    assert "descent was 0.4–0.6 away from gradient flow; by update 100 the distance had grown to 1." in flow
    lines = words.catapult_lines(_catapult(), "en")
    assert lines[0] == "At the initial weights the sharpness is λ₀ = 2, so 2/λ₀ = 1."
    assert any(line.startswith("**Catapult** (runs: 1; 1.5× 2/λ₀)") for line in lines)
    # The run at 1× 2/λ₀ is neither; its numbers are in the sentence (a projector has no hover).
    neither = next(line for line in lines if line.startswith("**Neither**"))
    assert neither.endswith("After the start the loss was at most 0.977× its starting value, and the "
                            "sharpness ended at 2, against 2/η = 2.")
    assert lines[-1].endswith("catapult up to 1.5× 2/λ₀.")  # as the regime lines write it, not 3/λ₀
    grid = _grid()
    rescued = words.warmup_lines(grid, None, "en")[0]
    assert "2× 2/λ₀ (the shortest warm-up that trained it: 200 updates)" in rescued
    for lang in ("en", "ko"):  # every sentence has its words in both languages
        assert words.catapult_lines(_catapult(), lang) and words.warmup_lines(grid, None, lang)
