"""The /edge page in AppTest: every section in both languages, presentation mode, bad input, the cache."""

import pytest
from streamlit.testing.v1 import AppTest

from lrviz.app.edge import ui as edge_ui
from tests.apptest import chart_spec, open_page, param, texts

# Short runs keep these tests quick; the numbers are tested in tests/nn/test_edge.py.
SMALL = {"lrs": "0.5", "steps": "200", "adam_lrs": "0.02", "adam_steps": "200", "runs": "4", "lo": "0.8",
         "hi": "2", "peaks": "1,3", "lengths": "0,400"}


def _open(query: dict[str, str]) -> AppTest:
    at = open_page("pages/edge.py", timeout=180, **{"lang": "en", **SMALL, **query})
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_edge_of_stability_with_its_words_and_the_flow(lang):
    at = _open({"lang": lang})
    assert len(at.get("plotly_chart")) == 2  # loss and sharpness, then the distance from gradient flow
    said = texts(at)
    assert ("reached 2/η at update" if lang == "en" else "번째 업데이트에서 2/η에 닿았고") in said
    assert "arXiv:2103.00065" in said
    assert param(at, "view") == "eos" and param(at, "lrs") == "0.5" and param(at, "steps") == "200"


@pytest.mark.parametrize(("view", "charts", "words"), [
    ("adam", 1, "arXiv:2207.14484"),
    ("catapult", 2, "arXiv:2003.02218"),
    ("warmup", 2, "arXiv:2406.09405"),
])
def test_every_section_from_a_link(view, charts, words):
    at = _open({"view": view})
    assert len(at.get("plotly_chart")) == charts and words in texts(at)
    assert param(at, "view") == view


def test_a_second_visit_draws_from_the_cache_without_replaying_the_progress_bar():
    """The progress bar is drawn outside the cached function: a cache hit must not replay it."""
    first, second = _open({}), _open({"lang": "ko"})
    assert len(first.get("plotly_chart")) == len(second.get("plotly_chart")) == 2


def test_the_view_control_switches_the_section_and_writes_the_link():
    at = _open({})
    at.segmented_control(key=f"{edge_ui.K}view").set_value("catapult").run(timeout=180)
    assert not at.exception
    assert param(at, "view") == "catapult" and "λ₀" in texts(at)


def test_presentation_mode_from_the_link_enlarges_the_charts_and_the_page_text():
    plain, big = _open({}), _open({"big": "1"})
    assert big.sidebar.toggle(key=f"{edge_ui.K}big").value
    size = [chart_spec(at)["layout"]["template"]["layout"]["font"]["size"] for at in (plain, big)]
    assert size[1] > size[0]
    assert any("font-size" in str(e.proto) for e in big.get("html"))
    assert param(big, "big") == "1"


@pytest.mark.parametrize(("query", "key", "allowed"), [
    ({"lrs": "0.1,abc"}, "lrs", "0.01–1"),
    ({"view": "everything"}, "view", "eos | adam | catapult | warmup"),
    ({"lo": "1.5", "hi": "1"}, "lo", "lo < hi"),
    ({"lengths": "2000"}, "lengths", "0–950"),
    ({"steps": "250"}, "steps", None),
])
def test_bad_links_fall_back_with_a_note_that_says_what_the_key_takes(query, key, allowed):
    at = _open({**query, "lang": "ko"})
    notes = [w.value for w in at.warning if f"“{key}”" in w.value]
    assert notes, [w.value for w in at.warning]
    if allowed:  # as shown: Markdown's escapes do not show
        assert f"쓸 수 있는 값: {allowed}." in notes[0].replace("\\", ""), notes
    assert at.get("plotly_chart")


def test_a_bad_list_in_the_sidebar_is_refused_and_the_last_valid_settings_kept():
    at = _open({})
    at.sidebar.text_input(key=f"{edge_ui.K}lrs").set_value("0.5, fast").run(timeout=180)
    assert not at.exception
    assert any("“learning rates” takes one to 5 numbers" in e.value and "“fast” is not one of them" in e.value
               for e in at.error)
    assert param(at, "lrs") == "0.5" and len(at.get("plotly_chart")) == 2
    # Walkthrough: "0.001, 0.3, 2, 5" was refused without a word on which value (2 is past 1).
    at.sidebar.text_input(key=f"{edge_ui.K}lrs").set_value("0.01, 0.3, 2, 5").run(timeout=180)
    assert any("“2” is not one of them" in e.value for e in at.error), [e.value for e in at.error]
    at.sidebar.text_input(key=f"{edge_ui.K}lrs").set_value("0.1, 0.2, 0.3, 0.4, 0.5, 0.6").run(timeout=180)
    assert any("it holds 6" in e.value for e in at.error), [e.value for e in at.error]
