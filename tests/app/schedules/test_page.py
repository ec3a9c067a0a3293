"""The Schedules page with AppTest: gallery, every card opened, overlay, code, links, bad parameters."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from lrviz.app.schedules.guide import ENTRIES, GALLERY
from tests.apptest import open_page

PAGE = "pages/schedules.py"
TIMEOUT = 120  # the first run compiles the gallery's and the demo's programs


def open_schedules(**query: str) -> AppTest:
    return open_page(PAGE, timeout=TIMEOUT, **query)


def clean(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def chart(at: AppTest, key: str) -> dict:
    """The figure of the chart with widget key ``key``."""
    for element in at.get("plotly_chart"):
        if element.proto.id.endswith(f"-{key}"):
            return json.loads(element.proto.spec)
    raise AssertionError(f"no chart {key}")


def query(at: AppTest, key: str) -> str | None:
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


def texts(at: AppTest) -> str:
    parts = [e.value for e in (*at.markdown, *at.caption, *at.title, *at.header, *at.subheader, *at.info)]
    return "\n".join(str(p) for p in parts)


def code(at: AppTest) -> list[str]:
    return [c.value for c in at.code if not c.value.startswith("/schedules?")]  # the page's link aside


@pytest.mark.parametrize(("lang", "title"), [("en", "Schedules"), ("ko", "스케줄러")])
def test_defaults_in_both_languages(lang, title):
    at = clean(open_schedules(lang=lang))
    assert title in at.title[0].value
    assert query(at, "open") == "cosine" and query(at, "lang") == lang
    gallery = chart(at, "sc_gallery")
    assert len(gallery["data"]) == len(GALLERY) == 16
    assert all(chart(at, key)["data"] for key in ("sc_curve", "sc_comparison", "sc_overlay_chart"))
    assert [len(c) > 100 for c in code(at)] == [True, True, True]
    assert "CosineAnnealingLR" in code(at)[0] and "keras.optimizers" in code(at)[1] and "optax" in code(at)[2]
    assert not at.error and not at.warning


@pytest.mark.parametrize("entry", GALLERY, ids=lambda e: e.key)
def test_each_card_opens_from_a_link(entry):
    at = clean(open_schedules(open=entry.key))
    assert query(at, "open") == entry.key
    assert entry.title("en") in [h.value for h in at.header]
    curve = chart(at, "sc_curve")
    assert curve["data"][0]["y"]["bdata"]  # a typed array of the demo's rates (steps > 32)
    comparison = chart(at, "sc_comparison")
    names = [tr.get("name", "") for tr in comparison["data"]]
    assert any(n.startswith("with ") for n in names) and any(n.startswith("constant η") for n in names)
    claim = {"baseline": "baseline itself", "settle": "zig-zagging", "escape": "local minimum",
             "rescue": "diverges"}[entry.demo.claim]
    assert any(claim in box.value for box in at.info)  # the preset's claim (checked by test_schedule_guide)
    assert len(code(at)) == 3 and all(c.strip() for c in code(at))


def test_onecycle_code_and_plateau_cuts():
    at = clean(open_schedules(open="onecycle_linear"))
    torch, keras, optax = code(at)
    assert "OneCycleLR(" in torch and "anneal_strategy='linear'" in torch
    assert "Keras has no such schedule" in keras and "peaks one step later" in optax
    at = clean(open_schedules(open="plateau", lang="ko"))
    assert "63번째 스텝에서 학습률을 줄였습니다" in texts(at)
    names = [tr.get("name") for tr in chart(at, "sc_comparison")["data"]]
    assert "학습률 감소" in names


def test_picking_a_card_loads_its_preset_and_the_link_follows():
    at = clean(open_schedules())
    at.pills[0].select("cosine_restarts").run()
    clean(at)
    assert query(at, "open") == "cosine_restarts"
    assert at.sidebar.select_slider[0].value == ENTRIES["cosine_restarts"].demo.lr
    assert query(at, "lr") is None and query(at, "steps") is None  # the card's own demo: nothing to carry
    t_mult = next(n for n in at.sidebar.number_input if n.label.startswith("T_mult"))
    assert t_mult.value == 2
    before = chart(at, "sc_gallery")["data"][8]["y"]
    t_mult.set_value(3).run()
    assert query(clean(at), "s.T_mult") == "3"
    assert chart(at, "sc_gallery")["data"][8]["y"] != before  # the open card's small chart follows
    at.pills[0].unselect("cosine_restarts").run()  # clicking the open card again changes nothing
    assert query(clean(at), "s.T_mult") == "3" and at.pills[0].value == "cosine_restarts"


def test_changing_cyclic_mode_moves_to_its_card():
    at = clean(open_schedules(open="cyclic_triangular"))
    mode = next(s for s in at.sidebar.selectbox if s.label == "Mode")
    mode.set_value("triangular2").run()
    clean(at)
    assert query(at, "open") == "cyclic_triangular2" and query(at, "s.mode") is None
    assert at.pills[0].value == "cyclic_triangular2"


def test_link_round_trip_restores_the_state():
    link = dict(open="step", lr="0.05", steps="150", surface="bowl", optimizer="adam",
                overlay="plateau,linear", lang="en",
                **{"s.step_size": "20", "s.gamma": "0.5", "o.eps": "1e-06"})
    at = clean(open_schedules(**link))
    assert not at.warning
    assert {k: query(at, k) for k in link} == link
    torch = code(at)[0]
    assert "StepLR(optimizer, step_size=20, gamma=0.5)" in torch and "Adam(" in torch and "eps=1e-06" in torch
    overlay = chart(at, "sc_overlay_chart")
    assert [tr["name"] for tr in overlay["data"]] == [ENTRIES[k].title("en") for k in ("plateau", "linear")]


def test_presentation_mode_from_the_link_enlarges_every_chart_and_keeps_the_preset_claim():
    plain, big = clean(open_schedules(lang="ko")), clean(open_schedules(lang="ko", big="1"))
    assert query(big, "big") == "1" and query(plain, "big") is None
    for key in ("sc_gallery", "sc_curve", "sc_comparison", "sc_overlay_chart"):
        size = [chart(at, key)["layout"]["template"]["layout"]["font"]["size"] for at in (plain, big)]
        assert size[1] > size[0], key
    assert any("font-size" in str(e.proto) for e in big.get("html"))
    assert [box.value for box in big.info] == [box.value for box in plain.info]  # the card's claim stays


def test_overlay_can_be_emptied():
    at = clean(open_schedules(overlay="none"))
    assert any("Pick one or more" in box.value for box in at.info)
    at.multiselect[0].set_value(["cyclic_exp_range", "onecycle_cos"]).run()
    assert query(clean(at), "overlay") == "cyclic_exp_range,onecycle_cos"


@pytest.mark.parametrize(("key", "value"), [
    ("open", "nope"), ("lr", "-1"), ("steps", "5"), ("surface", "moon"), ("overlay", "step,bogus"),
    ("s.T_max", "-3"), ("optimizer", "lion"), ("lr", "0.033"), ("big", "huge"),
])
def test_bad_link_values_fall_back_with_a_note(key, value):
    at = clean(open_schedules(**{key: value}))
    assert any(value[:20] in w.value and key in w.value for w in at.warning), [w.value for w in at.warning]
    assert query(at, "open") == "cosine"


@pytest.mark.parametrize(("lang", "expected"), [("en", "The last valid settings are shown"),
                                                  ("ko", "마지막으로 유효했던 설정")])
def test_negative_steps_give_a_clear_message(lang, expected):
    at = clean(open_schedules(open="step", lang=lang))
    before = code(at)[0]
    next(n for n in at.sidebar.number_input if n.label in ("Step size", "감쇠 주기")).set_value(-3).run()
    clean(at)
    (error,) = at.error
    assert "step_size" in error.value and "-3" in error.value and expected in error.value
    assert code(at)[0] == before  # the last valid state stays on screen


def test_max_lr_below_base_lr_gives_a_clear_message():
    at = clean(open_schedules(open="cyclic_triangular"))
    inputs = {t.label: t for t in at.sidebar.text_input}
    inputs["Base lr (lowest rate)"].set_value("0.5")
    inputs["Max lr (highest rate)"].set_value("0.1").run()
    clean(at)
    (error,) = at.error
    assert "max_lr" in error.value and "base_lr" in error.value


def test_the_outcome_reads_the_loss_as_the_chart_plots_it_and_names_an_identical_pair():
    # Step decay at η₀ = 1 on the default surface: both runs diverge at step 2, before the first cut
    # at step 30, so the two runs are one; the step axis ticks whole steps.
    at = clean(open_schedules(open="step", lr="1"))
    said = texts(at)
    assert "With the schedule: **diverged at step 2**. At the constant rate: **diverged at step 2**." in said
    assert "had not changed the rate yet by step 2" in said
    assert chart(at, "sc_comparison")["layout"]["xaxis3"]["dtick"] == 1
    # Warm-up + cosine with Adam: the sentence gives the loss above the lowest, as the chart does.
    at = clean(open_schedules(open="warmup_cosine", optimizer="adam"))
    assert "above the lowest loss" in texts(at) and "final loss -" not in texts(at)
    # x² at η = 0.5 lands on the minimum in one step: the loss is the lowest, not "1.00e-12 above".
    at = clean(open_schedules(open="step", lr="0.5", surface="quadratic", optimizer="sgd"))
    assert "**converged in 1 step**, ending at the lowest loss" in texts(at)
    # On the constant card the two runs are one by design: no "had not changed the rate yet".
    at = clean(open_schedules(open="constant", lr="1.5", surface="quadratic", optimizer="sgd"))
    assert "diverged at step" in texts(at) and "had not changed the rate" not in texts(at)


def test_a_card_that_replaces_the_chosen_surface_and_optimizer_says_so():
    # A walkthrough (Korean): with Rosenbrock and Adam chosen, opening OneCycle loaded its demo
    # (the six-hump camel, momentum) without a word.
    at = clean(open_schedules(lang="en"))
    at.pills[0].select("cosine_restarts").run()  # one card's demo for another's: nothing to say
    assert not [i for i in clean(at).info if "Opening this card" in i.value]
    at.sidebar.selectbox(key="sc_surface").set_value("rosenbrock").run()
    at.sidebar.selectbox(key="sc_optimizer").set_value("adam").run()
    at.pills[0].select("onecycle_cos").run()
    notes = [i.value for i in clean(at).info if "Opening this card" in i.value]
    assert len(notes) == 1 and "Six-hump camel" in notes[0] and "SGD with momentum" in notes[0]
    at.run()  # said once
    assert not [i for i in clean(at).info if "Opening this card" in i.value]
