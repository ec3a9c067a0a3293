"""The Compare page with AppTest: defaults, six rows, hostile links, the row buttons, both languages."""

import json
import math

import pytest
from streamlit.testing.v1 import AppTest

from lrviz.app.compare.state import MAX_ROWS
from lrviz.i18n import t
from tests.apptest import chart_spec, open_page, open_take_home

PAGE = "pages/compare.py"
TIMEOUT = 90  # a first run compiles a JAX program per optimizer


def open_compare(**query: str) -> AppTest:
    return open_page(PAGE, timeout=TIMEOUT, **query)


def url(at: AppTest) -> dict[str, str]:
    return {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def legend(at: AppTest) -> list[str]:
    """The chart's legend entries (one per run)."""
    return [d["name"] for d in chart_spec(at)["data"] if d.get("showlegend")]


def warnings(at: AppTest) -> str:
    return "\n".join(w.value for w in at.warning)


def test_defaults_show_four_optimizers_on_rosenbrock_with_a_table():
    at = open_compare(lang="en")
    assert not at.exception and not at.error
    names = legend(at)
    assert [n.split(" · ")[0] for n in names] == ["SGD", "SGD with momentum", "RMSprop", "Adam"]
    assert all(n.count("<br>") == 1 for n in names)  # label, then outcome: a narrow legend
    assert "converged in" in names[1]
    assert url(at)["r4"] == "adam:0.3" and url(at)["surface"] == "rosenbrock"
    table = at.dataframe[0].value
    assert len(table) == 4 and table.columns[0] == "Run"
    assert any("Converged to the global minimum in 292 steps" in m.value for m in at.markdown)

    # Add a run: a copy of the last one at half its rate, in the chart and the link.
    at.sidebar.button(key="cmp_add").click().run()
    assert not at.exception
    assert len(legend(at)) == 5 and url(at)["r5"] == "adam:0.15"
    # A new rate shows at once in the chart, the link and the run's own title.
    at.sidebar.number_input(key="cmp_3_lr").set_value(0.2).run()
    assert url(at)["r4"] == "adam:0.2" and legend(at)[3].startswith("Adam · η = 0.2<br>")
    assert at.sidebar.expander[4].label == "▲ 4 · Adam · η = 0.2"
    # Remove the first run: the others move up in the link.
    at.sidebar.button(key="cmp_0_remove").click().run()
    assert len(legend(at)) == 4 and url(at)["r1"] == "momentum:0.003" and "r5" not in url(at)


def test_six_rows_in_korean_in_panels():
    runs = {f"r{i + 1}": f"sgd:{lr}" for i, lr in enumerate((0.01, 0.1, 0.4, 0.5, 0.9, 1.1))}
    at = open_compare(lang="ko", surface="quadratic", steps="60", layout="multiples", **runs)
    assert not at.exception and not at.error
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    titles = [a["text"] for a in spec["layout"]["annotations"]]
    assert len(titles) == MAX_ROWS and "발산" in titles[-1]
    assert at.sidebar.button(key="cmp_add").disabled
    assert "학습률" in at.title[0].value or "비교" in at.title[0].value


def test_garbage_in_every_key_shows_notes_and_no_traceback():
    query = {
        "lang": "en",
        "surface": "moon",
        "steps": "-3",
        "start": "x",
        "layout": "??",
        "big": "2",
        "r1": "foo:0.1",
        "r2": "adam:-1",
        "r3": "sgd:0.1:nope",
        "r3.o.momentum": "7",
    }
    query.update({f"r{i}": "sgd:0.01" for i in range(4, 10)})  # nine rows in all
    at = open_compare(**query)
    assert not at.exception
    text = warnings(at)
    for key in ("surface", "steps", "start", "layout", "big", "r1", "r2", "r3", "r3.o.momentum"):
        assert f"“{key}”" in text, key
    assert "3 more runs" in text
    assert len(legend(at)) == MAX_ROWS
    assert url(at)["r1"] == "sgd:0.1" and url(at)["r2"] == "adam:0.01" and "r7" not in url(at)


def test_the_shortcut_spreads_one_optimizer_around_its_critical_rate():
    at = open_compare(lang="en", surface="quadratic", steps="100")
    at.sidebar.selectbox(key="cmp_sp_opt").set_value("sgd")
    at.sidebar.button(key="cmp_sp_go").click().run()
    assert not at.exception
    names = legend(at)
    assert [n.split("<br>")[0] for n in names] == [
        "SGD · η = 0.01",
        "SGD · η = 0.5",
        "SGD · η = 0.99",
        "SGD · η = 1.2",
    ]
    assert [n.split("<br>")[1] for n in names] == [
        "still moving",
        "converged in 1 step",
        "oscillating",
        "diverged at step 8",
    ]
    assert any("2/λmax ≈ 1" in i.value for i in at.info)
    # The explanation follows a change of language; the runs stay.
    at.sidebar.segmented_control(key="lang").set_value("ko").run()
    assert any("임계 학습률" in i.value for i in at.info) and url(at)["r4"] == "sgd:1.2"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_an_adaptive_shortcut_says_why_there_is_no_critical_rate(lang):
    at = open_compare(lang=lang, surface="bowl", steps="50")
    at.sidebar.selectbox(key="cmp_sp_opt").set_value("adam")
    at.sidebar.button(key="cmp_sp_go").click().run()
    assert not at.exception
    assert len(legend(at)) == 4
    explanation = " ".join(i.value for i in at.info)
    assert ("no critical rate" in explanation) if lang == "en" else ("임계 학습률이 없습니다" in explanation)


def test_a_rejected_hyper_parameter_keeps_the_last_valid_row():
    at = open_compare(lang="en", surface="quadratic", steps="40", r1="sgd:0.1")
    at.sidebar.toggle(key="cmp_0_o_sgd_nesterov").set_value(True).run()  # Nesterov needs momentum > 0
    assert not at.exception
    assert any("Run 1" in e.value and "nesterov" in e.value for e in at.error)
    assert url(at)["r1"] == "sgd:0.1" and "r1.o.nesterov" not in url(at)


def test_a_start_from_the_link_is_every_run_s_start():
    at = open_compare(lang="en", surface="bowl", steps="30", start="1,-2", r1="sgd:0.1", r2="adam:0.1")
    assert not at.exception and url(at)["start"] == "1,-2"
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    legend = {d["name"] for d in spec["data"] if d.get("showlegend")}
    paths = [d for d in spec["data"] if d.get("name") in legend and not d.get("showlegend")]  # plain lists
    assert len(paths) == 2
    assert all((p["x"][0], p["y"][0]) == (1, -2) for p in paths)
    at.sidebar.button(key="cmp_start_reset").click().run()
    assert "start" not in url(at)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_code_panel_gives_the_chosen_runs_script_in_the_pages_language(lang):
    at = open_take_home(open_compare(lang=lang, surface="quadratic", steps="40", r1="sgd:0.1",
                                     r2="adam:0.3:onecycle"))
    assert not at.exception and not at.error
    scripts = [c.value for c in at.code if not c.value.startswith("/compare?")]  # the page's link aside
    assert len(scripts) == 3  # PyTorch, Keras 3, optax
    assert "torch.optim.SGD([p], lr=0.1)" in scripts[0] and "keras.optimizers.SGD" in scripts[1]
    assert "optax.sgd" in scripts[2] and "for step in range(40):" in scripts[2]
    korean = any("\uac00" <= ch <= "\ud7a3" for ch in scripts[0])
    assert korean == (lang == "ko")
    at.selectbox(key="cmp_code_row").set_value(1).run()
    assert not at.exception
    scripts = [c.value for c in at.code]
    assert "torch.optim.Adam([p], lr=0.3)" in scripts[0] and "OneCycleLR(" in scripts[0]
    assert "optax.adam" in scripts[2]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_schedule_free_row_says_what_its_dots_are(lang):
    at = open_compare(lang=lang, surface="ravine", steps="60", r1="sgd:0.05", r2="sgd_schedule_free:0.05")
    assert not at.exception
    assert t("compare.schedule_free_dots", lang) in [c.value for c in at.caption]
    at = open_compare(lang=lang, surface="ravine", steps="60", r1="sgd:0.05", r2="adam:0.05")
    assert t("compare.schedule_free_dots", lang) not in [c.value for c in at.caption]


def test_the_table_writes_its_numbers_as_the_sentences_do():
    """Losses and distances in verdict.number's notation (plain from 1e-3, powers below), sorted by
    the numbers underneath; a diverged run's cells stay empty (a dash)."""
    from lrviz.app.compare import compute as comparison
    from lrviz.app.compare.ui import results_frame
    table = [comparison.Result("a", 0.0153, 1.59e-8, 292, "converged", None),
             comparison.Result("b", math.inf, math.inf, None, "diverged", 9)]
    for lang in ("en", "ko"):
        shown = results_frame(table, lang)
        html = shown.to_html()
        assert ">0.0153<" in html and ">1.59e-08<" in html and "e-02" not in html
        assert "NA" not in html and "nan" not in html  # a diverged run's cells, steps too, are dashes
        rows = [row for row in shown._translate(False, False)["body"]]
        assert [cell["display_value"] for cell in rows[1][3:]] == ["—", "—", "—"]
        loss = shown.data[t("compare.col_final_loss", lang)]
        assert loss.dtype.kind == "f" and math.isnan(loss[1])  # numbers underneath: it sorts by value
        assert str(shown.data[t("compare.col_steps", lang)].dtype) == "Int64"

    at = open_compare(lang="en", surface="quadratic", steps="60", r1="sgd:0.1", r2="sgd:1.5")
    assert not at.exception
    assert list(at.dataframe[0].value.columns) == ["Run", "Status", "Final loss", "Distance to minimum",
                                                   "Steps to tolerance"]
