"""lrviz.app.sweep.compute: the sweep page's link, best rate, divergence edge, phase data and basin map."""

from dataclasses import replace

import numpy as np
import pytest

from lrviz import engine, surfaces
from lrviz.app.playground import state as links
from lrviz.app.sweep import compute as sweeps
from lrviz.app.sweep import state as sweep_state
from lrviz.app.sweep.compute import DIVERGED, NO_MINIMUM
from lrviz.app.sweep.state import DEFAULT, Config, parse, to_query
from lrviz.i18n import t

STEPS = 500


def config_for(surface: str, optimizers=("sgd",), lo=1e-3, hi=10.0, rates=200, **base) -> Config:
    base = replace(DEFAULT.base, surface=surface, optimizer=optimizers[0], steps=STEPS, **base)
    return Config(base=base, optimizers=tuple(optimizers), rates=rates, lo=lo, hi=hi)


# --- the computation --------------------------------------------------------------------------------


@pytest.mark.parametrize("a", [2.0, 5.0])
def test_gd_on_a_quadratic_edge_is_two_over_a_and_best_is_one_over_a(a):
    """f = a x²/2: GD diverges exactly above 2/a and lands in one step at 1/a."""
    surface = surfaces.get("quadratic", a=a)
    (result,) = sweeps.run_sweeps(config_for("quadratic", lo=0.01, hi=10.0), surface)
    lrs = result.sweep.lrs
    k = int(np.searchsorted(lrs, result.edge))
    assert lrs[k - 1] < 2 / a <= lrs[k]  # within one grid step, on the right side
    assert result.first_diverged == result.edge  # on a quadratic divergence is monotone in the rate
    step = np.log(lrs[1] / lrs[0])
    assert abs(np.log(result.best_lr * a)) <= step  # the grid rate nearest 1/a
    assert result.limit.value == pytest.approx(2 / a, rel=1e-3)
    assert result.limit.formula == "2/λmax"


@pytest.mark.parametrize("surface, optimizer", [("himmelblau", "sgd"), ("six_hump_camel", "momentum"),
                                                ("rosenbrock", "adam")])
def test_statuses_agree_with_single_runs_and_best_is_below_the_edge(surface, optimizer):
    config = config_for(surface, (optimizer,), lo=1e-4, hi=10.0)
    (result,) = sweeps.run_sweeps(config, links.surface_of(config.base))
    sweep = result.sweep
    for i in np.linspace(0, len(sweep.lrs) - 1, 9).astype(int):
        run = engine.run(surface, optimizer, lr=float(sweep.lrs[i]), steps=STEPS)
        assert run.status == sweep.status[i], (i, sweep.lrs[i])
        assert (run.diverged_at if run.diverged_at is not None else -1) == sweep.diverged_at[i]
    assert result.best is not None and sweep.status[result.best] != "diverged"
    if result.edge is not None:
        assert result.best_lr < result.edge
        assert np.all(sweep.diverged_at[sweep.lrs >= result.edge] >= 0)
        assert result.first_diverged <= result.edge


def test_moving_the_range_or_the_basin_rate_never_recompiles():
    config = config_for("quadratic", rates=300)
    surface = links.surface_of(config.base)
    sweeps.run_sweeps(config, surface)
    sweeps.basins(config, surface)
    before = engine.trace_count()
    for lo, hi, rates, lr in ((1e-4, 3.0, 500, 0.2), (0.05, 2.0, 257, 0.9)):  # same row bucket (512)
        moved = replace(config, lo=lo, hi=hi, rates=rates, base=replace(config.base, lr=lr))
        sweeps.run_sweeps(moved, surface)
        sweeps.basins(moved, surface)
    assert engine.trace_count() == before


def test_divergence_edge_is_where_every_larger_rate_diverges():
    lrs = np.array([0.1, 0.2, 0.3, 0.4, 0.5])
    assert sweeps.divergence_edge(lrs, [0, 1, 0, 1, 1]) == 0.4  # 0.2 diverged, 0.3 did not
    assert sweeps.divergence_edge(lrs, [0, 0, 0, 1, 0]) is None  # the largest rate survived
    assert sweeps.divergence_edge(lrs, [1, 1, 1, 1, 1]) == 0.1  # the edge is at or below the range
    assert sweeps.divergence_edge(lrs, [0, 0, 0, 0, 0]) is None


def test_best_rate_prefers_lowest_final_loss_then_the_fastest_then_the_smaller_rate():
    lrs = np.array([0.1, 0.2, 0.3, 0.4])
    losses = np.array([
        [4.0, 2.0, 1.0, 0.5],  # slow
        [4.0, 1.0, 0.0, 0.0],  # reaches 0
        [4.0, 0.0, 0.0, 0.0],  # reaches 0 first: smallest area
        [4.0, 9.0, 50.0, 90.0],
    ])
    assert sweeps.best_rate(lrs, losses, np.array([0, 0, 0, 1], bool)) == 2
    # Exact ties in final loss and area: the smaller rate.
    same = np.vstack([losses[2], losses[2], losses[0], losses[0]])
    assert sweeps.best_rate(lrs, same, np.zeros(4, bool)) == 0
    # A final loss a millionth of the drop above the lowest is tied; a larger gap is not.
    near = np.array([[4.0, 0.0, 0.0, 1e-7], [4.0, 1.0, 0.5, 0.0], [4.0, 0.0, 0.0, 1e-3], [4.0] * 4])
    assert sweeps.best_rate(lrs, near, np.zeros(4, bool)) == 0
    # Diverged rows never count, even with a low final loss.
    assert sweeps.best_rate(lrs, losses, np.array([1, 1, 1, 0], bool)) == 3
    assert sweeps.best_rate(lrs, losses, np.ones(4, bool)) is None


def test_phase_is_thinned_and_marks_the_steps_after_an_escape():
    config = config_for("quadratic", rates=400)
    surface = links.surface_of(config.base)
    (result,) = sweeps.run_sweeps(config, surface)
    sweep = result.sweep
    data = sweeps.phase(sweep, surface, "distance")
    assert data.values.shape == data.diverged.shape == (200, 250)
    assert data.lrs[0] == sweep.lrs[0] and data.lrs[-1] == sweep.lrs[-1]
    assert data.steps[0] == 0 and data.steps[-1] == STEPS
    rows = np.searchsorted(sweep.lrs, data.lrs)
    at = sweep.diverged_at[rows]
    np.testing.assert_array_equal(data.diverged, (at[:, None] >= 0) & (data.steps[None] >= at[:, None]))
    assert np.all(np.isnan(data.values[data.diverged]))
    calm = ~data.diverged
    expected = np.abs(sweep.points[rows][:, data.steps, 0])  # distance to the minimum at 0
    np.testing.assert_allclose(data.values[calm], expected[calm], rtol=1e-6)
    loss = sweeps.phase(sweep, surface, "loss")
    np.testing.assert_allclose(loss.values[calm], expected[calm] ** 2, rtol=1e-5, atol=1e-30)  # x² − 0


def test_basins_label_each_start_by_the_minimum_it_reaches():
    config = config_for("himmelblau", lr=0.002)
    surface = links.surface_of(config.base)
    basins = sweeps.basins(config, surface)
    x, y = basins.axes
    assert basins.label.shape == (len(y), len(x)) == (sweeps.BASIN_SIZE, sweeps.BASIN_SIZE)
    for index, (mx, my) in enumerate(surface.minima):  # a start next to a minimum stays in it
        i, j = np.argmin(np.abs(y - my)), np.argmin(np.abs(x - mx))
        assert basins.label[i, j] == index
    # Labels agree with the run from that start: within tolerance of the labelled minimum.
    i, j = 5, 31
    run = engine.run(surface, "sgd", lr=0.002, steps=STEPS, start=(x[j], y[i]))
    final = run.points[-1]
    if basins.label[i, j] >= 0:
        assert np.linalg.norm(final - surface.minima[basins.label[i, j]]) <= 0.005 * 12
    wild = sweeps.basins(replace(config, base=replace(config.base, lr=5.0)), surface)
    assert np.all(wild.label == DIVERGED)


def test_basins_on_a_line_for_one_dimensional_surfaces():
    config = config_for("double_well", lr=0.01)
    surface = links.surface_of(config.base)
    basins = sweeps.basins(config, surface)
    assert basins.label.shape == basins.axes[0].shape == (sweeps.BASIN_LINE,)
    assert set(np.unique(basins.label)) <= {0, 1, DIVERGED, NO_MINIMUM}
    # Far left and far right of the barrier end in different minima (one global, one local).
    ends = {int(basins.label[0]), int(basins.label[-1])}
    assert ends == {0, 1}


# --- the link -----------------------------------------------------------------------------------------


def test_defaults_follow_the_surface_curvature():
    config = parse({})
    assert config.notes == ()
    assert config.optimizers == ("sgd",) and config.rates == 500 and config.base.steps == 500
    # quadratic: 2/λmax = 1, so decades from 1e-3 to 10 and the chosen rate 1/λmax = 0.5.
    assert (config.lo, config.hi, config.base.lr) == (1e-3, 10.0, 0.5)
    assert sweep_state.suggested_rates(surfaces.get("rosenbrock"), None)[:2] == (1e-6, 0.1)


def test_link_round_trip():
    config = parse({
        "surface": "ravine", "optimizers": "momentum,adam,sgd", "o.momentum": "0.8", "schedule": "step",
        "s.gamma": "0.5", "steps": "300", "start": "2,1", "n": "800", "lo": "1e-4", "hi": "2", "lr": "0.05",
        "phase": "distance", "lang": "ko", "big": "1",
    })
    assert config.notes == ()
    assert config.optimizers == ("momentum", "adam", "sgd")
    assert config.base.optimizer == "momentum" and dict(config.base.optimizer_params) == {"momentum": 0.8}
    assert config.base.start == (2.0, 1.0) and config.base.lang == "ko" and config.base.big
    assert (config.rates, config.lo, config.hi, config.base.lr) == (800, 1e-4, 2.0, 0.05)
    assert config.phase == "distance"
    assert parse(to_query(config)) == config


@pytest.mark.parametrize("query, keys", [
    ({"lo": "2", "hi": "1"}, {"lo", "hi"}),
    ({"lo": "1", "hi": "1"}, {"lo", "hi"}),
    ({"hi": "1e-5"}, {"hi"}),  # only the value the link gave is named
    ({"steps": "0"}, {"steps"}),
    ({"n": "5"}, {"n"}),
    ({"n": "1000000000"}, {"n"}),
    ({"n": "abc", "lo": "-1", "hi": "nan", "lr": "inf"}, {"n", "lo", "hi", "lr"}),
    ({"optimizers": "sgd,sgd"}, {"optimizers"}),
    ({"optimizers": "sgd,adam,rmsprop,momentum,nesterov"}, {"optimizers"}),
    ({"optimizers": "<script>"}, {"optimizers"}),
    ({"phase": "zz", "surface": "nope"}, {"phase", "surface"}),
    ({"optimizers": "adam", "o.betas": "2,3"}, {"o.betas"}),
])
def test_bad_values_fall_back_with_a_note(query, keys):
    config = parse(query)
    assert {note.key for note in config.notes} == keys
    assert config.lo < config.hi and sweep_state.RATES[0] <= config.rates <= sweep_state.RATES[1]
    assert 1 <= len(config.optimizers) <= sweep_state.MAX_OPTIMIZERS


def test_a_bad_step_count_falls_back_to_this_page_default():
    config = parse({"steps": "abc"})
    assert config.base.steps == DEFAULT.base.steps == 500
    assert config.notes[0].fallback == "500"


def test_parameters_that_a_rate_of_the_range_rejects_are_dropped():
    # cyclic: max_lr must not be below base_lr, which defaults to the rate; at hi = 10 it would be.
    config = parse({"schedule": "cyclic", "s.max_lr": "0.5", "lo": "0.001", "hi": "10"})
    assert config.base.schedule_params == ()
    assert {note.key for note in config.notes} == {"s.max_lr"}


def test_a_bad_lower_rate_is_noted_once_even_when_the_range_then_collapses():
    config = parse({"lo": "abc", "hi": "0.001"})
    assert [note.key for note in config.notes].count("lo") == 1


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_coasting_buffer_has_no_critical_rate_in_the_table_nor_an_early_edge(lang):
    from lrviz.app.sweep import sheet, ui

    config = config_for("quadratic", optimizers=("momentum",), optimizer_params=(("dampening", 1.0),))
    (result,) = sweeps.run_sweeps(config, surfaces.get("quadratic"))
    assert result.limit.coasting and result.first_diverged is not None  # far rates coast out of reach
    assert sheet.critical_text(result, lang) == t("sweep.coasting", lang)
    assert ui.early_edge_notes((result,), lang) == []  # "below its critical rate ≈ ∞" said nothing true


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_basin_caption_accounts_for_every_start(lang):
    from lrviz.app.sweep.sheet import basins_text

    # None diverged, none reached the global minimum: the caption must say where every start went,
    # and not list the shares that are none ("0% diverged, 100% ..., and the other 0%").
    assert basins_text((0.0, 0.0, 0.0), lang).endswith(t("sweep.basins_every_moving", lang))
    assert basins_text((0.0, 0.0, 1.0), lang).endswith(t("sweep.basins_every_local", lang))
    assert basins_text((0.0, 1.0, 0.0), lang).endswith(t("sweep.basins_every_reached", lang))
    assert t("sweep.basins_part_diverged", lang, share="0") not in basins_text((0.0, 0.6, 0.0), lang)
    assert basins_text((0.125, 0.5, 0.25), "en").endswith(
        "Here, of all the starts, 12% diverged, 50% reached a global minimum, 25% ended in a local "
        "minimum and 12% were still moving.")
    assert basins_text((0.125, 0.5, 0.25), "ko").endswith(
        "여기서는 전체 출발점 가운데 12%가 발산했고, 50%가 전역 최솟값에 도착했고, 25%가 지역 최솟값에 "
        "머물렀고, 12%는 아직 움직이고 있습니다.")
    # Walkthrough: Rosenbrock has no local minimum, and its caption said "a local minimum or still moving".
    assert basins_text((0.0, 0.01, 0.0), "en").endswith(
        "Here, of all the starts, 1% reached a global minimum and 99% were still moving.")
    # 0.3 + 0.7 leaves 1e-16 of float dust, which is no start: no "<1% were still moving".
    assert basins_text((0.3, 0.7, 0.0), lang).endswith(t("sweep.basins_shares", lang, listed=t(
        "sweep.basins_and", lang).join([t("sweep.basins_part_diverged", lang, share="30"),
                                        t("sweep.basins_last_reached", lang, share="70")])))
    assert t("sweep.basins_part_diverged", lang, share="<1") in basins_text((0.001, 0.5, 0.0), lang)


def test_a_playground_link_opened_here_keeps_its_optimizer_and_its_parameters():
    from lrviz.app.sweep.state import parse

    config = parse({"surface": "quadratic", "optimizer": "momentum", "o.momentum": "0.5"})
    assert config.optimizers == ("momentum",) and dict(config.base.optimizer_params) == {"momentum": 0.5}
    assert not config.notes
    both = parse({"optimizer": "adam", "optimizers": "sgd,rmsprop"})  # the page's own key wins
    assert both.optimizers == ("sgd", "rmsprop")
    refused = parse({"optimizer": "nope"})  # falls back, and says so
    assert refused.optimizers == ("sgd",) and [(n.key, n.value, n.shown("en")) for n in refused.notes] == [
        ("optimizer", "nope", "“SGD”")]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_one_optimizer_is_not_called_the_first(lang):
    """With one optimizer swept the captions said "첫 번째 옵티마이저" (the first optimizer)."""
    from lrviz.app.sweep.sheet import basins_text, which_optimizer

    first = t("sweep.first_optimizer", lang)
    assert first not in basins_text((0.0, 1.0, 0.0), lang, 1)
    assert which_optimizer(1, lang) == t("sweep.the_optimizer", lang)
    assert first in basins_text((0.0, 1.0, 0.0), lang, 2) and which_optimizer(2, lang) == first
