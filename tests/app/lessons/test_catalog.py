"""The lesson files keep their schema: pages that exist, links their page reads without a note,
captions and step names in both languages, claims of known kinds; and the six lessons cover the
lecture's topics."""

import re

import pytest

from lrviz.app.lessons import claims, ui
from lrviz.app.lessons.catalog import FOLDER, PARSE, lessons, read
from lrviz.i18n import table

LESSONS = list(lessons().values())
STEPS = [step for lesson in LESSONS for step in lesson.steps]


def test_every_file_is_a_lesson_and_the_six_topics_are_there():
    assert {p.stem for p in FOLDER.glob("*.toml")} == set(lessons())
    assert {"rate", "traps", "momentum", "schedules", "finder", "cliff"} <= set(lessons())
    assert [lesson.order for lesson in LESSONS] == sorted(lesson.order for lesson in LESSONS)
    assert set(PARSE) == set(ui.HOSTS)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda x: x.id)
def test_lesson_words_exist_in_both_languages(lesson):
    for lang in ("en", "ko"):
        words = table(lang)
        assert words[f"lessons.{lesson.id}.title"] and words[f"lessons.{lesson.id}.summary"]
        for step in lesson.steps:
            assert step.caption(lang).strip()
            assert f"lessons.{lesson.id}.{step.id}" in words
            assert f"lessons.{lesson.id}.names.{step.id}" in words
        # every step's label in the step list fits the box whole
        for k in range(1, len(lesson.steps) + 1):
            assert not ui.step_label(lesson, k, lang).endswith("…"), ui.step_label(lesson, k, lang)
    assert len({s.id for s in lesson.steps}) == len(lesson.steps)
    assert re.search("[\uac00-\ud7a3]", lesson.title("ko"))


@pytest.mark.parametrize("step", STEPS, ids=[f"{s.lesson}-{s.id}" for s in STEPS])
def test_each_step_link_parses_without_a_note(step):
    page, _ = ui.HOSTS[step.page]
    for lang in ("en", "ko"):
        for big in (False, True):
            assert PARSE[step.page](step.query(lang, big)).notes == ()
            assert page.parse(step.query(lang, big)).notes == ()  # the parse the page really calls
    assert not claims.unknown(step)


def test_a_broken_file_is_refused_with_its_name(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('order = 1\n[[step]]\nid = "a"\npage = "nowhere"\nlink = {}\n')
    with pytest.raises(ValueError, match=r"broken\.toml"):
        read(path)
