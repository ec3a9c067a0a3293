"""Page tests with Streamlit's AppTest: every page renders, in both languages, with hostile URLs."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 60  # the first run of a page compiles JAX programs


def open_app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def texts(at: AppTest) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.title] + [e.value for e in at.caption]
    parts += [e.value for e in at.info] + [e.value for e in at.warning]
    return "\n".join(str(p) for p in parts)


def test_home_renders_in_english_by_default():
    at = open_app()
    assert not at.exception
    assert "learning rate" in texts(at)
    assert at.query_params["lang"] in ("en", ["en"])


def test_home_renders_in_korean():
    at = open_app(lang="ko")
    assert not at.exception
    assert "학습률" in texts(at)


@pytest.mark.parametrize("value", ["xx", "", "ko<script>", "%00", "e" * 5000])
def test_unknown_language_falls_back_to_english_with_a_note(value):
    at = open_app(lang=value)
    assert not at.exception
    assert "learning rate" in texts(at)
    assert any("Unknown language" in w.value for w in at.sidebar.warning) or value == ""
