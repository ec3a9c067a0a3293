"""/lessons in AppTest: the list; every step of every lesson drawn for real, in both languages and in
presentation mode, one session per lesson as a lecturer would click through it; moving keeps the link."""

import pytest

from lrviz.app.lessons.catalog import lessons
from tests.apptest import open_page, param, texts

LESSONS = list(lessons().values())


def test_without_a_lesson_the_page_lists_them():
    at = open_page("pages/lessons.py")
    assert not at.exception
    shown = texts(at)
    for lesson in LESSONS:
        assert lesson.title("en") in [h.value for h in at.subheader] and f"{len(lesson.steps)} steps" in shown


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda x: x.id)
def test_every_step_draws_its_page_in_both_languages(lesson):
    """Forward through the lesson in English with big=1, then back in Korean."""
    n = len(lesson.steps)
    at = open_page("pages/lessons.py", timeout=120, lesson=lesson.id, step="1", big="1")
    for k in range(1, n + 1):
        if k > 1:
            at.button(key="ls_next").click().run(timeout=120)
        assert not at.exception, (k, [e.value for e in at.exception])
        assert param(at, "step") == str(k) and param(at, "lesson") == lesson.id and param(at, "big") == "1"
        assert any(f"Step {k} of {n}" in i.value and lesson.steps[k - 1].caption("en") in i.value
                   for i in at.info)
    at.segmented_control(key="lang").set_value("ko").run(timeout=120)
    for k in range(n, 0, -1):
        if k < n:
            at.button(key="ls_previous").click().run(timeout=120)
        assert not at.exception, (k, [e.value for e in at.exception])
        assert param(at, "lang") == "ko"
        assert any(f"{n}단계 중 {k}단계" in i.value and lesson.steps[k - 1].caption("ko") in i.value
                   for i in at.info)


def test_a_step_seeds_its_page_and_the_jump_list_moves():
    at = open_page("pages/lessons.py", lesson="rate", step="4")
    assert at.session_state["pg_lr"] == pytest.approx(1.05)
    at.selectbox(key="ls_jump").set_value(2).run()
    assert not at.exception and param(at, "step") == "2"
    assert at.session_state["pg_lr"] == pytest.approx(0.3)
    at.toggle(key="ls_big").set_value(True).run()
    assert param(at, "big") == "1" and at.session_state["pg_big"] is True
    # One presentation toggle, the lesson's: the playground's own in the sidebar fought it (a lecturer).
    assert [tg.key for tg in at.toggle if tg.key.endswith("big")] == ["ls_big"]


def test_step_labels_are_cut_to_the_box_with_an_ellipsis_counting_hangul_double():
    from lrviz.app.lessons.ui import STEP_LABEL_COLUMNS, _short

    assert _short("short") == "short"
    english = _short("2/10 · Playground: η = 0.3 walks straight down to the minimum without overshooting.")
    korean = _short("2/10 · 놀이터: η = 0.3은 최솟값을 건너지 않고 곧장 내려가 수렴합니다.")
    assert english.endswith("…") and len(english) == STEP_LABEL_COLUMNS
    assert korean.endswith("…") and len(korean) < len(english)  # each syllable takes two columns
    assert korean.startswith("2/10 · 놀이터: η = 0.3은 최솟값을")


def test_a_student_who_tried_other_settings_gets_the_steps_back():
    """The step's page is real, so a student changes it; the sidebar's reset seeds it again, the
    rate included, and the link stays the lesson's."""
    at = open_page("pages/lessons.py", lesson="rate", step="4")
    at.session_state["pg_lr"] = 0.02  # as the chart's slider, released, sets it
    at.session_state["pg_steps"] = 300  # as the chart's steps, released, set them
    at.run()
    assert at.session_state["pg_lr"] == pytest.approx(0.02) and at.session_state["pg_steps"] == 300
    at.button(key="ls_reset").click().run()
    assert not at.exception
    assert at.session_state["pg_lr"] == pytest.approx(1.05) and at.session_state["pg_steps"] == 100
    assert param(at, "step") == "4" and param(at, "lesson") == "rate"
