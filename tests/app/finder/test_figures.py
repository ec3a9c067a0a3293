"""The LR finder's figures, by structure, on hand-made results (no training)."""

import numpy as np
import pytest

from lrviz.app.finder import figures
from lrviz.nn import datasets, mlp, search
from lrviz.nn import range_test as rt

LRS = np.geomspace(1e-4, 10.0, 100)


def _test() -> rt.RangeTest:
    base = 1.0 + 0.5 * np.tanh(-(np.log10(LRS) + 1.5)) + 0.3 * np.maximum(np.log10(LRS), 0) ** 2
    smoothed = np.stack([base, base * 1.02, base * 0.98])
    smoothed[1, 90:] = np.nan  # one seed stopped early
    return rt.RangeTest(dataset="moons", lrs=LRS, seeds=np.arange(3), losses=smoothed, smoothed=smoothed,
                        stop_factor=4.0)


def _training(lrs, val, diverged=None) -> mlp.Training:
    n = len(lrs)
    val = np.asarray(val, float)
    return mlp.Training(dataset="moons", setup=None, lrs=np.asarray(lrs, float), seeds=np.zeros(n, int),
                        batch_loss=np.zeros((n, 1)), eval_steps=np.arange(3) * 10,
                        train_loss=np.stack([val * 1.1] * 3, axis=1), val_loss=np.stack([val] * 3, axis=1),
                        val_acc=np.full((n, 3), 0.9),
                        diverged_at=np.array(diverged if diverged is not None else [-1] * n),
                        params=[(np.zeros((n, 2, 3)), np.zeros((n, 3))),
                                (np.ones((n, 3, 2)), np.zeros((n, 2)))])


def test_range_test_names_every_rule_with_its_rate_and_marks_its_median():
    test = _test()
    fig = figures.build_range_test(test, lang="en").to_dict()
    assert fig["layout"]["xaxis"]["type"] == "log"
    names = [trace.get("name", "") for trace in fig["data"]]
    summary = figures.rule_summary(test)
    for name, rule in rt.RULES.items():
        mid, lo, hi = summary[name]
        label = f"{rule.title('en')}: {mid:.3g} ({lo:.3g}–{hi:.3g})"
        assert label in names
        marker = fig["data"][names.index(label)]
        assert marker["x"] == [pytest.approx(mid, rel=1e-6)]
    # Markers on the curve shrink rule by rule, so rules that agree stay visible one inside the other.
    sizes = [fig["data"][names.index(n)]["marker"]["size"] for n in names if ": " in n and "(" in n]
    assert sizes == sorted(sizes, reverse=True) and len(set(sizes)) == len(sizes) == len(rt.RULES)
    # The minimum rule: a tenth of the rate at the lowest point each seed recorded.
    per_seed = [s[0] for s in test.suggestions["minimum"]]
    assert summary["minimum"][0] == pytest.approx(np.median(per_seed))
    assert "범위" in figures.build_range_test(test, lang="ko").to_dict()["data"][1]["name"]


def test_search_figure_puts_diverged_runs_on_a_row_and_the_best_rate_dashed():
    grid = _training([0.01, 0.1, 1.0, 10.0], [0.5, 0.2, 0.3, 2.0], diverged=[-1, -1, -1, 5])
    drawn = _training([0.05, 0.3], [0.3, 0.21])
    found = search.Search(grid=grid, random=drawn, best_lr=0.1, best_loss=0.2, grid_runs=2, random_runs=2)
    fig = figures.build_search(found, lang="en").to_dict()
    assert fig["layout"]["yaxis"]["type"] == "log" and fig["layout"]["xaxis"]["type"] == "log"
    crosses = [tr for tr in fig["data"] if tr.get("marker", {}).get("symbol") == "x"]
    assert len(crosses) == 1 and crosses[0]["x"] == [10.0]
    assert fig["layout"]["shapes"][0]["x0"] == 0.1
    assert [tr["name"] for tr in fig["data"] if tr.get("showlegend", True)] == ["grid (4 rates)",
                                                                               "random search (2 rates)"]


def test_a_run_far_above_the_best_sits_on_the_top_row_and_leaves_the_axis_to_the_others():
    # Digits: one random rate ended at a finite validation loss of 7.9 million.
    grid = _training([0.01, 0.1, 1.0], [0.5, 0.2, 0.3])
    drawn = _training([0.05, 5.0], [0.3, 7.9e6])
    found = search.Search(grid=grid, random=drawn, best_lr=0.1, best_loss=0.2, grid_runs=2, random_runs=2)
    fig = figures.build_search(found, lang="en").to_dict()
    off = [tr for tr in fig["data"] if tr.get("marker", {}).get("symbol") == "triangle-up"]
    assert len(off) == 1 and off[0]["x"] == [5.0] and off[0]["customdata"] == [7.9e6]
    high = fig["layout"]["yaxis"]["range"][1]
    assert 10**high < 2 * 0.5 and off[0]["y"][0] == pytest.approx(0.5 * 1.4)  # the row above the worst kept
    assert fig["layout"]["yaxis"]["ticktext"] == ["0.2", "0.5"]  # written out, not plotly.js's bare 2 and 5


def test_check_figure_has_one_bar_and_one_dot_per_seed_for_each_rule():
    training = _training([0.1] * 4, [0.2] * 4)
    check = search.SuggestionCheck(rules=("valley", "slide"), lrs=np.array([0.05, 2.0]),
                                   val_loss=np.array([[0.2, 0.3], [np.inf, 0.9]]),
                                   val_acc=np.full((2, 2), 0.9), training=training)
    fig = figures.build_check(check, lang="en").to_dict()
    bars = [tr for tr in fig["data"] if tr["type"] == "bar"]
    assert bars[0]["x"][0] == pytest.approx(0.25) and bars[1]["marker"]["opacity"] < 0.2  # inf mean
    dots = [tr for tr in fig["data"] if tr["type"] == "scatter"]
    assert dots[1]["marker"]["symbol"] == ["x", "circle"]  # the diverged seed is a cross
    assert dots[1]["x"] == [pytest.approx(1.15 * 0.9), pytest.approx(0.9)]  # ... at the row's right end
    assert [a["text"] for a in fig["layout"]["annotations"]] == [
        f"{rt.RULES['valley'].title('en')} · η = 0.05", f"{rt.RULES['slide'].title('en')} · η = 2"]


def test_curves_and_boundaries_have_three_panels():
    comparison = search.Comparison(lrs=np.array([0.01, 0.1, 1.0]), training=_training([0.01, 0.1, 1.0],
                                                                                      [0.6, 0.2, 0.9]))
    curves = figures.build_curves(comparison, lang="en").to_dict()
    assert {tr["xaxis"] for tr in curves["data"]} == {"x", "x2", "x3"}
    assert [a["text"] for a in curves["layout"]["annotations"]] == [
        "<b>too small<br>η = 0.01</b>", "<b>good<br>η = 0.1</b>", "<b>too large<br>η = 1</b>"]
    data = datasets.load("moons")
    grid = search.decision_grid(comparison, data, n=20)
    assert grid[2].shape == (3, 20, 20)
    maps = figures.build_boundaries(comparison, data, grid, lang="ko").to_dict()
    assert sum(tr["type"] == "heatmap" for tr in maps["data"]) == 3
