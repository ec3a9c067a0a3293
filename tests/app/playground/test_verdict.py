"""Verdicts: plain words with the run's own numbers, in both languages."""

import numpy as np
import pytest

from lrviz import engine, optimizers
from lrviz.app.playground.figures import step_directions
from lrviz.app.playground.verdict import has_rate_line, number, rate_line, verdict
from lrviz.engine import diagnostics
from lrviz.engine.diagnostics import Curvature, stability_limit, start_limit
from lrviz.i18n import t
from lrviz.surfaces import from_expression, get

CASES = [
    ("quadratic", "sgd", 1.5, 100, "diverged", ["Diverged at step 4", "1"], ["4번째 스텝에서 발산"]),
    # 2.5 · 0.4^k ≤ 0.03 (the tolerance) first at k = 5; the quickest rate is 1/λ = 0.5.
    ("quadratic", "sgd", 0.3, 100, "converged", ["in 5 steps", "1/λ ≈ 0.5"], ["5스텝 만에"]),
    ("double_well", "sgd", 0.01, 300, "stuck_local", ["x = 0.96"], ["x = 0.96"]),
    ("saddle", "sgd", 0.02, 100, "saddle", ["saddle"], ["안장점"]),
    ("ravine", "sgd", 0.079, 100, "oscillating", ["reversed direction"], ["진동"]),
    ("quadratic", "sgd", 1e-4, 100, "slow", ["after 100 steps"], ["100스텝이 지나도"]),
]


@pytest.mark.parametrize(("surface", "optimizer", "lr", "steps", "status", "en", "ko"), CASES)
def test_verdicts_tell_what_happened(surface, optimizer, lr, steps, status, en, ko):
    run = engine.run(surface, optimizer, lr=lr, steps=steps)
    limit = stability_limit(optimizer, {}, run.curvature.lam_min)
    english, korean = verdict(run, get(surface), "en", limit), verdict(run, get(surface), "ko", limit)
    assert english.status == korean.status == status
    for needle in en:
        assert needle in english.headline + " " + english.detail
    for needle in ko:
        assert needle in korean.headline + " " + korean.detail


def test_diverged_verdict_reports_the_growth_per_step():
    # GD at lr = 1.5 on x²: x ← (1 − 3) x, so |x| doubles every step.
    run = engine.run("quadratic", lr=1.5, steps=20)
    text = verdict(run, get("quadratic"), "en", stability_limit("sgd", {}, 2.0)).detail
    assert "2× per step" in text and "below 1 (2/λmax)" in text


@pytest.mark.parametrize(("surface", "lr", "suggest"),
                         [("rosenbrock", 0.5, "0.0007"), ("quadratic", 1.5, "0.5")])
def test_a_diverged_run_is_offered_a_rate_below_the_limit_not_a_tenth_of_its_own(surface, lr, suggest):
    # Rosenbrock's 2/λmax = 0.002 at (1, 1): a tenth of 0.5 would still be 25 times too large; its
    # start is steeper still (2/1506 = 0.00133), so half of that: 0.0007, which does not diverge.
    run = engine.run(surface, lr=lr, steps=100)
    limit = stability_limit("sgd", {}, run.curvature.lam_min)
    assert float(suggest) < limit.value and run.status == "diverged"
    assert engine.run(surface, lr=float(suggest), steps=100).status != "diverged"
    for lang in ("en", "ko"):
        assert t("verdict.diverged_fix_gd", lang, critical=number(limit.value), formula="2/λmax",
                 suggest=suggest) in verdict(run, get(surface), lang, limit).detail


def test_a_run_that_left_the_plot_early_says_why_it_diverged_later():
    # x: 2.5, −5, 10, −20, 40: off the ±3 plot at step 1, past the ±30 escape box at step 4.
    run = engine.run("quadratic", lr=1.5, steps=20)
    for lang in ("en", "ko"):
        said = verdict(run, get("quadratic"), lang, stability_limit("sgd", {}, 2.0))
        box = t("verdict.escape_box", lang)  # ±30: the ±3 plot grown ten-fold
        assert t("verdict.diverged_left", lang, left=1, step=4, box=box) in said.detail
    # A run that leaves the plot in the step it diverges needs no second step number.
    quick = engine.run("quadratic", lr=30.0, steps=20)  # x ← −59 x: 2.5 → −147.5, past ±30 at once
    assert quick.diverged_at == 1
    assert "left the plot" not in verdict(quick, get("quadratic"), "en").detail
    # A far start grows the plot to hold it (−3…44): 40, −80 leaves it at step 1; 640 passes the
    # escape box (ten times the start's reach, 400) at step 4.
    far = engine.run("quadratic", lr=1.5, steps=20, start=[40.0])
    for lang in ("en", "ko"):
        box = t("verdict.escape_box_far", lang)  # 400 = ten times the start's 40, not ten times the plot
        said = verdict(far, get("quadratic"), lang)
        assert t("verdict.diverged_left", lang, left=1, step=4, box=box) in said.detail


def test_adaptive_optimizers_get_no_rate_limit_advice():
    run = engine.run("quadratic", "adam", lr=5.0, steps=50)
    detail = verdict(run, get("quadratic"), "en", None).detail
    assert "2/λmax" not in detail


def test_numbers_read_well():
    assert [number(v) for v in (0.0, 0.5, 2 / 3, 1234.5, 1e-6, float("inf"))] == [
        "0", "0.5", "0.667", "1234", "1.00e-06", "∞"]
    # From 1000 to 9999 four digits (Rosenbrock's λmax, 1002, read "1e+03"); what rounds to 1e4 is 1e4.
    assert [number(v) for v in (1002.0, 999.4, 999.5, 9999.4, 9999.6, -1558.2)] == [
        "1002", "999", "999.5", "9999", "1.00e+04", "-1558"]
    # Plain down to the slider's lowest stop, which the slider writes 0.0001: η = 0.00025, not 2.50e-04.
    assert [number(v) for v in (1e-4, 2.5e-4, 0.000123456, 9.99e-5, -5e-4)] == [
        "0.0001", "0.00025", "0.000123", "9.99e-05", "-0.0005"]
    assert number(float(np.float32(1e-4))) == "0.0001"  # the stop as a float32 run holds it: 9.99999975e-05


@pytest.mark.parametrize("formula", ["log(x + 4)", "-x"])
def test_formulas_without_a_minimum_get_a_sentence_not_dashes(formula):
    from lrviz.surfaces import from_expression

    surface = from_expression(formula, 1)
    run = engine.run(surface, lr=0.01, steps=50)
    for lang in ("en", "ko"):
        result = verdict(run, surface, lang)
        assert "—" not in result.detail and "inf" not in result.detail
    assert "no minimum" in verdict(run, surface, "en").headline  # not "the rate is too small"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_one_step_and_zero_steps_read_as_sentences(lang):
    # SGD at η = 1/λ = 0.5 on x² lands on the minimum in exactly one step.
    one = verdict(engine.run("quadratic", lr=0.5, steps=20), get("quadratic"), lang)
    assert one.headline == t("verdict.converged_one", lang)
    zero = verdict(engine.run("quadratic", lr=0.1, steps=20, start=(0.0,)), get("quadratic"), lang)
    assert zero.headline == t("verdict.converged_start", lang)


@pytest.mark.parametrize(
    ("surface", "lr", "steps", "key"),
    [
        ("bumpy", 0.5, 100, "verdict.slow_above"),  # above 2/λmax: bouncing, not crawling
        ("rosenbrock", 0.001, 500, "verdict.slow_valley"),  # near 2/λmax: the valley is the limit
        ("quadratic", 0.001, 100, "verdict.slow"),  # far below 2/λmax: the rate is too small
    ],
)
def test_a_slow_run_is_only_told_to_raise_its_rate_when_that_would_help(surface, lr, steps, key):
    run = engine.run(surface, lr=lr, steps=steps)
    assert run.status == "slow"
    limit = stability_limit("sgd", {}, run.curvature.lam_min)
    for lang in ("en", "ko"):
        headline = verdict(run, get(surface), lang, limit).headline
        assert headline == t(key, lang, steps=steps, share=f"{100 * lr / limit.value:.0f}")


@pytest.mark.parametrize(("lr", "key"), [(1.2, "verdict.slow_bumpy"), (3.0, "verdict.slow_bumpy"),
                                         (0.001, "verdict.slow")])
def test_an_adaptive_run_that_keeps_going_uphill_is_not_told_to_raise_its_rate(lr, key):
    """Adam has no critical rate. On Rosenbrock at η = 1.2 or 3 it jumps about the valley (the
    loss rises in over a third of 100 steps): "the rate is too small" would send a student the
    wrong way. At η = 0.001 it crawls downhill, and a larger rate is the advice."""
    run = engine.run("rosenbrock", "adam", lr, steps=100)
    assert run.status == "slow"
    uphill = np.mean(np.diff(run.losses) > 0)
    assert (uphill >= 1 / 3) == (key == "verdict.slow_bumpy")
    for lang in ("en", "ko"):
        said = verdict(run, get("rosenbrock"), lang, None)
        assert said.headline == t(key, lang, steps=100, share=f"{100 * uphill:.0f}")


def test_the_quickest_gd_rate_is_two_over_the_sum_of_the_extreme_curvatures():
    """On the ravine (curvatures 1 and 25) the quickest constant rate is 2/26, not 1/λmax = 1/25,
    and gradient descent there needs fewer steps than at 1/λmax or just under 2/λmax."""
    from lrviz.engine.diagnostics import fastest_gd_rate

    ravine = get("ravine")
    assert fastest_gd_rate(ravine, (0.0, 0.0)) == pytest.approx(2 / 26, rel=1e-4)
    assert fastest_gd_rate(get("quadratic"), (0.0,)) == pytest.approx(1 / 2, rel=1e-4)  # f = x², λ = 2

    def steps(lr: float) -> int:
        return engine.run(ravine, "sgd", lr=lr, steps=500).converged_at

    assert steps(2 / 26) < min(steps(1 / 25), steps(0.99 * 2 / 25))
    run = engine.run(ravine, "sgd", lr=2 / 26, steps=500)
    assert run.curvature.fastest_lr == pytest.approx(2 / 26, rel=1e-4)  # with the critical rate, one Hessian
    text = verdict(run, ravine, "en", stability_limit("sgd", {}, run.curvature.lam_min)).detail
    assert "2/(λmin + λmax) ≈ 0.0769" in text and "1/λmax ≈ 0.04" in text


def test_a_converged_run_that_lingered_at_a_saddle_says_so():
    saddle = get("saddle")  # starts at (1.5, 0.01), almost on the saddle's ridge
    run = engine.run(saddle, "sgd", lr=0.1, steps=100)
    assert run.status == "converged"
    limit = stability_limit("sgd", {}, run.curvature.lam_min)
    assert "lingered" in verdict(run, saddle, "en", limit).detail
    assert "안장점 근처에서" in verdict(run, saddle, "ko", limit).detail
    straight = engine.run(get("bowl"), "sgd", lr=0.1, steps=100)
    assert "lingered" not in verdict(straight, get("bowl"), "en", None).detail


def test_a_converged_run_gets_the_rates_of_the_minimum_it_reached():
    # From Himmelblau's start, SGD at 0.01 runs to (-3.78, -3.28), not to the nearest minimum.
    surface = get("himmelblau")
    run = engine.run(surface, "sgd", lr=0.01, steps=200)
    minima = np.asarray(surface.minima)
    reached = minima[np.argmin(np.linalg.norm(minima - run.points[-1], axis=1))]
    assert run.status == "converged" and not np.allclose(reached, run.curvature.nearest_minimum)
    x, y = reached  # Himmelblau's Hessian by hand: f = (x² + y − 11)² + (x + y² − 7)²
    hessian = [[12 * x**2 + 4 * y - 42, 4 * (x + y)], [4 * (x + y), 12 * y**2 + 4 * x - 26]]
    lam = np.linalg.eigvalsh(hessian)  # 70.7 and 133.8 at (-3.78, -3.28)
    text = verdict(run, surface, "en", stability_limit("sgd", {}, run.curvature.lam_min)).detail
    assert f"2/λmax ≈ {number(2 / lam.max())} the run diverges" in text
    assert f"2/(λmin + λmax) ≈ {number(2 / lam.sum())}" in text


def test_a_run_slowed_by_its_schedule_blames_the_schedule_not_the_rate():
    run = engine.run("quadratic", "adam", lr=1.2, steps=100, schedule="step")
    headline = verdict(run, get("quadratic"), "en").headline
    assert headline == t("verdict.slow_schedule", "en", steps=100, lr="1.2", now=number(float(run.lrs[-1])))
    constant = engine.run("quadratic", "adam", lr=1.2, steps=100)
    assert constant.status == "converged"


def test_a_formula_without_a_minimum_does_not_overshoot_when_it_runs_off():
    surface = from_expression("-x", dim=1)
    run = engine.run(surface, "sgd", lr=1.2, steps=100)
    assert run.status == "diverged"
    for lang in ("en", "ko"):
        assert verdict(run, surface, lang).detail == t("verdict.diverged_no_minimum", lang)


def test_an_oscillation_that_grows_is_said_to_diverge_in_time():
    # On the ravine (λmax = 25) each step multiplies y by 1 - 25η: |1 - 25 · 0.0801| = 1.0025 > 1.
    surface = get("ravine")
    limit = stability_limit("sgd", {}, 25.0)
    above = engine.run(surface, "sgd", lr=0.0801, steps=600)
    below = engine.run(surface, "sgd", lr=0.0799, steps=600)
    assert above.status == below.status == "oscillating"
    assert above.losses[-1] > above.losses[-21]
    assert verdict(above, surface, "en", limit).headline == t("verdict.oscillating_growing", "en")
    assert verdict(below, surface, "en", limit).headline == t("verdict.oscillating", "en")


def test_a_run_at_exactly_the_critical_rate_is_said_to_be_at_it():
    surface = get("quadratic")  # f = x², λ = 2, 2/λ = 1: at η = 1 each step sends x to -x
    run = engine.run(surface, "sgd", lr=1.0, steps=100)
    limit = stability_limit("sgd", {}, 2.0)
    assert run.status == "oscillating"
    for lang in ("en", "ko"):
        assert verdict(run, surface, lang, limit).detail == t(
            "verdict.oscillating_at_detail", lang, share="100", window=20, lr="1", formula="2/λmax")


@pytest.mark.parametrize(("lr", "key"), [(0.001, "crawl"), (0.019, "crawl"), (0.021, "below"), (0.3, "below"),
                                         (0.7, "zigzag"), (1.0, "at"), (1.2, "above")])
def test_the_rate_line_says_crawl_settle_zigzag_or_diverge_before_the_run(lr, key):
    # f = x²: λ = 2, so steps overshoot above 1/λ = 0.5 and diverge above 2/λ = 1; below 2 % of
    # the critical rate (0.02) a step covers under 4 % of the way (ηλ): stable, but a crawl.
    quadratic = Curvature(lam_start=2.0, lam_min=2.0, critical_lr=1.0, nearest_minimum=(0.0,))
    limit = stability_limit("sgd", {}, 2.0)
    for lang in ("en", "ko"):
        line = rate_line(lr, limit, quadratic, lang, name_minimum=False)
        key_1d = "zigzag_1d" if key == "zigzag" else key  # one direction: no "steepest" one to name
        assert line == t(f"pg.critical_{key_1d}", lang, lr=f"{lr:g}", formula="2/λmax", critical="1",
                         half="0.5", half_formula="1/λmax", where="")
    # With weight decay 0.5 plain GD meets λ + w = 2.5: it zig-zags above 0.4 and diverges above 0.8.
    decayed = stability_limit("sgd", {"weight_decay": 0.5}, 2.0)
    assert rate_line(0.6, decayed, quadratic, "en", name_minimum=False) == t(
        "pg.critical_zigzag_1d", "en", lr="0.6", formula="2/(λmax+w)", critical="0.8", half="0.4",
        half_formula="1/(λmax+w)", where="")
    # Momentum has no 1/λ band: its limit is 2(1+μ)/λ, and below it the text just says it settles.
    heavy = stability_limit("momentum", {"momentum": 0.5}, 2.0)  # 2 · 1.5 / 2 = 1.5
    assert "**below**" in rate_line(1.2, heavy, quadratic, "en", name_minimum=False)
    assert "zig-zags" not in rate_line(1.2, heavy, quadratic, "en", name_minimum=False)


def test_a_start_steeper_than_its_minimum_gets_its_own_critical_rate():
    # Double well f = (x² − 1)² + 0.3x from x = 1.8: f'' = 12x² − 4 = 34.88 there, so steps from
    # the start overshoot above 2/34.88 = 0.0573, well under the minimum's 0.283.
    surface = get("double_well")
    run = engine.run(surface, "sgd", lr=0.25, steps=100)
    limit = stability_limit("sgd", {}, run.curvature.lam_min)
    local = start_limit(limit, run.curvature)
    assert local == pytest.approx(2 / (12 * 1.8**2 - 4), rel=1e-4)
    assert number(local) == "0.0573" and number(limit.value) == "0.283"
    line = rate_line(0.25, limit, run.curvature, "en", name_minimum=True)
    assert "**below**" in line and "unless η < 0.0573" in line and "λmax = 34.9" in line
    assert "0.0573" not in rate_line(0.05, limit, run.curvature, "en", name_minimum=True)
    assert run.status == "diverged"  # below the minimum's rate, and still thrown off
    for lang in ("en", "ko"):
        said = verdict(run, surface, lang, limit).detail
        assert t("verdict.diverged_fix_steep", lang, lr="0.25", formula="2/λmax", critical="0.283",
                 lam="34.9", local="0.0573") in said
    # On the quadratic the start is no steeper than the minimum: no second rate.
    flat = engine.run("quadratic", "sgd", lr=0.5, steps=5)
    assert start_limit(stability_limit("sgd", {}, 2.0), flat.curvature) is None


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_run_below_both_critical_rates_that_diverges_is_told_where_it_got_too_steep(lang):
    """Rosenbrock, momentum 0.95, weight decay 1: the limit is 0.00871 at the decayed minimum and
    0.00259 at the start, yet η = 0.0025 swings onto the wall near (1.23, 1.08) at step 24, where
    λmax = 1.56e3 asks for η < 0.002496 (the digits to read below 0.0025), and diverges."""
    surface, params = get("rosenbrock"), dict(momentum=0.95, weight_decay=1.0)
    run = engine.run(surface, "momentum", lr=0.0025, steps=500, optimizer_params=params)
    limit = diagnostics.limit_near("momentum", {**params, "dampening": 0.0}, surface, run.curvature)
    assert run.status == "diverged" and 0.0025 < start_limit(limit, run.curvature) < limit.value
    said = verdict(run, surface, lang, limit).detail
    assert t("verdict.diverged_fix_path", lang, lr="0.0025", formula="2(1+μ)/(λmax+w)", critical="0.00871",
             step=24, point="(x, y) = (1.23, 1.08)", lam="1562", local="0.002496") in said


def test_a_start_a_little_steeper_than_the_minimum_is_named_as_the_start_not_as_the_way():
    # f = x²/2 + x⁴/4 from x = 0.2: f'' = 1 + 3x² is 1.12 there, under the 1.5× that gives the start
    # its own line, yet η = 1.95 is past 2/1.12 = 1.79 from the first step, below 2/λmax = 2.
    surface = from_expression("x^2/2 + x^4/4", 1)
    run = engine.run(surface, lr=1.95, steps=100, start=[0.2])
    limit = stability_limit("sgd", {}, run.curvature.lam_min)
    assert run.status == "diverged" and start_limit(limit, run.curvature) is None
    said = verdict(run, surface, "en", limit).detail
    assert t("verdict.diverged_fix_steep", "en", lr="1.95", formula="2/λmax", critical="2", lam="1.12",
             local="1.79") in said
    assert "on its way" not in said and "at step 0" not in said


def test_a_diverged_run_is_offered_a_rate_below_the_starts_limit_too():
    # The same curve from x = 2: f'' = 13 there, 2/13 = 0.154, so "such as η = 1" would diverge too.
    surface = from_expression("x^2/2 + x^4/4", 1)
    run = engine.run(surface, lr=3.0, steps=100, start=[2.0])
    limit = stability_limit("sgd", {}, run.curvature.lam_min)
    said = verdict(run, surface, "en", limit).detail
    assert t("verdict.diverged_fix_gd", "en", critical="2", formula="2/λmax", suggest="0.08") in said
    assert engine.run(surface, lr=0.08, steps=100, start=[2.0]).status != "diverged"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_on_a_valley_of_minima_the_verdict_says_how_flat_it_ended(lang):
    """The catapult valley from (2.8, 0.4), λ₀ = 8.04: at η = 0.35 the run lands where the
    sharpness is 2.67, 3.01× flatter, after the loss climbed 221-fold; at η = 0.2 it stays as sharp."""
    surface = get("catapult")
    thrown = engine.run(surface, lr=0.35, steps=100)
    limit = stability_limit("sgd", {}, thrown.curvature.lam_min)
    said = verdict(thrown, surface, lang, limit)
    assert said.status == "converged" and said.headline == t("verdict.converged_valley", lang, steps=9)
    assert t("verdict.valley_flatter", lang, end="2.67", start="8.04", ratio="3.01") in said.detail
    assert t("verdict.valley_climb", lang, climb="221") in said.detail
    assert t("verdict.valley_edge", lang, edge="5.71") in said.detail
    stays = verdict(engine.run(surface, lr=0.2, steps=100), surface, lang, limit)
    assert t("verdict.valley_same", lang, end="7.93", start="8.04") in stays.detail
    assert stays.headline == t("verdict.converged_valley_one", lang)
    adam = verdict(engine.run(surface, "adam", lr=0.1, steps=100), surface, lang, None)
    assert "2/η" not in adam.detail  # no plain-GD edge for an adaptive optimizer


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_above_the_limit_on_a_valley_the_line_says_thrown_not_diverges(lang):
    surface = get("catapult")
    run = engine.run(surface, lr=0.35, steps=100)
    limit = stability_limit("sgd", {}, run.curvature.lam_min)
    line = rate_line(0.35, limit, run.curvature, lang, name_minimum=True, surface=surface)
    where = t("pg.critical_where", lang, point="(x, y) = (2.79, 0.359)")
    assert line == t("pg.critical_above_valley", lang, lr="0.35", formula="2/λmax", critical="0.253",
                     where=where)
    assert line != rate_line(0.35, limit, run.curvature, lang, name_minimum=True)


# The lighter ball offered on x² (λ = 2, one direction, ηλ = 2η): the hundredth at or just above
# (1 − √(2η))², where the roots of z² − (1 + μ − 2η)z + μ meet, so it still swings, at √μ a step.
# η = 0.01: (1 − √0.02)² = 0.737 → 0.74, √0.74 = 0.860; η = 0.1: 0.306 → 0.31, 0.557;
# η = 1: (1 − √2)² = 0.172 → 0.18, 0.424.
LIGHTER_ON_X2 = {0.01: ("0.74", "0.86"), 0.1: ("0.31", "0.557"), 1.0: ("0.18", "0.424")}


@pytest.mark.parametrize("lr", [0.01, 0.1, 1.0])
def test_heavy_momentum_is_blamed_not_the_rate(lr):
    # μ = 0.99 on x² (λ = 2): for 2.5e-5 < 2η < 3.98 both roots have size √0.99 ≈ 0.995, so the
    # swings shrink 100-fold in ln 100 / −ln 0.995 ≈ 916 steps at any of these rates.
    params = {"momentum": 0.99}
    run = engine.run("quadratic", "momentum", lr=lr, steps=100, optimizer_params=params)
    limit = stability_limit("momentum", params, 2.0)
    lighter, usual = LIGHTER_ON_X2[lr]
    for lang in ("en", "ko"):
        said = verdict(run, get("quadratic"), lang, limit)
        assert said.headline == t("verdict.momentum", lang, mu="0.99")
        assert said.detail == t("verdict.momentum_detail", lang, mu="0.99", keep="99", shrink="0.995",
                                steps="916", lighter=lighter, usual=usual)
    # At μ = 0.9 and at 0.9999 the same lighter ball; at 0.9999 no figure rounds to 1.
    cases = ((0.9, dict(mu="0.9", keep="90", shrink="0.949", steps="87")),
             (0.9999, dict(mu="0.9999", keep="99.99", shrink="0.99995", steps="92099")))
    for mu, numbers in cases:
        params = {"momentum": mu}
        run = engine.run("quadratic", "momentum", lr=lr, steps=20, optimizer_params=params)  # 0.949^20 ≈ 0.35
        said = verdict(run, get("quadratic"), "en", stability_limit("momentum", params, 2.0))
        assert said.detail == t("verdict.momentum_detail", "en", lighter=lighter, usual=usual, **numbers)


def test_the_lighter_momentum_offered_swings_in_faster_not_creeps():
    # The bowl at η = 0.001, μ = 0.95: μ = 0.5 would creep in at 0.996 a step (its roots, 0.99598 and
    # 0.50202, are real), slower than the 0.975 it has; the card offers 0.92, which swings in at 0.959.
    params = {"momentum": 0.95}
    run = engine.run("bowl", "momentum", lr=0.001, steps=100, optimizer_params=params)
    limit = stability_limit("momentum", params, run.curvature.lam_min)
    said = verdict(run, get("bowl"), "en", limit)
    assert said.detail.endswith("a smaller momentum helps (at μ = 0.92 they shrink by 0.959 a step).")
    offered = engine.run("bowl", "momentum", lr=0.001, steps=100, optimizer_params={"momentum": 0.92})
    assert np.linalg.norm(offered.points[-1]) < np.linalg.norm(run.points[-1])
    # The ravine at η = 0.003, μ = 0.9: its flattest direction only just swings, and every lighter
    # ball creeps there (μ = 0.89 ends 3× farther): none is offered (a review).
    params = {"momentum": 0.9}
    ravine = engine.run("ravine", "momentum", lr=0.003, steps=100, optimizer_params=params)
    limit = stability_limit("momentum", params, ravine.curvature.lam_min)
    for lang in ("en", "ko"):
        said = verdict(ravine, get("ravine"), lang, limit)
        assert said.detail == t("verdict.momentum_detail_best", lang, mu="0.9", keep="90", shrink="0.949",
                                steps="87")
    lighter = engine.run("ravine", "momentum", lr=0.003, steps=100, optimizer_params={"momentum": 0.89})
    assert np.linalg.norm(lighter.points[-1]) > np.linalg.norm(ravine.points[-1])


@pytest.mark.parametrize(("surface", "lr", "mu"), [
    ("quadratic", 1e-6, 0.99),  # 2η below (1 − √μ)²: the ball creeps, and η sets its pace
    ("ravine", 0.001, 0.9),  # steep across the valley, but along its floor the ball creeps
    ("ravine", 0.03, 0.5),  # a light ball: settles
])
def test_momentum_is_not_blamed_where_the_rate_sets_the_pace(surface, lr, mu):
    params = {"momentum": mu}
    run = engine.run(surface, "momentum", lr=lr, steps=100, optimizer_params=params)
    limit = stability_limit("momentum", params, run.curvature.lam_min)
    assert "momentum" not in verdict(run, get(surface), "en", limit).headline


def test_with_clipping_a_rate_above_the_limit_bounces_and_is_not_told_it_diverges():
    # x² at η = 1.5 with ‖g‖ ≤ 1: x bounces between 0.5 and -1 (loss 0.25 ↔ 1) and never grows.
    run = engine.run("quadratic", lr=1.5, steps=100, clip_norm=1.0)
    limit = stability_limit("sgd", {}, 2.0)
    assert run.diverged_at is None and np.nanmax(run.losses[-20:]) <= 1.0 + 1e-6
    for lang in ("en", "ko"):
        said = verdict(run, get("quadratic"), lang, limit)
        assert said.headline != t("verdict.oscillating_growing", lang)
        line = rate_line(1.5, limit, run.curvature, lang, name_minimum=False, clipped=True)
        assert line == t("pg.critical_above_clipped", lang, lr="1.5", formula="2/λmax", critical="1",
                         where="")


@pytest.mark.parametrize(("surface", "lr", "phrase"), [
    ("quadratic", 0.3, "1/λ itself is the quickest rate"),  # one curvature
    ("catapult", 0.2, "no rate is quickest there"),  # a valley of minima: λmin = 0
    ("ravine", 0.05, "the quickest rate is 2/(λmin + λmax)"),  # two curvatures
])
def test_the_gd_sentence_fits_the_minimums_curvatures(surface, lr, phrase):
    run = engine.run(surface, lr=lr, steps=2000)
    assert run.status == "converged"
    detail = verdict(run, get(surface), "en", stability_limit("sgd", {}, run.curvature.lam_min)).detail
    phrases = ["1/λ itself is the quickest rate", "no rate is quickest there",
               "the quickest rate is 2/(λmin + λmax)"]
    assert [p for p in phrases if p in detail] == [phrase]


def test_the_rate_line_warns_that_heavy_momentum_settles_slowly():
    quadratic = Curvature(lam_start=2.0, lam_min=2.0, critical_lr=1.0, nearest_minimum=(0.0,))
    heavy, light = (stability_limit("momentum", {"momentum": mu}, 2.0) for mu in (0.99, 0.5))
    for lang in ("en", "ko"):
        note = t("pg.critical_heavy", lang, mu="0.99", shrink="0.995")
        assert rate_line(0.1, heavy, quadratic, lang, name_minimum=False).endswith(note)
        assert "√μ" not in rate_line(0.1, light, quadratic, lang, name_minimum=False)  # μ = 0.5 settles fast
        # η = 0.001 with μ = 0.9: 2η = 0.002 < (1 − √0.9)² = 0.00263, the roots (0.9735, 0.9245) are
        # real and the ball creeps in without a swing: no sentence about swings.
        creeping = stability_limit("momentum", {"momentum": 0.9}, 2.0)
        assert "√μ" not in rate_line(0.001, creeping, quadratic, lang, name_minimum=False)
        assert "√μ" in rate_line(0.002, creeping, quadratic, lang, name_minimum=False)  # 0.004: it swings


def test_the_rate_line_names_the_minimum_weight_decay_moved():
    # The double well with w = 1: the limit 2/(λmax + w) ≈ 0.409 is read where f + ½‖θ‖² is least,
    # x = 0.811 (f'' = 3.89 there; at f's own minimum, x = 0.96, it would be 2/(7.06 + 1) = 0.248).
    surface = get("double_well")
    run = engine.run(surface, lr=0.05, steps=10, optimizer_params={"weight_decay": 1.0})
    limit = diagnostics.limit_near("sgd", {"weight_decay": 1.0}, surface, run.curvature)
    assert number(limit.value) == "0.409"
    for lang in ("en", "ko"):
        line = rate_line(0.05, limit, run.curvature, lang, name_minimum=True, surface=surface)
        assert t("pg.critical_where_decayed", lang, w="1", point="x = 0.811") in line


def test_a_rate_a_hair_off_the_limit_is_not_at_it():
    # x² (limit 1): 0.999 zig-zags in and 1.001 grows ((1.002)^200 ≈ 1.49 in 100 steps); only 1 is at it.
    limit = stability_limit("sgd", {}, 2.0)
    quadratic = get("quadratic")
    at = t("verdict.oscillating_at_detail", "en", share="100", window=20, lr="1", formula="2/λmax")
    assert verdict(engine.run(quadratic, lr=1.0, steps=100), quadratic, "en", limit).detail == at
    for lr in (0.999, 1.001):
        said = verdict(engine.run(quadratic, lr=lr, steps=100), quadratic, "en", limit)
        assert "exactly" not in said.detail and f"{lr:g}" in said.detail


def test_a_run_with_weight_decay_that_settled_where_it_moves_the_minimum_is_told_so():
    # Rosenbrock with w = 0.5 settles at (0.677, 0.457), the minimum of f + 0.25‖θ‖², not (1, 1).
    surface, params = get("rosenbrock"), {"weight_decay": 0.5}
    run = engine.run(surface, lr=0.003, steps=2000, optimizer_params=params)
    limit = stability_limit("sgd", params, run.curvature.lam_min, surface=surface,
                            minimum=run.curvature.nearest_minimum)
    for lang in ("en", "ko"):
        said = verdict(run, surface, lang, limit)
        assert said.status == "converged"
        assert said.headline == t("verdict.decayed", lang, point="(x, y) = (0.676, 0.456)")
        assert "(x, y) = (1, 1)" in said.detail
    plain = engine.run(surface, lr=0.001, steps=100)  # no weight decay: crawling, not settled
    assert verdict(plain, surface, "en", stability_limit("sgd", {}, plain.curvature.lam_min)).status == "slow"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_coasting_run_is_told_why_no_rate_steers_it(lang):
    # τ = 1, μ = 0.9 on x² from 2.5: the run coasts 10 first steps (−5) to −2.5 and stops there; the
    # loss rises on the way, which the plain verdict read as "bumpy: try a smaller rate".
    params = {"momentum": 0.9, "dampening": 1.0}
    limit = stability_limit("momentum", params, 2.0)
    run = engine.run("quadratic", "momentum", lr=0.1, steps=100, optimizer_params=params)
    said = verdict(run, get("quadratic"), lang, limit)
    assert said.headline == t("verdict.coasting", lang, point="x = -2.5")
    assert said.detail == t("verdict.coasting_detail", lang, mu="0.9", times="10")
    far = engine.run("quadratic", "momentum", lr=10.0, steps=100, optimizer_params=params)
    assert far.status == "diverged"  # 500 away, past the escape box: still no overshoot to blame
    away = t("verdict.coasting_away", lang, step=far.diverged_at, box=t("verdict.escape_box", lang),
             travel="500")  # 10·5/(1 − 0.9)
    assert verdict(far, get("quadratic"), lang, limit).detail == away + " " + said.detail
    line = rate_line(0.1, limit, run.curvature, lang, name_minimum=False)
    assert line == t("pg.critical_coasting", lang, mu="0.9", times="10") and has_rate_line(limit)


def test_heavy_momentum_with_weight_decay_is_read_where_the_run_settles():
    # Rosenbrock, w = 1, μ = 0.95, η = 0.001: the run swings about the decayed minimum (0.554, 0.305),
    # where the Hessian's eigenvalues are 1.17 and 447, and its distance shrinks √μ ≈ 0.975 a step
    # (0.974 measured over steps 100-300). Read at f's own minimum (0.40 and 1002), the flattest
    # direction looked too flat to swing, and the card said nothing of the momentum.
    surface, params = get("rosenbrock"), {"momentum": 0.95, "weight_decay": 1.0}
    run = engine.run(surface, "momentum", lr=0.001, steps=100, optimizer_params=params)
    limit = diagnostics.limit_near("momentum", params, surface, run.curvature)
    said = verdict(run, surface, "en", limit)
    assert said.headline == t("verdict.momentum", "en", mu="0.95")
    assert said.detail.endswith(t("verdict.momentum_decayed", "en", w="1", point="(x, y) = (0.554, 0.305)"))
    longer = engine.run(surface, "momentum", lr=0.001, steps=300, optimizer_params=params)
    settles = diagnostics.decayed_minimum(surface, tuple(run.curvature.nearest_minimum), 1.0)
    distance = np.linalg.norm(longer.points - settles, axis=-1)
    assert (distance[300] / distance[100]) ** (1 / 200) == pytest.approx(np.sqrt(0.95), abs=0.002)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_clipped_run_above_the_limit_is_not_called_close_to_it(lang):
    # x² at η = 1.5, clipped to 1: 2.5, 1, −0.5, 1, −0.5, … for ever. The card said 1.5 was "close
    # to the critical rate"; it is above it, and the clipping keeps the swings from growing.
    run = engine.run("quadratic", lr=1.5, steps=100, clip_norm=1.0)
    said = verdict(run, get("quadratic"), lang, stability_limit("sgd", {}, 2.0))
    assert said.status == "oscillating"
    assert said.detail == t("verdict.oscillating_above_detail", lang, share="100", window=20, lr="1.5",
                            critical="1", formula="2/λmax")
    # Told that clipping is on, the card names it rather than guessing.
    clipped = verdict(run, get("quadratic"), lang, stability_limit("sgd", {}, 2.0), clipped=True)
    assert clipped.detail == t("verdict.oscillating_clipped_detail", lang, share="100", window=20, lr="1.5",
                               critical="1", formula="2/λmax")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_noisy_run_at_its_minimum_is_told_the_noise_keeps_it_jittering(lang):
    # Walkthrough: x² with noise 0.5 at η = 0.3 reached the minimum and hovered 0.07 from it, and
    # the card spoke of a flat direction crossed slowly, on a 1-D curve.
    limit = stability_limit("sgd", {}, 2.0)
    run = engine.run("quadratic", lr=0.3, steps=100, noise=0.5)
    said = verdict(run, get("quadratic"), lang, limit, noise=0.5)
    assert said.headline == t("verdict.jitter", lang)
    assert t("verdict.jitter_detail", lang, noise="0.5", lr="0.3", step="0.15", window=25, distance="X") \
        .split("X")[0] in said.detail
    crawling = engine.run("quadratic", lr=0.001, steps=100, noise=0.5)  # still far: the rate is the cause
    assert verdict(crawling, get("quadratic"), lang, limit, noise=0.5).headline != t("verdict.jitter", lang)
    assert verdict(run, get("quadratic"), lang, limit).headline != t("verdict.jitter", lang)  # no noise given
    # η = 1/λ: each step lands at η·noise from the minimum whatever the last point was, here 0.5 on
    # average; a last point two noises out (0.99) must not make it "a flat direction crossed slowly".
    hopping = engine.run("quadratic", lr=0.5, steps=200, noise=1.0)
    assert verdict(hopping, get("quadratic"), lang, limit, noise=1.0).headline == t("verdict.jitter", lang)
    # A review: η = 0.3, noise 0.2, 130 steps, seed 0 "converged in 127 steps", its last four points
    # inside the minimum's band by chance (seed 1, or 120 steps: jittering).
    lucky = engine.run("quadratic", lr=0.3, steps=130, noise=0.2, seed=0)
    assert lucky.status == "converged" and lucky.converged_at == 127
    assert verdict(lucky, get("quadratic"), lang, limit, noise=0.2).headline == t("verdict.jitter", lang)
    # A little noise, settled long before the end: converged.
    quiet = engine.run("quadratic", lr=0.3, steps=200, noise=0.01)
    assert verdict(quiet, get("quadratic"), lang, limit, noise=0.01).headline == \
        t("verdict.converged", lang, steps=quiet.converged_at)
    # A review: Adam on Rosenbrock with noise 2 ended 1.2 from the minimum, in steps of 0.017 (Adam
    # rescales the noise away), and was told it jittered there "in steps about 0.6 long".
    far = engine.run("rosenbrock", "adam", lr=0.3, steps=200, noise=2.0)
    assert verdict(far, get("rosenbrock"), lang, None, noise=2.0).headline != t("verdict.jitter", lang)


def test_a_run_stuck_with_momentum_on_is_not_told_to_try_momentum():
    surface = get("six_hump_camel")
    run = engine.run(surface, "momentum", lr=0.03, steps=300)
    assert run.status == "stuck_local"
    said = verdict(run, surface, "en", diagnostics.limit_near("momentum", {}, surface, run.curvature))
    assert said.detail == t("verdict.stuck_local_detail_momentum", "en", loss=number(run.losses[-1]),
                            best=number(surface.f_min))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_run_stalled_by_a_saddle_is_told_where_the_saddle_is_and_where_it_stopped(lang):
    # f = x² + y⁴/4 − y²/2, a saddle at the origin: at η = 0.03 the run is still 0.19 from it after 100
    # steps. The headline names the saddle, (0, 0), not the run's last point.
    surface = get("saddle")
    run = engine.run(surface, lr=0.03, steps=100)
    said = verdict(run, surface, lang)
    assert run.status == "saddle"
    assert said.headline == t("verdict.saddle", lang, point="(x, y) = (0, 0)")
    assert t("verdict.saddle_detail", lang, point="(x, y) = (0.00308, 0.189)", grad="0.177", start="3") \
        == said.detail


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_run_above_the_limit_still_on_its_way_is_not_told_it_bounces(lang):
    # SGD on Rosenbrock at η = 0.003, above 2/λmax = 0.001997 at (1, 1): after 100 steps it is still
    # walking down the valley (1.41 to go), not bouncing; a larger rate gets further (0.004: 0.94).
    # At 5,000 steps it bounces across the valley at (0.79, 0.57), short of the minimum.
    surface = get("rosenbrock")
    run = engine.run(surface, lr=0.003, steps=100)
    limit = stability_limit("sgd", {}, run.curvature.lam_min)
    said = verdict(run, surface, lang, limit)
    assert said.headline == t("verdict.slow_travelling", lang, steps=100)
    assert engine.run(surface, lr=0.003, steps=5000).status == "oscillating"


@pytest.mark.parametrize(("surface", "optimizer"), [("rastrigin", "sgd"), ("rastrigin", "momentum")])
def test_a_run_hopping_between_wells_or_roaming_with_momentum_is_not_travelling(surface, optimizer):
    # 3× the limit for 1,000 steps: SGD hops between Rastrigin's equally sharp wells and momentum roams
    # far off; neither is on its way to a flatter stretch, so neither gets that card.
    surface = get(surface)
    params = optimizers.OPTIMIZERS[optimizer].resolve({}, 0.01)
    curvature = diagnostics.curvature(surface, surface.start)
    limit = diagnostics.limit_near(optimizer, params, surface, curvature)
    run = engine.run(surface, optimizer, lr=3 * limit.value, steps=1000)
    assert run.status == "slow"
    assert verdict(run, surface, "en", limit).headline != t("verdict.slow_travelling", "en", steps=1000)


def test_a_saddle_the_surface_does_not_list_is_named_where_the_run_stopped():
    # (x − 10)² + y⁴/4 − y²/2 from (0, 0): the run stalls on a saddle at (10, 0) that the formula's
    # surface does not list (outside its box); the card names the run's point and does not crash.
    surface = from_expression("(x-10)^2 + y^4/4 - y^2/2", 2)
    run = engine.run(surface, lr=0.1, steps=200, start=[0.0, 0.0])
    assert run.status == "saddle" and not surface.saddles
    assert verdict(run, surface, "en").headline == t("verdict.saddle", "en", point="(x, y) = (10, 0)")


def test_a_corner_of_the_loss_takes_its_bowls_critical_rate_and_says_the_run_keeps_bouncing():
    # A numbers review: from (0.3, 0.2) on Ackley, η = 0.005 was "above the critical rate 6.94e-04,
    # cannot settle" beside "converged in 8 steps"; the 6.94e-04 came from the difference step alone.
    ackley = get("ackley")
    run = engine.run(ackley, lr=0.005, steps=100, start=(0.3, 0.2))
    assert run.status == "converged"
    limit = diagnostics.limit_near("sgd", {}, ackley, run.curvature)
    assert number(limit.value) == "0.0377"  # 2/53, the bowl under the cone
    for lang in ("en", "ko"):
        line = rate_line(0.005, limit, run.curvature, lang, name_minimum=False, surface=ackley)
        assert "**" in line and line.endswith(t("pg.corner", lang))
        said = verdict(run, ackley, lang, limit)
        assert "6.94e-04" not in said.detail
        # It rolled past the saddle at (0.626, 0) at full slope (|∇L| ≥ 2.9 against 9 at most): no
        # "lingered 6 steps near the saddle, where the gradient almost vanishes".
        assert "0.626" not in said.detail
    smooth = engine.run(ackley, lr=0.005, steps=10)  # the default start: a smooth local minimum
    assert not smooth.curvature.corner


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_warm_up_that_lifts_the_rate_past_the_limit_is_named_as_the_cause(lang):
    # x² (λ = 2, limit 1) with warm-up + cosine to η = 1.5: the first rate is 0, the rate passes 1
    # during the warm-up. The card said "η = 1.2 is below 2/λmax ≈ 1 ... reached steeper ground".
    surface = get("quadratic")
    run = engine.run(surface, "sgd", lr=1.5, steps=100, schedule="warmup_cosine")
    limit = diagnostics.limit_near("sgd", {}, surface, run.curvature)
    k = int(np.flatnonzero(run.lrs > 1.0)[0])
    said = verdict(run, surface, lang, limit)
    assert said.status == "diverged"
    assert t("verdict.diverged_fix_schedule", lang, formula="2/λmax", critical="1", step=k,
             reached=number(run.lrs[k]), peak="1.5") in said.detail
    assert "steeper" not in said.detail and "가파른" not in said.detail


def test_a_step_at_rate_zero_does_not_hide_that_the_run_follows_the_gradient():
    # A warm-up's first step has η = 0: θ stays, and the read-back direction 0 is not "not ∇L".
    run = engine.run(get("quadratic"), "sgd", lr=0.5, steps=20, schedule="warmup_cosine")
    assert run.lrs[0] == 0.0
    assert step_directions(run)[1]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_run_close_at_once_that_swings_on_is_told_so(lang):
    # (xy − 1)²/2 from (2.8, 0.4), η = 0.2: within the tolerance after one step, yet its path crosses
    # the valley again and again, each swing |1 − ηλ| ≈ 0.6 of the last (λ ≈ 8).
    surface = get("catapult")
    run = engine.run(surface, "sgd", lr=0.2, steps=100)
    limit = diagnostics.limit_near("sgd", {}, surface, run.curvature)
    assert run.converged_at == 1
    said = verdict(run, surface, lang, limit)
    ratio = float(said.detail.split(t("verdict.converged_zigzag", lang, ratio="@").split("@")[0])[1][:5])
    assert ratio == pytest.approx(abs(1 - 0.2 * run.curvature.lam_start), abs=0.05)
    # x² at η = 1/λ = 0.5 lands on the minimum and stays: nothing swings.
    quadratic = get("quadratic")
    still = engine.run(quadratic, "sgd", lr=0.5, steps=100)
    plain = verdict(still, quadratic, lang, diagnostics.limit_near("sgd", {}, quadratic, still.curvature))
    assert t("verdict.converged_zigzag", lang, ratio="@").split("@")[0] not in plain.detail


def test_a_run_within_reach_of_a_minimum_but_above_its_critical_rate_is_oscillating_not_converged():
    """Himmelblau's start lies nearest the minimum at (3.58, −1.85) (2/λmax ≈ 0.019), but the run
    reaches the one at (−3.78, −3.28), where 2/λmax ≈ 0.0149. At η = 0.015 it is within the tolerance
    after 100 steps, yet each swing is wider than the last (300 steps: the engine says oscillating)."""
    surface = get("himmelblau")
    run = engine.run(surface, "sgd", lr=0.015, steps=100)
    limit = stability_limit("sgd", {}, run.curvature.lam_min)
    assert run.status == "converged" and limit.value > 0.015  # what the start's minimum alone would say
    english, korean = verdict(run, surface, "en", limit), verdict(run, surface, "ko", limit)
    assert english.status == korean.status == "oscillating"
    assert "(-3.78, -3.28)" in english.detail and "0.0149" in english.detail and "0.015 " in english.detail
    assert "0.0149" in korean.detail and "임계 학습률" in korean.detail
    assert engine.run(surface, "sgd", lr=0.015, steps=300).status == "oscillating"
    # Below that rate the same run settles, and says so.
    below = engine.run(surface, "sgd", lr=0.0122, steps=100)
    assert verdict(below, surface, "en", limit).status == "converged"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_bumpy_run_blames_noise_only_when_noise_is_on(lang):
    """Adam at η = 5 on Rosenbrock jumps about the valley with the noise off: "steps this long (or
    this noisy)" named a cause that was not there. With noise on, the noise is named."""
    quiet = verdict(engine.run("rosenbrock", "adam", lr=5.0, steps=200), get("rosenbrock"), lang, None)
    assert quiet.headline.startswith(t("verdict.slow_bumpy", lang, steps=200, share="X").split("X")[0])
    assert quiet.detail == t("verdict.slow_bumpy_detail", lang, distance="0.799")
    assert not any(word in quiet.detail for word in ("noisy", "noise", "잡음", "노이즈"))
    noisy_run = engine.run("rosenbrock", "adam", lr=5.0, steps=200, noise=1.0)
    noisy = verdict(noisy_run, get("rosenbrock"), lang, None, noise=1.0)
    assert noisy.detail == t("verdict.slow_bumpy_noisy_detail", lang, distance="0.863")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_one_dimensional_surface_is_told_in_one_dimensional_words(lang):
    """On x² there is one direction and no valley to cross: "along the steepest direction"
    (가장 가파른 방향으로) and "across the valley" (골짜기를 가로질러) were 2-D words there.
    The ravine keeps them."""
    quadratic, ravine = get("quadratic"), get("ravine")
    limit = stability_limit("sgd", {}, 2.0)
    line = rate_line(0.7, limit, engine.run(quadratic, lr=0.7, steps=10).curvature, lang, name_minimum=False,
                     surface=quadratic)
    assert line == t("pg.critical_zigzag_1d", lang, lr="0.7", formula="2/λmax", critical="1", half="0.5",
                     half_formula="1/λmax", where="")
    at = verdict(engine.run(quadratic, lr=1.0, steps=100), quadratic, lang, limit)
    assert at.headline == t("verdict.oscillating_1d", lang)
    for text in (line, at.headline):
        assert not any(word in text for word in ("direction", "valley", "방향으로", "골짜기"))
    wide = stability_limit("sgd", {}, 25.0)  # the ravine: 2/25 = 0.08, zig-zag above 0.04
    near = verdict(engine.run(ravine, lr=0.0799, steps=600), ravine, lang, wide)
    assert near.headline == t("verdict.oscillating", lang)
    curvature = engine.run(ravine, lr=0.06, steps=10).curvature
    assert rate_line(0.06, wide, curvature, lang, name_minimum=False, surface=ravine) == t(
        "pg.critical_zigzag", lang, lr="0.06", formula="2/λmax", critical="0.08", half="0.04",
        half_formula="1/λmax", where="")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_valley_run_thrown_too_hard_is_not_told_the_limit_is_a_wall(lang):
    """Lesson 1 shows η = 0.35 settling on the catapult valley above its 2/λmax ≈ 0.253, then η = 0.6
    diverging: "take a rate below 0.253, such as 0.1" read as if 0.35 had not just worked. The fix
    says both: a little above 0.253 can still land on flatter ground, below it the run settles."""
    surface = get("catapult")
    run = engine.run(surface, lr=0.6, steps=100)
    limit = stability_limit("sgd", {}, run.curvature.lam_min)
    assert run.status == "diverged" and limit.value < 0.35
    assert engine.run(surface, lr=0.35, steps=100).status == "converged"  # above the limit, and it settles
    assert engine.run(surface, lr=0.1, steps=100).status == "converged"  # the suggestion settles too
    said = verdict(run, surface, lang, limit).detail
    numbers = dict(critical="0.253", formula="2/λmax", suggest="0.1")
    assert said.endswith(t("verdict.diverged_fix_valley", lang, **numbers))
    assert t("verdict.diverged_fix_gd", lang, **numbers) not in said
