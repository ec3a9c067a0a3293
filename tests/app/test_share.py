"""Share and keep on every demo page (lrviz/app/kit/share.py), in AppTest: the Copy link button and
the link it copies, shown as text too; the HTML and Markdown downloads where a page has them; the
playground's code panel. (The browser test clicks them: tests/browser/test_exports.py.)"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest

from lrviz.app.kit.share import NAME, page_url
from lrviz.i18n import t
from tests.apptest import open_page, open_take_home

# page file, its path, a link with some state, what its link must keep, whether it has downloads
PAGES = [
    ("pages/playground.py", "playground", {"surface": "bowl", "lr": "0.05", "frame": "3"},
     {"surface": "bowl", "lr": "0.05", "frame": "3"}, True),
    ("pages/compare.py", "compare", {"steps": "200"}, {"steps": "200", "r1": "sgd:0.0015"}, True),
    ("pages/sweep.py", "sweep", {"n": "200"}, {"n": "200", "optimizers": "sgd"}, True),
    ("pages/schedules.py", "schedules", {"open": "step"}, {"open": "step"}, False),
    ("pages/lr-finder.py", "lr-finder", {"batches": "150"}, {"batches": "150"}, False),
    ("pages/edge.py", "edge", {"lrs": "0.5", "steps": "200"}, {"lrs": "0.5", "steps": "200"}, False),
]


@pytest.mark.parametrize(("file", "path", "query", "kept", "downloads"), PAGES, ids=[p[1] for p in PAGES])
def test_every_page_copies_and_shows_its_link(file, path, query, kept, downloads):
    at = open_page(file, **query)
    assert not at.exception
    (button,) = [e for e in at.get("bidi_component") if e.proto.component_name == NAME]
    data = json.loads(button.proto.json)
    link = data["link"]
    assert data["label"] == t("share.copy", "en")
    assert link.startswith(f"/{path}?")  # AppTest's browser tells no address: the page's path
    assert kept.items() <= dict(parse_qsl(urlsplit(link).query)).items()
    assert link in [c.value for c in at.code]  # shown, for a browser that refuses the clipboard
    labels = [b.proto.label for b in at.get("download_button")]
    assert (t("share.html", "en") in labels and t("share.markdown", "en") in labels) == downloads


def test_the_playground_takes_its_run_home_in_korean():
    at = open_page("pages/playground.py", lang="ko", optimizer="adam", lr="0.05")
    assert not at.exception and not [c for c in at.code if "import" in c.value]  # closed: not drawn
    open_take_home(at)
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count(t("export.download", "ko")) == 3  # PyTorch, Keras 3, optax
    assert t("share.html", "ko") in labels and t("share.markdown", "ko") in labels
    scripts = [c.value for c in at.code if "import" in c.value]
    assert any("torch.optim.Adam" in s and "lr=0.05" in s for s in scripts)


@pytest.mark.parametrize(("url", "expected"), [
    ("http://host:8501/playground?lr=0.1", "http://host:8501/playground"),
    ("http://host:8501/playground/#top", "http://host:8501/playground"),
    # a step of a lesson draws the playground on /lessons: its link opens the playground
    ("http://host:8501/lessons?lesson=too-large&step=2", "http://host:8501/playground"),
    ("https://host/lrviz/lessons?lesson=too-large", "https://host/lrviz/playground"),  # behind a proxy
    ("http://host:8501/", "http://host:8501/playground"),
    ("/lessons?lesson=too-large", "/playground"),
    ("", "/playground"),  # AppTest: no address
])
def test_a_link_names_the_page_that_is_drawn(url, expected):
    assert page_url(url, "playground") == expected


@pytest.mark.parametrize(("url", "expected"), [
    ("https://host/lrviz/", "https://host/lrviz/playground"),  # the app's root under its base path
    ("https://host/lrviz", "https://host/lrviz/playground"),
    ("https://host/lrviz/lessons?lesson=too-large", "https://host/lrviz/playground"),
    ("https://host/lrviz/playground?lr=1", "https://host/lrviz/playground"),
])
def test_a_link_keeps_the_apps_base_path(url, expected):
    assert page_url(url, "playground", "/lrviz/") == expected
