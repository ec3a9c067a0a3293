"""A refused link value's note in the student's language: the default by the name its menu shows, and
what the key takes (a start: how many numbers), on every page that reads such a key (AppTest)."""

import pytest

from lrviz import optimizers, schedules, surfaces
from lrviz.i18n import t
from lrviz.nn import datasets
from tests.apptest import open_page

IDS = ("quadratic", "rosenbrock", "sgd", "constant", "moons")  # ids a note used to show in Korean


def warnings_of(path: str, **query: str) -> list[str]:
    at = open_page(path, timeout=120, lang="ko", **query)
    assert not at.exception, [e.value for e in at.exception]
    return [w.value for w in at.warning]


def named(notes: list[str], key: str, title: str) -> None:
    (note,) = [n for n in notes if f"“{key}”" in n]
    assert f"“{title}”" in note and not any(f"“{i}”" in note for i in IDS), note


@pytest.mark.parametrize(("path", "query", "names"), [
    ("pages/playground.py", {"surface": "nope", "optimizer": "nope", "schedule": "nope"},
     {"surface": surfaces.SURFACES["quadratic"].title, "optimizer": optimizers.OPTIMIZERS["sgd"].title,
      "schedule": schedules.SCHEDULES["constant"].title}),
    ("pages/compare.py", {"surface": "nope"}, {"surface": surfaces.SURFACES["rosenbrock"].title}),
    ("pages/sweep.py", {"optimizers": "nope"}, {"optimizers": optimizers.OPTIMIZERS["sgd"].title}),
    ("pages/lr-finder.py", {"data": "nope", "optimizer": "nope"},
     {"data": datasets.DATASETS["moons"].title, "optimizer": optimizers.OPTIMIZERS["sgd"].title}),
])
def test_a_refused_choice_names_the_default_as_the_menu_does(path, query, names):
    notes = warnings_of(path, **query)
    for key, title in names.items():
        named(notes, key, title("ko"))


@pytest.mark.parametrize(("path", "surface"), [("pages/playground.py", "himmelblau"),
                                               ("pages/compare.py", "rosenbrock"),
                                               ("pages/sweep.py", "himmelblau")])
def test_a_start_with_too_many_numbers_says_how_many_it_takes(path, surface):
    (note,) = [n for n in warnings_of(path, surface=surface, start="1,2,3") if "“start”" in n]
    assert t("url.numbers", "ko", count=2, lo="-1000", hi="1000") in note.replace("\\", ""), note
