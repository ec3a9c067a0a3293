"""The Compare page's core: its link, its results table, and the rate-spread shortcut."""

import csv
import io
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrviz import engine, optimizers, schedules, surfaces
from lrviz.app.compare import compute as comparison
from lrviz.app.compare.state import DEFAULT, MAX_ROWS, Config, Row, parse, to_query
from lrviz.app.kit.rates import LR_RANGE
from lrviz.app.playground.state import MAX_STEPS, MIN_STEPS
from lrviz.i18n import t

# --- the link ------------------------------------------------------------------------------------

RATES = st.sampled_from([1e-4, 0.00015, 0.002, 0.01, 0.03, 0.1, 0.5, 1.0, 1.2, 2.5, 10.0])
# Hyper-parameters that differ from the defaults, in spec order, as the widgets give them.
OPT_PARAMS = {
    "sgd": st.sampled_from([(), (("momentum", 0.5),), (("momentum", 0.8), ("nesterov", True))]),
    "momentum": st.sampled_from([(), (("momentum", 0.5),), (("dampening", 0.1),)]),
    "adam": st.sampled_from([(), (("betas", (0.8, 0.99)),), (("eps", 1e-6), ("amsgrad", True))]),
}
SCHED_PARAMS = {
    "cosine": st.sampled_from([(), (("T_max", 50),), (("T_max", 80), ("eta_min", 0.001))]),
    "step": st.sampled_from([(), (("step_size", 10), ("gamma", 0.5))]),
}


@st.composite
def rows(draw):
    optimizer = draw(st.sampled_from([*optimizers.OPTIMIZERS]))
    schedule = draw(st.sampled_from(["constant", "cosine", "step", "exponential"]))
    return Row(
        optimizer,
        draw(RATES),
        schedule,
        draw(OPT_PARAMS.get(optimizer, st.just(()))),
        draw(SCHED_PARAMS.get(schedule, st.just(()))),
    )


@st.composite
def configs(draw):
    surface = draw(st.sampled_from([*surfaces.SURFACES]))
    dim = surfaces.SURFACES[surface].dim
    start = draw(st.none() | st.tuples(*[st.sampled_from([-1.5, 0.25, 2.0])] * dim))
    return Config(
        surface=surface,
        rows=tuple(draw(st.lists(rows(), min_size=1, max_size=MAX_ROWS))),
        steps=draw(st.integers(MIN_STEPS, MAX_STEPS)),
        start=start,
        layout=draw(st.sampled_from(["overlay", "multiples"])),
        big=draw(st.booleans()),
        lang=draw(st.sampled_from(["en", "ko"])),
    )


@settings(max_examples=100, deadline=None)
@given(configs())
def test_a_link_reopens_the_same_comparison(config):
    back = parse(to_query(config))
    assert back == config
    assert back.notes == () and back.extra_rows == 0


def test_no_query_gives_the_default_picture():
    assert parse({}) == DEFAULT
    assert [r.optimizer for r in DEFAULT.rows] == ["sgd", "momentum", "rmsprop", "adam"]


def test_a_lecture_link_reads_as_written():
    config = parse(
        {
            "surface": "quadratic",
            "r1": "sgd:0.1",
            "r2": "adam:0.3:cosine",
            "r2.s.T_max": "50",
            "r1.o.momentum": "0.8",
        }
    )
    assert config.rows == (
        Row("sgd", 0.1, optimizer_params=(("momentum", 0.8),)),
        Row("adam", 0.3, "cosine", schedule_params=(("T_max", 50),)),
    )
    assert to_query(config)["r2"] == "adam:0.3:cosine"


def test_rows_keep_the_order_of_their_numbers_and_gaps_are_allowed():
    config = parse({"r5": "adam:0.1", "r2": "sgd:0.01"})
    assert [r.optimizer for r in config.rows] == ["sgd", "adam"]
    assert to_query(config)["r1"] == "sgd:0.01" and to_query(config)["r2"] == "adam:0.1"


@pytest.mark.parametrize(
    ("raw", "repaired"),
    [
        ("foo:0.1", "sgd:0.1"),  # unknown optimizer
        ("adam:-1", "adam:0.01"),  # negative rate
        ("adam:0", "adam:0.01"),
        ("adam:nan", "adam:0.01"),
        ("adam:1e9", "adam:0.01"),  # above the page's range
        ("adam", "adam:0.01"),  # no rate
        ("adam:0.1:bogus", "adam:0.1"),  # unknown schedule
        ("adam:0.1:cosine:x", "adam:0.1:cosine"),  # a part too many
        ("", "sgd:0.01"),
        ("<script>", "sgd:0.01"),
    ],
)
def test_a_bad_row_is_repaired_with_a_note(raw, repaired):
    config = parse({"r1": raw, "r2": "sgd:0.5"})
    assert config.rows[0].head() == repaired
    assert config.rows[1] == Row("sgd", 0.5)
    assert [(n.key, n.fallback) for n in config.notes] == [("r1", repaired)]
    # The note says what the row takes: the rates where the rate was wrong, else the row's form.
    rate_wrong = raw.startswith("adam") and raw.count(":") < 2
    assert config.notes[0].allowed == ("η 0.0001–10" if rate_wrong else "optimizer:η[:schedule]")


def test_bad_hyper_parameters_fall_back_to_defaults_with_notes():
    config = parse(
        {
            "r1": "sgd:0.1",
            "r1.o.momentum": "5",
            "r2": "sgd:0.1",
            "r2.o.nesterov": "1",
            "r3": "adam:0.1:cosine",
            "r3.s.T_max": "-3",
        }
    )
    assert all(r.optimizer_params == () and r.schedule_params == () for r in config.rows)
    assert {n.key for n in config.notes} == {"r1.o.momentum", "r2.o.nesterov", "r3.s.T_max"}


def test_more_than_six_rows_keeps_the_first_six_and_says_how_many_were_left_out():
    query = {f"r{i}": f"sgd:0.0{i}" for i in range(1, 10)}
    config = parse(query)
    assert len(config.rows) == MAX_ROWS and config.extra_rows == 3
    assert config.rows[-1].lr == 0.06


def test_garbage_in_every_key_gives_defaults_and_a_note_for_each():
    query = {
        "surface": "moon",
        "steps": "-5",
        "start": "a,b",
        "layout": "3d",
        "big": "maybe",
        "lang": "xx",
        "r1": "???",
        "r1.o.momentum": "x",
    }
    config = parse(query)
    assert (config.surface, config.steps, config.start, config.layout, config.big, config.lang) == (
        DEFAULT.surface,
        DEFAULT.steps,
        None,
        DEFAULT.layout,
        DEFAULT.big,
        "en",
    )
    assert {n.key for n in config.notes} == {
        "surface",
        "steps",
        "start",
        "layout",
        "big",
        "lang",
        "r1",
        "r1.o.momentum",
    }


# --- results ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def quadratic_runs():
    """SGD on x² (λ = 2, start 2.5): x_k = (1 − 2η)^k · 2.5."""
    surface = surfaces.get("quadratic")
    rows = (Row("sgd", 0.25), Row("sgd", 1.5), Row("sgd", 0.01))
    return surface, rows, comparison.run_rows(surface, rows, 100)


def test_results_match_hand_derived_numbers(quadratic_runs):
    surface, rows, runs = quadratic_runs
    good, wild, timid = comparison.results(rows, runs, surface, "en")
    # η = 0.25 halves x each step; the tolerance is 0.005 · 6 = 0.03: 2.5/2⁶ = 0.039 > 0.03 ≥ 2.5/2⁷.
    assert good.steps_to_tol == 7 and good.status == "converged"
    assert good.final_loss == pytest.approx(0.0, abs=1e-20) and good.distance == pytest.approx(0.0, abs=1e-20)
    # η = 1.5 doubles |x| each step: 2.5·2⁴ = 40 is the first point beyond the escape box (10 · 3 = 30).
    assert wild.status == "diverged" and wild.diverged_at == 4
    assert math.isinf(wild.final_loss) and math.isinf(wild.distance) and wild.steps_to_tol is None
    # η = 0.01: x₁₀₀ = 2.5 · 0.98¹⁰⁰, still far from 0.
    x = 2.5 * 0.98**100
    assert timid.status == "slow" and timid.steps_to_tol is None
    assert timid.distance == pytest.approx(x, rel=1e-4) and timid.final_loss == pytest.approx(x**2, rel=1e-4)


def test_results_match_single_runs_on_a_two_dimensional_surface():
    surface = surfaces.get("himmelblau")
    rows = (
        Row("adam", 0.1, "cosine", schedule_params=(("T_max", 80),)),
        Row("momentum", 0.01),
        Row("sgd", 0.05),
    )
    table = comparison.results(rows, comparison.run_rows(surface, rows, 120), surface, "en")
    for row, line in zip(rows, table, strict=True):
        alone = engine.run(
            surface,
            row.optimizer,
            lr=row.lr,
            steps=120,
            schedule=row.schedule,
            schedule_params=dict(row.schedule_params),
        )
        assert line.status == alone.status and line.steps_to_tol == alone.converged_at
        if alone.diverged_at is None:
            assert line.final_loss == pytest.approx(float(alone.losses[-1]))
            nearest = min(np.linalg.norm(np.subtract(m, alone.points[-1])) for m in surface.minima)
            assert line.distance == pytest.approx(nearest)


def test_csv_holds_the_table(quadratic_runs):
    surface, rows, runs = quadratic_runs
    table = comparison.results(rows, runs, surface, "en")
    lines = list(csv.DictReader(io.StringIO(comparison.to_csv(table))))
    assert [line["run"] for line in lines] == ["SGD · η = 0.25", "SGD · η = 1.5", "SGD · η = 0.01"]
    assert lines[0]["steps_to_tolerance"] == "7" and lines[0]["status"] == "converged"
    assert lines[1]["final_loss"] == "inf" and lines[1]["diverged_at"] == "4"
    assert float(lines[2]["distance_to_minimum"]) == pytest.approx(2.5 * 0.98**100, rel=1e-4)


def test_legend_outcomes_in_both_languages(quadratic_runs):
    _, rows, runs = quadratic_runs
    assert comparison.names(rows, runs, "en")[:2] == [
        "SGD · η = 0.25: converged in 7 steps",
        "SGD · η = 1.5: diverged at step 4",
    ]
    assert "4번째 스텝에서 발산" in comparison.names(rows, runs, "ko")[1]


# --- the shortcut -------------------------------------------------------------------------------


def test_sgd_rates_straddle_the_critical_rate_and_show_every_regime():
    """For SGD on x² (λ = 2) the critical rate 2/λ is 1.0."""
    surface = surfaces.get("quadratic")
    spread = comparison.spread_rates("sgd", surface, steps=100, count=4)
    assert spread.limit.value == pytest.approx(1.0, rel=1e-3)
    assert spread.rates == tuple(sorted(spread.rates))
    assert spread.rates[2] < 1.0 < spread.rates[3]
    assert spread.rates[1] == pytest.approx(0.5, rel=1e-2)  # 1/λ: one step to the minimum
    statuses = [engine.run(surface, "sgd", lr=lr, steps=100).status for lr in spread.rates]
    assert statuses == ["slow", "converged", "oscillating", "diverged"]


@pytest.mark.parametrize("optimizer", ["momentum", "nesterov"])
def test_momentum_rates_straddle_their_own_limit(optimizer):
    surface = surfaces.get("quadratic")
    spread = comparison.spread_rates(optimizer, surface, steps=100, count=5)
    limit = 2 * 1.9 / 2 if optimizer == "momentum" else 2 * 1.9 / (2.8 * 2)  # 2(1+μ)/λ, 2(1+μ)/((1+2μ)λ)
    assert spread.limit.value == pytest.approx(limit, rel=1e-3)
    assert spread.rates[-2] < limit < spread.rates[-1]
    runs = engine.sweep(surface, spread.rates, optimizer, steps=100)
    assert list(runs.status) == ["slow", "converged", "converged", "oscillating", "diverged"]


@pytest.mark.parametrize(("params", "small"), [
    ({"momentum": 0.9}, 0.1 * 0.2 / 2),  # (1 − μ)·δ/λ with δ = 2·min(0.1, 1/steps) = 0.2
    ({"momentum": 0.9, "dampening": 0.5}, 0.1 * 0.2 / (0.5 * 2)),  # the heavy ball runs at (1 − τ)η
    ({"momentum": 0.9, "weight_decay": 1.0}, 0.1 * 0.2 / 3),  # its steps meet λ + w
])
def test_the_small_rate_counts_dampening_and_weight_decay(params, small):
    surface = surfaces.get("quadratic")
    spread = comparison.spread_rates("momentum", surface, steps=10, count=3, optimizer_params=params,
                                     probe=False)
    assert spread.roles[0] == "small" and spread.rates[0] == pytest.approx(small, rel=1e-2)
    # Still a crawl: after 10 steps the run has covered little of its way from 2.5 to where it settles.
    run = engine.run(surface, "momentum", lr=spread.rates[0], steps=10, optimizer_params=params)
    assert run.status == "slow"


@pytest.mark.parametrize("optimizer", ["adagrad", "rmsprop", "adam", "adamw"])
def test_adaptive_optimizers_get_a_spread_by_distance_and_no_limit(optimizer):
    surface = surfaces.get("quadratic")
    spread = comparison.spread_rates(optimizer, surface, steps=100, count=3, probe=False)
    assert spread.limit is None and spread.roles == ("small", "good", "huge")
    assert spread.scale == pytest.approx(2.5)  # start 2.5, minimum 0
    assert spread.rates == (0.0025, 0.075, 7.5)  # d/(10·steps), 3d/steps, 3d


@pytest.mark.parametrize(("name", "optimizer"), [
    ("double_well", "adam"),  # walkthrough: "good" 0.0042 was still moving, "too large" 0.28 settled
    ("quadratic", "adam"), ("rosenbrock", "adam"), ("ravine", "rmsprop"), ("himmelblau", "adagrad"),
    ("quadratic", "adamw"),  # a review: settled quickest at the top, 10, and large and huge were 10 too
    ("six_hump_camel", "adamw"),  # a review: "huge, yet settles" was read at a tried rate near it
])
def test_an_adaptive_spread_is_named_by_what_its_runs_did(name, optimizer):
    surface = surfaces.get(name)
    spread = comparison.spread_rates(optimizer, surface, steps=100, count=5)
    assert list(spread.rates) == sorted(set(spread.rates))
    runs = engine.sweep(surface, np.array(spread.rates), optimizer, steps=100)
    did = dict(zip(spread.roles, runs.status.tolist(), strict=True))
    probe = spread.probe
    tried = engine.sweep(surface, np.geomspace(probe.lo, probe.hi, probe.count), optimizer, steps=100)
    # Where none of the tried rates settled (Adam on Rosenbrock in 100 steps) the guess stands.
    assert did["good"] == "converged" or "converged" not in tried.status
    assert all(did[role] != "converged" for role in ("large", "huge") if role in did)
    assert all(did[role] == "converged" for role in ("large_fine", "huge_fine") if role in did)


def test_rates_are_checked_on_the_surface_where_the_formula_is_off():
    """On Rosenbrock SGD is still crossing the valley far from (1, 1), where the curvature is lower
    than at the minimum, so 1.2 × 2/λmax does not diverge: the top rates move to the edge found."""
    surface = surfaces.get("rosenbrock")
    formula = comparison.spread_rates("sgd", surface, steps=600, count=4, probe=False)
    assert formula.probe is None and formula.rates[-1] == pytest.approx(1.2 * formula.limit.value, rel=1e-2)
    assert engine.run(surface, "sgd", lr=formula.rates[-1], steps=600).status != "diverged"
    probed = comparison.spread_rates("sgd", surface, steps=600, count=4)
    assert probed.probe.edge == pytest.approx(probed.rates[-1], rel=1e-2)
    assert probed.probe.edge > formula.rates[-1]
    statuses = [engine.run(surface, "sgd", lr=lr, steps=600).status for lr in probed.rates]
    assert statuses == ["slow", "slow", "oscillating", "diverged"]


def test_the_shortcut_makes_rows_of_one_optimizer():
    spread = comparison.spread_rates("momentum", surfaces.get("rosenbrock"), steps=600, count=3)
    rows = comparison.spread_rows("momentum", spread, {"momentum": 0.8})
    assert [r.lr for r in rows] == list(spread.rates)
    assert all(r.optimizer == "momentum" and r.optimizer_params == (("momentum", 0.8),) for r in rows)
    with pytest.raises(ValueError, match="count"):
        comparison.spread_rates("sgd", surfaces.get("quadratic"), steps=10, count=7)


def test_every_schedule_and_optimizer_has_a_short_label():
    for name in schedules.SCHEDULES:
        assert "(" not in Row("sgd", 0.1, name).label("en").split("·")[-1]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_coasting_buffer_is_not_called_adaptive(lang):
    from lrviz.app.compare.ui import explain

    spread = comparison.spread_rates("momentum", surfaces.get("quadratic"), steps=100, count=3,
                                     optimizer_params={"dampening": 1.0}, probe=False)
    assert spread.limit.coasting and spread.roles == ("small", "good", "huge")
    text = explain("momentum", spread, lang)
    assert text.startswith(t("compare.spread_coasting", lang, optimizer=t("optimizer.momentum.title", lang),
                                distance="2.5", rates="X", times="10").split("X")[0])


@pytest.mark.parametrize("optimizer", ["adam", "rmsprop", "adagrad"])
@pytest.mark.parametrize("start", [(0.0,), (1e-3,)])
def test_a_spread_from_a_start_at_its_minimum_runs_no_rate_twice(optimizer, start):
    # The distance formulas fall below the page's lowest rate, 1e-4, for all the small roles.
    spread = comparison.spread_rates(optimizer, surfaces.get("quadratic"), steps=100, count=5, start=start)
    assert len(set(spread.rates)) == 5 and spread.rates == tuple(sorted(spread.rates))
    assert spread.rates[0] == LR_RANGE[0]


def test_rates_apart_move_only_those_that_collided():
    assert comparison._apart([1e-5, 1e-4, 3e-4, 0.02]) == (1e-4, 2e-4, 3e-4, 0.02)
    assert comparison._apart([0.01, 0.5, 0.99, 1.2]) == (0.01, 0.5, 0.99, 1.2)  # SGD's large and diverge stay
    assert comparison._apart([5.0, 20.0, 30.0]) == (5.0, 7.07, 10.0)  # at the top: between its neighbours
    assert comparison._apart([4.0, 6.0, 10.0, 10.0]) == (4.0, 6.0, 7.75, 10.0)
    assert comparison._apart([10.0, 10.0, 10.0]) == (2.5, 5.0, 10.0)  # no room: below the next
