"""The home page with Streamlit's AppTest: both languages, a bad language in the link, every page linked."""

from pathlib import Path

import pytest

from tests.apptest import APP, open_app, texts


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

def test_home_links_every_page_that_app_py_routes():
    import ast

    tree = ast.parse(Path(APP).read_text())
    paths = {kw.value.value for node in ast.walk(tree) if isinstance(node, ast.Call)
             for kw in node.keywords if kw.arg == "url_path"}
    assert {"playground", "compare", "sweep", "schedules", "lr-finder"} <= paths
    linked = {link.proto.page for link in open_app().get("page_link")}
    assert paths <= linked


def test_the_python_example_runs_as_pasted_and_prints_what_its_comments_say():
    import subprocess
    import sys

    from lrviz.app.home.page import CORE_EXAMPLE

    # As a student pastes it: a fresh interpreter, the code as the page shows it.
    done = subprocess.run([sys.executable, "-c", CORE_EXAMPLE], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    printed = done.stdout.splitlines()
    assert printed[0] == "diverged 4"
    assert float(printed[1]) == pytest.approx(1.0, rel=1e-4)


def test_the_lesson_links_heading_counts_the_links_under_it():
    import re

    from lrviz.i18n import t

    at = open_app()
    heading = next(h.value for h in at.subheader if "links" in h.value)
    labels = {t(f"home.lesson_{key}", "en") for key in ("too_small", "good", "zigzag", "too_large", "local",
                                                      "escape", "saddle", "catapult")}
    links = [link for link in at.get("page_link") if link.proto.label in labels]
    assert len(links) == len(labels) == int(re.search(r"\d+", heading).group())
