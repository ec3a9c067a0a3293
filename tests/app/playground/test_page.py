"""The playground page with Streamlit's AppTest: defaults, every registry entry, hostile links, URL sync."""


import html

import pytest
from streamlit.testing.v1 import AppTest

from lrviz import optimizers, schedules, surfaces
from lrviz.app.playground import state as links
from lrviz.i18n import t
from tests.apptest import chart_row, is_chart, open_page, param, texts

TIMEOUT = 60  # the first run of a page compiles JAX programs




# --- playground ---------------------------------------------------------------------------------

PLAYGROUND = "pages/playground.py"
COMPARE, SWEEP = "pages/compare.py", "pages/sweep.py"




def verdict_text(at: AppTest) -> str:
    """The boxes the page shows, and the verdict card of the rate its chart shows."""
    boxes = [*at.success, *at.error, *at.info, *at.warning]
    row = chart_row(at)
    return "\n".join([b.value for b in boxes] + [html.unescape(f"{row['headline']} {row['detail']}")])


def rate_line(at: AppTest) -> str:
    """The line under the chart's rate slider, in the Markdown the page used to write it in."""
    return html.unescape(chart_row(at)["line"]).replace("<b>", "**").replace("</b>", "**")


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_playground_defaults_in_both_languages(lang):
    at = open_page(PLAYGROUND, lang=lang)
    assert_clean(at)
    expected = {"en": "Converged to the global minimum", "ko": "전역 최솟값에 수렴했습니다"}[lang]
    assert expected in verdict_text(at)
    assert at.query_params["surface"] in ("quadratic", ["quadratic"])


@pytest.mark.parametrize(("lang", "expected"), [("en", "Diverged at step 4"), ("ko", "4번째 스텝에서 발산")])
def test_playground_diverging_rate(lang, expected):
    at = open_page(PLAYGROUND, surface="quadratic", lr="1.5", lang=lang)
    assert_clean(at)
    assert expected in verdict_text(at)


@pytest.mark.parametrize("name", sorted(surfaces.SURFACES))
def test_playground_every_surface(name):
    assert_clean(open_page(PLAYGROUND, surface=name, steps="50"))


@pytest.mark.parametrize("name", sorted(optimizers.OPTIMIZERS))
def test_playground_every_optimizer(name):
    at = open_page(PLAYGROUND, surface="bowl", optimizer=name, lr="0.05", steps="60")
    assert_clean(at)
    assert verdict_text(at)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_schedule_free_run_says_which_point_is_which(lang):
    """The legend under the chart names x (the path) and y (the faint dots), and a schedule's role."""
    at = open_page(PLAYGROUND, surface="ravine", optimizer="adamw_schedule_free", lr="0.3", steps="60",
                   schedule="cosine", lang=lang)
    assert_clean(at)
    said = texts(at)
    assert t("pg.legend_schedule_free", lang) in said and t("pg.schedule_free_schedule", lang) in said
    plain = open_page(PLAYGROUND, surface="ravine", optimizer="adamw_schedule_free", lr="0.3", steps="60",
                      lang=lang)
    assert t("pg.legend_schedule_free", lang) in texts(plain)
    assert t("pg.schedule_free_schedule", lang) not in texts(plain)


@pytest.mark.parametrize("name", sorted(schedules.SCHEDULES))
def test_playground_every_schedule(name):
    at = open_page(PLAYGROUND, surface="double_well", schedule=name, lr="0.05", steps="60")
    assert_clean(at)
    assert verdict_text(at)


def test_playground_old_scrub_links_open_and_the_3d_view_draws():
    # Scrub mode went (its final-loss-against-rate chart is part of the chart component):
    # an old link with mode=scrub opens as it would without it.
    at = open_page(PLAYGROUND, surface="himmelblau", mode="scrub", view="3d", lr="0.01")
    assert_clean(at)
    assert len(at.get("plotly_chart")) == 1  # the 3-D view; the map is the component
    assert len([e for e in at.get("bidi_component") if is_chart(e)]) == 1  # the map
    assert not at.warning
    # Right under the view's toggle, saying which rate it shows (the map follows the slider as it moves).
    assert "η = 0.01, the rate the slider last rested on" in texts(at)
    main = list(at.main)
    kinds = [e.type for e in main]
    assert kinds.index("plotly_chart") < next(i for i, e in enumerate(main) if is_chart(e))


def test_playground_custom_formula_from_the_link():
    at = open_page(PLAYGROUND, surface="custom", formula="(x-1)^2", dim="1", lr="0.2")
    assert_clean(at)
    assert "Converged" in verdict_text(at)


@pytest.mark.parametrize("formula", ["__import__('os').system('ls')", "x**1000", "(" * 500, "lambda: 1", "z"])
def test_playground_hostile_formula_in_the_link_falls_back_with_a_note(formula):
    at = open_page(PLAYGROUND, surface="custom", formula=formula, lang="ko")
    assert_clean(at)
    assert any("formula" in w.value for w in at.warning)


def test_link_values_in_notes_are_shown_as_typed_not_as_markdown():
    at = open_page(PLAYGROUND, surface="custom", formula="__import__('os')", dim="1")
    assert any(r"\_\_import\_\_" in w.value for w in at.warning)  # not bold "import"


def test_playground_hostile_formula_typed_keeps_the_last_valid_surface():
    at = open_page(PLAYGROUND, surface="custom", formula="x^2", dim="1")
    at.text_input(key="pg_formula").input("x.__class__").run()
    assert_clean(at)
    assert any("formula" in e.value.lower() for e in at.error)
    assert "Converged" in verdict_text(at)


GARBAGE = ["", "NaN", "-inf", "1e999", "💥", "' OR 1=1 --", "<script>alert(1)</script>", "9" * 400, "%00",
           ",,,"]


@pytest.mark.parametrize("key", ["surface", "optimizer", "lr", "schedule", "steps", "start", "lang", "noise",
                                 "clip", "seed", "view", "mode", "big", "dim", "o.momentum", "s.gamma"])
def test_playground_garbage_in_every_url_key(key):
    for value in GARBAGE[:4] + GARBAGE[5:7]:
        at = open_page(PLAYGROUND, **{"optimizer": "momentum", "schedule": "step", key: value})
        assert_clean(at)
        assert verdict_text(at)


def test_playground_rate_buttons_and_url_sync():
    at = open_page(PLAYGROUND, surface="quadratic", lr="1.5")
    assert "Diverged" in verdict_text(at)
    at.button(key="pg_lr_tenth").click().run()
    assert_clean(at)
    assert at.query_params["lr"] in ("0.15", ["0.15"])
    assert "Converged" in verdict_text(at)
    at.button(key="pg_lr_0.001").click().run()
    assert "Still moving" in verdict_text(at)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_rate_out_of_range_in_the_exact_box_is_refused_in_the_students_language(lang):
    """Streamlit's own range check said so in English, and the box kept showing the refused 100."""
    at = open_page(PLAYGROUND, surface="quadratic", lr="0.1", lang=lang)
    # Its help says the range before a value is refused (it said only what η does).
    assert at.number_input(key="pg_lr_exact").help == t("pg.lr_exact_help", lang, lo="0.0001", hi="10")
    at.number_input(key="pg_lr_exact").set_value(100.0).run()
    assert_clean(at)
    assert at.number_input(key="pg_lr_exact").value == 0.1 and param(at, "lr") == "0.1"
    said = t("app.refused_number", lang, name=t("pg.lr_exact", lang), value="100", lo="0.0001", hi="10",
             kept="0.1")
    assert [e.value for e in at.error] == [said]
    at.number_input(key="pg_lr_exact").set_value(0.37).run()  # a rate in range is taken, the message goes
    assert not at.error and param(at, "lr") == "0.37" and at.number_input(key="pg_lr_exact").value == 0.37


def test_an_emptied_exact_box_keeps_the_rate():
    at = open_page(PLAYGROUND, surface="quadratic", lr="0.3")
    at.number_input(key="pg_lr_exact").set_value(None).run()  # it took the box's minimum, 0.0001
    assert_clean(at)
    assert at.number_input(key="pg_lr_exact").value == 0.3 and param(at, "lr") == "0.3" and not at.error


def test_a_clipping_threshold_out_of_range_is_refused_in_korean():
    at = open_page(PLAYGROUND, surface="quadratic", clip="2", lang="ko")
    at.number_input(key="pg_clip").set_value(-1.0).run()
    assert_clean(at)
    assert at.number_input(key="pg_clip").value == 2 and param(at, "clip") == "2"
    assert any("수만" in e.value and "-1" in e.value for e in at.error), [e.value for e in at.error]


def test_playground_invalid_parameters_keep_the_last_valid_state():
    at = open_page(PLAYGROUND, surface="quadratic", schedule="cyclic", lr="0.1")
    at.text_input(key="pg_s_cyclic_max_lr").input("0.001").run()  # below base_lr
    assert_clean(at)
    assert any("max_lr" in e.value for e in at.error)
    assert verdict_text(at)


def test_playground_refused_parameters_are_explained_in_korean():
    at = open_page(PLAYGROUND, surface="quadratic", schedule="cyclic", lr="0.1", lang="ko")
    at.text_input(key="pg_s_cyclic_max_lr").input("0.001").run()  # below base_lr
    assert any("이상이어야 합니다" in e.value for e in at.error)


@pytest.mark.parametrize(("lr", "side"), [("1", "**at**"), ("0.9", "**below**"), ("1.1", "**above**")])
def test_playground_says_when_the_rate_sits_on_the_critical_rate(lr, side):
    at = open_page(PLAYGROUND, surface="quadratic", lr=lr, lang="en")  # f = x², 2/λmax = 1
    assert f"η = {lr} is {side} the critical rate" in rate_line(at)


def test_playground_names_the_minimum_its_critical_rate_belongs_to_where_there_are_several():
    several = rate_line(open_page(PLAYGROUND, surface="himmelblau", lr="0.01", lang="en"))
    assert "≈ 0.019 (at the minimum nearest the start, (x, y) = (3.58, -1.85))" in several
    assert "nearest the start" not in rate_line(open_page(PLAYGROUND, surface="quadratic", lang="en"))


@pytest.mark.parametrize(("query", "key"), [
    ({"optimizer": "adam"}, "adam"),
    ({"optimizer": "sgd", "o.momentum": "0.9"}, "momentum"),  # SGD with momentum is momentum
    ({"optimizer": "sgd", "o.weight_decay": "0.1"}, "sgd"),  # d = ∇L + λ·θ
    ({"optimizer": "sgd", "noise": "0.5"}, None),  # the rule shows g, the noisy gradient: no d
    ({"optimizer": "sgd"}, None),  # the rule shows ∇L itself: no d to explain
])
def test_playground_says_what_d_is_in_the_update_rule(query, key):
    """``key``: the optimizer whose caption of d (``OptimizerSpec.d``) the page shows, alone."""
    for lang in ("en", "ko"):
        shown = texts(open_page(PLAYGROUND, surface="rosenbrock", lang=lang, **query))
        notes = [spec.d(lang) for spec in optimizers.OPTIMIZERS.values()]
        assert [note for note in notes if note in shown] == ([optimizers.get(key).d(lang)] if key else [])


@pytest.mark.parametrize(("query", "key", "values"), [
    ({"noise": "0.5"}, "pg.g_noise", {"noise": "0.5"}),
    ({"clip": "2"}, "pg.g_clip", {"clip": "2"}),
    ({"noise": "0.25", "clip": "2", "optimizer": "adam"}, "pg.g_noise_clip", {"noise": "0.25", "clip": "2"}),
])
def test_noise_or_clipping_names_the_changed_gradient_g(query, key, values):
    for lang in ("en", "ko"):
        at = open_page(PLAYGROUND, surface="rosenbrock", lang=lang, **query)
        assert t(key, lang, **values) in texts(at)
    plain = texts(open_page(PLAYGROUND, surface="rosenbrock", lang="en"))
    assert not any(t(k, "en", noise="0.5", clip="2")[:40] in plain for k in ("pg.g_noise", "pg.g_clip"))


def test_playground_switching_language_with_a_broken_formula_keeps_the_new_language():
    at = open_page(PLAYGROUND, surface="custom", formula="x^2", dim="1", lang="en")
    at.text_input(key="pg_formula").input("x*(1+").run()
    at.sidebar.segmented_control(key="lang").set_value("ko").run()
    assert_clean(at)
    assert at.error and at.query_params["lang"] in ("ko", ["ko"])
    assert "전역 최솟값에 수렴했습니다" in verdict_text(at)  # the last valid run (x²), told in Korean


def test_playground_no_adaptive_excuse_for_sgd_on_a_bad_formula():
    at = open_page(PLAYGROUND, surface="custom", formula="x^2", dim="1", lang="en")
    at.text_input(key="pg_formula").input("x**2 + sin(").run()
    assert_clean(at)
    assert at.error and "rescales every step" not in texts(at) + rate_line(at)


def test_links_module_agrees_with_the_page_defaults():
    at = open_page(PLAYGROUND)
    lr = at.query_params["lr"]
    assert float(lr if isinstance(lr, str) else lr[0]) == links.DEFAULT.lr




def test_presentation_mode_enlarges_the_page_text_too():
    plain = open_page(PLAYGROUND, surface="quadratic", lr="0.1")
    big = open_page(PLAYGROUND, surface="quadratic", lr="0.1", big="1")
    assert not any("font-size" in str(e.proto) for e in plain.get("html"))
    assert any("font-size" in str(e.proto) for e in big.get("html"))


def test_a_bad_start_in_the_link_falls_back_to_the_surfaces_own_start_in_words():
    at = open_page(PLAYGROUND, surface="himmelblau", start="1,2,3", lang="ko")
    notes = [w.value for w in at.warning]
    assert any("start" in n and "기본 설정" in n and "—" not in n for n in notes), notes


def test_korean_pages_break_lines_between_words_only():
    def styles(at):
        return [str(e.proto) for e in at.get("html") if "keep-all" in str(e.proto)]

    assert styles(open_page(PLAYGROUND, lang="ko", steps="20"))
    assert not styles(open_page(PLAYGROUND, lang="en", steps="20"))


@pytest.mark.parametrize(("page", "prefix"), [(PLAYGROUND, "pg_"), (COMPARE, "cmp_"), (SWEEP, "sw_")])
def test_a_start_box_takes_what_a_link_takes(page, prefix):
    """x₀ beyond ±1000 was taken by the box and refused when its link was opened again; an emptied
    box became 0 without a word. Both now keep the start in use, the first with a message."""
    at = open_page(page, surface="himmelblau", lang="ko")
    x0 = at.number_input(key=f"{prefix}start_x").value
    at.number_input(key=f"{prefix}start_x").set_value(5000.0).run()
    assert_clean(at)
    assert at.number_input(key=f"{prefix}start_x").value == x0
    assert any("5000" in e.value and "1000" in e.value for e in at.error), [e.value for e in at.error]
    at.number_input(key=f"{prefix}start_x").set_value(None).run()
    assert at.number_input(key=f"{prefix}start_x").value == x0 and not at.error


def test_a_refusal_under_a_sidebar_box_goes_when_a_valid_value_follows():
    """The clipping box reruns only the chart's fragment; after a refusal it reruns the page once, or
    the message stayed under the box (the sidebar is not redrawn by a fragment's rerun)."""
    at = open_page(PLAYGROUND, surface="quadratic", clip="2", lang="ko")
    at.number_input(key="pg_clip").set_value(-1.0).run()
    assert at.error
    at.number_input(key="pg_clip").set_value(5.0).run()
    assert_clean(at)
    assert at.title and not at.error and param(at, "clip") == "5"  # the whole page, drawn again
    at.number_input(key="pg_clip").set_value(6.0).run()  # no refusal on screen: the fragment alone
    assert not at.title and param(at, "clip") == "6"
