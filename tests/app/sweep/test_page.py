"""The sweep page with Streamlit's AppTest: defaults, four optimizers, hostile links, bad input typed."""


import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import open_page, param

PAGE = "pages/sweep.py"
TIMEOUT = 90  # the first run compiles JAX programs


def open_sweep(**query: str) -> AppTest:
    return open_page(PAGE, timeout=TIMEOUT, **query)


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("plotly_chart")) == 3


def table(at: AppTest):
    return at.dataframe[0].value


@pytest.mark.parametrize(("lang", "title", "best"),
                         [("en", "Sweep", "Best rate"), ("ko", "스윕", "가장 좋은 학습률")])
def test_defaults_in_both_languages(lang, title, best):
    at = open_sweep(lang=lang)
    assert_clean(at)
    assert title in at.title[0].value
    frame = table(at)
    assert list(frame.index) == [0]
    # GD on x²: best near 1/λ = 0.5, divergence edge just above 2/λ = 1.
    assert 0.49 <= float(frame[best][0]) <= 0.51
    assert param(at, "optimizers") == "sgd" and param(at, "n") == "500"
    assert not at.warning and not at.error


def test_four_optimizers_on_a_two_dimensional_surface():
    at = open_sweep(surface="himmelblau", optimizers="sgd,momentum,adam,rmsprop", n="200", steps="200")
    assert_clean(at)
    frame = table(at)
    assert list(frame["Optimizer"]) == ["SGD", "SGD with momentum", "Adam", "RMSprop"]
    assert list(frame["Critical rate (theory)"][2:]) == ["none (adaptive)"] * 2
    assert param(at, "optimizers") == "sgd,momentum,adam,rmsprop"
    # Adam never diverges below η = 1 here, so its best rate is the end of the range, and the page says so.
    assert frame["Best rate"][2] == "1"
    assert any("Adam's best rate is the highest one swept" in box.value for box in at.info)


@pytest.mark.parametrize(("query", "keys"), [
    ({"lo": "2", "hi": "1"}, {"lo", "hi"}),
    ({"n": "5"}, {"n"}),
    ({"n": "1000000000"}, {"n"}),
    ({"n": "💥", "lo": "NaN", "hi": "<script>", "lr": "-1", "phase": "' OR 1=1 --"},
     {"n", "lo", "hi", "lr", "phase"}),
    ({"optimizers": "sgd,sgd,adam,,x", "steps": "1e999", "start": ",,,"}, {"optimizers", "steps", "start"}),
])
def test_bad_link_values_fall_back_with_a_note(query, keys):
    at = open_sweep(lang="ko", **query)
    assert_clean(at)
    noted = " ".join(w.value for w in at.warning)
    assert all(f"“{key}”" in noted for key in keys), noted
    assert float(param(at, "lo")) < float(param(at, "hi"))
    assert 200 <= int(param(at, "n")) <= 2000
    if query == {"lo": "2", "hi": "1"}:  # each value was fine alone: the note says why neither is
        assert noted.replace("\\<", "<").count("lo < hi") == 2  # Markdown escapes the "<"


def test_typing_lo_above_hi_keeps_the_last_valid_sweep():
    at = open_sweep()
    at.number_input(key="sw_lo").set_value(50.0).run()
    assert_clean(at)
    assert any("must be smaller" in e.value for e in at.error)
    assert param(at, "lo") == "0.001"  # the link keeps the last valid sweep
    at.number_input(key="sw_lo").set_value(0.01).run()
    assert not at.error and param(at, "lo") == "0.01"


def test_no_optimizer_chosen_keeps_the_last_valid_sweep():
    at = open_sweep(lang="ko")
    at.multiselect(key="sw_optimizers").unselect("sgd").run()
    assert_clean(at)
    assert any("옵티마이저를 하나 이상" in e.value for e in at.error)


def test_a_parameter_that_the_range_makes_invalid_keeps_the_last_valid_sweep():
    at = open_sweep(schedule="cyclic")
    # max_lr = 5 is fine for a rate of 1 but below base_lr (= the rate) at the highest rate, 10.
    at.text_input(key="sw_s_cyclic_max_lr").input("5").run()
    assert_clean(at)
    assert any("cannot be swept" in e.value and "max_lr" in e.value for e in at.error)
    assert "s.max_lr" not in at.query_params


def test_more_rates_and_the_distance_picture_go_into_the_link():
    at = open_sweep(surface="six_hump_camel")
    at.number_input(key="sw_rates").set_value(1000).run()
    at.segmented_control(key="sw_phase").set_value("distance").run()
    assert_clean(at)
    assert param(at, "n") == "1000" and param(at, "phase") == "distance"
    assert param(at, "surface") == "six_hump_camel"


def test_custom_formula_and_schedule_parameters_from_the_link():
    at = open_sweep(surface="custom", formula="(x-1)^2", dim="1", schedule="step", **{"s.gamma": "0.5"})
    assert_clean(at)
    assert param(at, "formula") == "(x-1)^2" and param(at, "s.gamma") == "0.5"


def test_switching_language_with_a_broken_formula_relabels_the_charts_and_the_link():
    at = open_sweep(surface="custom", formula="x^4 - 3*x^2 + x", dim="1", lang="en")
    at.text_input(key="sw_formula").input("x*(1+").run()
    assert at.error and not at.exception
    at.sidebar.segmented_control(key="lang").set_value("ko").run()
    assert not at.exception and at.error  # still refused, now in Korean
    assert param(at, "lang") == "ko"
    charts = " ".join(chart.proto.spec for chart in at.get("plotly_chart"))
    assert "학습률" in charts and "Optimizer" not in charts


def test_runs_diverging_below_the_critical_rate_are_explained():
    # Double well from x = 1.8: 2/λmax = 0.283 at the minimum x = 0.96, but f'' = 34.9 at the start.
    notes = " ".join(i.value for i in open_sweep(surface="double_well", optimizers="sgd", lang="en").info)
    assert "below its critical rate 2/λmax ≈ 0.283" in notes and "λmax = 34.9 there" in notes
    quadratic = " ".join(i.value for i in open_sweep(surface="quadratic", optimizers="sgd", lang="en").info)
    assert "below its critical rate" not in quadratic  # there the runs diverge just above 1 = 2/λ
    # -x has no minimum (and an infinite critical rate): its runs leaving the plot get no such note.
    no_minimum = open_sweep(surface="custom", formula="-x", dim="1", optimizers="sgd", lang="en")
    assert not no_minimum.exception
    assert "below its critical rate" not in " ".join(i.value for i in no_minimum.info)


def test_a_best_rate_above_the_critical_rate_is_explained_by_the_steps():
    # SGD on Rosenbrock in 500 steps: the best rate 0.00326 is above 2/λmax = 0.002 because its run
    # was still crossing the valley (0.00271 at 1,000 steps, 0.00225 at 2,000).
    at = open_sweep(surface="rosenbrock", optimizers="sgd,momentum", lo="0.0001", hi="10")
    assert_clean(at)
    said = [box.value for box in at.info if "is above its critical rate" in box.value]
    assert len(said) == 1 and said[0].startswith("SGD's best rate, 0.00326, is above its critical rate")
    assert "in 500 steps its run had not yet reached the minimum (x, y) = (1, 1)" in said[0]


@pytest.mark.parametrize("query", [
    dict(surface="rosenbrock", schedule="cosine"),  # the schedule lowered the best rate's steps
    dict(surface="six_hump_camel", optimizers="sgd,nesterov"),  # the best runs jumped basins or swing
])
def test_a_best_rate_above_the_critical_rate_for_another_reason_gets_no_such_note(query):
    at = open_sweep(lo="0.0001", hi="10", **query)
    assert_clean(at)
    assert not [box.value for box in at.info if "is above its critical rate" in box.value]


def test_the_best_rate_reads_the_same_in_the_table_the_link_and_the_playground_it_opens():
    at = open_sweep(surface="rosenbrock", optimizers="sgd", lo="0.0001", hi="10", lr="0.000998")
    assert_clean(at)
    best = table(at)["Best rate"][0]  # 0.00326; the link said and opened 0.003259
    link = next(p for p in at.get("page_link") if "Open the best rate" in p.proto.label)
    assert f"(η = {best})" in link.proto.label and f"lr={best}&" in link.proto.query_string
    # The basin map's heading writes its rate as the chart's dotted line does.
    assert "Basin map: where each start ends at η = 0.000998" in [h.value for h in at.subheader]


def test_the_tables_final_loss_is_measured_from_the_lowest_loss_as_the_chart_is():
    # Walkthrough: the double well's table said "its final loss -0.305" under a chart of
    # final loss − lowest loss; f_min is −0.3048, so the best run ended (about) on it.
    at = open_sweep(surface="double_well", optimizers="sgd,adam", lo="0.0001", hi="100", lr="5",
                    schedule="cosine")
    assert_clean(at)
    finals = [float(v) for v in table(at)["Its final loss − lowest loss"]]
    assert all(0 <= v < 1e-3 for v in finals), finals
