"""The LR finder page in AppTest: defaults in both languages, every data set, every section, bad input."""


import pytest
from streamlit.testing.v1 import AppTest

from lrviz.app.finder import ui as finder_ui
from lrviz.nn import mlp
from tests.apptest import chart_spec, open_page, param

# A small model and short runs keep these tests quick; the numbers are tested in the unit tests.
SMALL = {"width": "8", "depth": "1", "batch": "32", "batches": "40", "seeds": "2", "steps": "50",
         "rates": "4"}


def _open(query: dict[str, str]) -> AppTest:
    at = open_page("pages/lr-finder.py", timeout=120, **{"lang": "en", **query})
    assert not at.exception, at.exception
    return at


def _legend(at: AppTest, index: int = 0) -> list[str]:
    return [trace.get("name", "") for trace in chart_spec(at, index)["data"]]


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [w.value for w in at.warning]
    return "\n".join(parts + [i.value for i in at.info] + [s.value for s in at.success])


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_defaults_show_the_range_test_with_every_rule(lang):
    at = _open({"lang": lang, **SMALL})
    names = _legend(at)
    for rule in ("valley", "slide", "fastai", "pytorch-lr-finder"):
        assert any(rule in name for name in names), names
    assert param(at, "data") == "moons" and param(at, "view") == "range" and param(at, "width") == "8"
    assert ("How to read it" if lang == "en" else "읽는 법") in _texts(at)


@pytest.mark.parametrize("data", ["circles", "spirals", "digits"])
def test_every_data_set(data):
    at = _open({**SMALL, "data": data})
    assert at.sidebar.selectbox[0].value == data
    assert len(at.get("plotly_chart")) == 1


def test_presentation_mode_from_the_link_enlarges_the_chart_and_the_page_text():
    plain, big = _open(SMALL), _open({**SMALL, "big": "1"})
    assert big.sidebar.toggle(key=f"{finder_ui.K}big").value
    size = [chart_spec(at)["layout"]["template"]["layout"]["font"]["size"] for at in (plain, big)]
    assert size[1] > size[0]
    assert any("font-size" in str(e.proto) for e in big.get("html"))
    assert not any("font-size" in str(e.proto) for e in plain.get("html"))
    assert param(big, "big") == "1"


def test_check_search_and_generalization_from_a_link():
    at = _open({**SMALL, "view": "check", "check": "1"})
    assert "reached the lowest validation loss" in _texts(at) or "diverged" in _texts(at)
    at = _open({**SMALL, "view": "search", "search": "1"})
    assert "Runs needed to get within 5%" in _texts(at)
    names = _legend(at)
    assert any("grid" in n for n in names) and any("random" in n for n in names)
    at = _open({**SMALL, "view": "general", "general": "1"})
    assert len(at.get("plotly_chart")) == 2  # curves and decision boundaries


def test_the_check_button_trains_and_goes_into_the_link():
    at = _open({**SMALL, "view": "check"})
    assert not at.get("plotly_chart")
    at.button(key="lf_check_button").click().run()
    assert not at.exception
    assert param(at, "check") == "1"
    assert len(at.get("plotly_chart")) == 1


@pytest.mark.parametrize(("query", "key", "allowed"), [
    ({"batches": "0"}, "batches", "10–1000"),
    ({"width": "1000000"}, "width", "4–256"),
    ({"lr_min": "1", "lr_max": "0.1"}, "lr_min", "lr_min < lr_max"),
    ({"data": "iris"}, "data", "moons | circles | spirals | digits"),
    ({"steps": "55"}, "steps", None),
    ({"schedule": "plateau"}, "schedule", None),  # needs a loss per epoch: not offered on this page
    ({"schedule": "cosine", "s.T_max": "-1"}, "s.T_max", None),
])
def test_bad_links_fall_back_with_a_note_that_says_what_the_key_takes(query, key, allowed):
    at = _open({**SMALL, **query, "lang": "ko"})
    notes = [w.value for w in at.warning if f"“{key}”" in w.value]
    assert notes, [w.value for w in at.warning]
    if allowed:  # as shown: Markdown's escapes (lr\\_min) do not show
        assert f"쓸 수 있는 값: {allowed}." in notes[0].replace("\\", ""), notes
    assert len(at.get("plotly_chart")) == 1


def test_min_above_max_in_the_widgets_is_refused_and_the_last_valid_state_kept():
    at = _open(SMALL)
    at.sidebar.number_input(key="lf_lr_min").set_value(50.0).run()
    assert not at.exception
    assert any("must be below the highest rate" in e.value for e in at.error)
    assert param(at, "lr_min") == "0.0001"
    assert len(at.get("plotly_chart")) == 1


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_schedule_from_the_link_is_what_the_search_trains_with(lang, monkeypatch):
    calls = []

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return train(*args, **kwargs)

    train = mlp.train
    monkeypatch.setattr(mlp, "train", spy)
    finder_ui.search_result.clear()  # a result cached by another test would train nothing
    at = _open({**SMALL, "lang": lang, "schedule": "cosine", "view": "search", "search": "1"})
    assert at.sidebar.selectbox(key="lf_schedule").value == "cosine" and param(at, "schedule") == "cosine"
    assert "CosineAnnealingLR" in "\n".join(c.value for c in at.caption)  # the line under the intro
    assert len(at.get("plotly_chart")) == 1
    # One search of 2 × 4 runs, each annealing over the whole budget (T_max = steps = 50).
    assert [(c["schedule"], c["schedule_params"]["T_max"], c["steps"]) for c in calls] == [("cosine", 50, 50)]


def test_the_horizon_follows_the_budget_until_the_student_sets_it():
    at = _open({**SMALL, "schedule": "cosine"})
    assert "plateau" not in at.sidebar.selectbox(key="lf_schedule").options
    t_max = at.sidebar.number_input(key="lf_s_cosine_T_max")
    assert t_max.value == 50
    at.sidebar.number_input(key="lf_steps").set_value(100).run()
    assert at.sidebar.number_input(key="lf_s_cosine_T_max").value == 100 and "s.T_max" not in at.query_params
    at.sidebar.number_input(key="lf_s_cosine_T_max").set_value(70).run()
    at.sidebar.number_input(key="lf_steps").set_value(150).run()
    assert not at.exception
    assert at.sidebar.number_input(key="lf_s_cosine_T_max").value == 70
    assert (param(at, "steps"), param(at, "s.T_max")) == ("150", "70")


def test_a_bad_schedule_parameter_is_refused_and_the_last_valid_state_kept():
    at = _open({**SMALL, "schedule": "warmup_cosine", "lang": "ko"})
    at.sidebar.number_input(key="lf_s_warmup_cosine_warmup_steps").set_value(60).run()  # total_steps = 50
    assert not at.exception
    assert any("warmup_steps" in e.value for e in at.error)
    assert param(at, "schedule") == "warmup_cosine" and "s.warmup_steps" not in at.query_params
    assert len(at.get("plotly_chart")) == 1


@pytest.mark.parametrize(("lr_max", "said"), [
    ("10", "No seed stopped early: each ran to the highest rate"),  # not "0 of 2 seeds stopped early"
    ("100", "1 of 2 seeds stopped early"),
])
def test_the_caption_counts_the_seeds_that_stopped_early_in_words_that_fit(lr_max, said):
    at = _open({**SMALL, "lr_max": lr_max})
    assert any(c.value.startswith(said) for c in at.caption), [c.value for c in at.caption]
