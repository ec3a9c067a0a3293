"""The Schedules page's texts and demos: one guide per schedule, and every demo shows what it claims."""

from __future__ import annotations

import re

import numpy as np
import pytest

from lrviz import engine, surfaces
from lrviz.app.schedules.guide import ENTRIES, GALLERY, GUIDE, entry_for
from lrviz.schedules import SCHEDULES


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_every_schedule_has_a_formula_and_when_to_use_it(name):
    guide = GUIDE[name]
    assert guide.when("en").strip() and guide.when("ko").strip() and guide.when("en") != guide.when("ko")
    assert any("\uac00" <= c <= "\ud7a3" for c in guide.when("ko"))  # Hangul
    assert guide.formula.count("{") == guide.formula.count("}") and guide.formula.strip()
    # Pieces joined without a space glue a command to the next letter: "\quad" + "r" is "\quadr",
    # which KaTeX shows as a red error (CyclicLR's formula did).
    assert not re.search(r"\\(quad|qquad|cdot|bmod)[A-Za-z]", guide.formula)
    assert guide.display("en").count(r"\\") == guide.formula.count(r"\\") + guide.formula.count(r",\quad")


# What a formula may show in \text{} in any language: a parameter's or a choice's name as PyTorch
# writes it (step_size, exp_range), and the formulas' own short symbols for them.
SYMBOLS = {"tri", "anneal", "base", "max", "up", "down", "start", "end", "bad", "min"}
IDENTIFIERS = {p.name for spec in SCHEDULES.values() for p in spec.params} | {
    str(c) for spec in SCHEDULES.values() for p in spec.params for c in (p.choices or ())}


def _texts(latex: str) -> list[str]:
    return [m.replace("\\_", "_").strip(" :") for m in re.findall(r"\\text\{([^{}]*)\}", latex)]


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_a_formula_s_words_are_in_the_student_s_language(name):
    """The words a formula says (otherwise, or, peak at, cycle) come from the locale files: the Korean
    formula holds no English word, only PyTorch's names and symbols; the English one no Hangul."""
    for latex in (lambda lang: GUIDE[name].display(lang), SCHEDULES[name].formula):
        ko, en = latex("ko"), latex("en")
        assert "\\word" not in ko and "\\word" not in en
        assert not any("\uac00" <= c <= "\ud7a3" for c in en)
        for text in _texts(ko):
            hangul = any("\uac00" <= c <= "\ud7a3" for c in text)
            assert hangul or set(re.split(r"[ ,]+", text)) <= IDENTIFIERS | SYMBOLS, (name, text)
    english = _texts(GUIDE[name].display("en")) + _texts(SCHEDULES[name].formula("en"))
    korean = _texts(GUIDE[name].display("ko")) + _texts(SCHEDULES[name].formula("ko"))
    assert len(english) == len(korean)


def test_the_korean_formulas_say_otherwise_or_and_the_peak_in_korean():
    assert r"\text{그 외}" in GUIDE["warmup_cosine"].display("ko")
    assert r"\text{그 외}" in GUIDE["cyclic"].display("ko")
    assert r"\text{otherwise}" in GUIDE["cyclic"].display("en")
    assert r"\text{또는}" in GUIDE["onecycle"].display("ko")
    assert r"\text{최고점:}" in SCHEDULES["onecycle"].formula("ko")


def test_guide_has_nothing_but_registry_schedules():
    assert set(GUIDE) == set(SCHEDULES)


def test_gallery_has_every_schedule_and_the_promised_variants():
    assert {e.schedule for e in GALLERY} == set(SCHEDULES)
    modes = {dict(e.params).get("mode") for e in GALLERY if e.schedule == "cyclic"}
    anneals = {dict(e.params).get("anneal_strategy") for e in GALLERY if e.schedule == "onecycle"}
    assert modes == {"triangular", "triangular2", "exp_range"} and anneals == {"cos", "linear"}
    assert len(GALLERY) == 16 and len(ENTRIES) == 16


@pytest.mark.parametrize("entry", GALLERY, ids=lambda e: e.key)
def test_entries_resolve_and_map_back(entry):
    resolved = SCHEDULES[entry.schedule].resolve(dict(entry.params), entry.demo.lr)
    assert entry_for(entry.schedule, resolved) == entry
    assert entry.title("en") and entry.title("ko") and entry.title("en") != entry.title("ko")
    assert entry.demo.surface in surfaces.SURFACES


def test_exp_range_card_differs_from_triangular():
    """With torch's default gamma = 1 exp_range would draw the triangular card again."""
    assert dict(ENTRIES["cyclic_exp_range"].params)["gamma"] < 1.0


@pytest.mark.parametrize("entry", GALLERY, ids=lambda e: e.key)
def test_each_demo_shows_its_claim(entry):
    """The with/without comparison a card opens with shows what the page's text says."""
    demo = entry.demo
    kwargs = dict(lr=demo.lr, steps=demo.steps)
    constant = engine.run(demo.surface, demo.optimizer, **kwargs)
    scheduled = engine.run(demo.surface, demo.optimizer, schedule=entry.schedule,
                           schedule_params=dict(entry.params), **kwargs)
    if demo.claim == "baseline":
        assert entry.schedule == "constant"
        np.testing.assert_array_equal(constant.points, scheduled.points)
    elif demo.claim == "settle":
        assert constant.status == "oscillating"
        assert scheduled.status != "diverged"
        assert scheduled.losses[-1] < constant.losses[-1] / 10
    elif demo.claim == "escape":
        assert constant.status == "stuck_local" and scheduled.status == "converged"
    else:  # rescue
        assert constant.status == "diverged" and scheduled.status == "converged"


def test_plateau_demo_cuts_the_rate():
    """ReduceLROnPlateau's demo really cuts (so the page has steps to mark)."""
    demo = ENTRIES["plateau"].demo
    run = engine.run(demo.surface, demo.optimizer, lr=demo.lr, steps=demo.steps, schedule="plateau")
    cuts = np.nonzero(np.diff(run.lrs) < 0)[0] + 1
    assert len(cuts) >= 1
    np.testing.assert_allclose(run.lrs[cuts[0]], demo.lr * 0.1, rtol=1e-6)
