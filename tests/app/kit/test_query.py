"""Reading typed values from a link: defaults for missing keys, notes for bad ones, never an exception."""

import math

from hypothesis import given
from hypothesis import strategies as st

from lrviz import surfaces
from lrviz.app.kit.query import Note, QueryReader, format_value, numbers, whole
from lrviz.schedules import SCHEDULES


def test_missing_keys_take_their_defaults_without_a_note():
    read = QueryReader({})
    assert read.number("lr", 1e-4, 10, 0.1) == 0.1
    assert read.choice("mode", ("a", "b"), "a") == "a"
    assert read.flag("big", False) is False
    assert read.notes == []


def test_good_values_are_read_as_their_types():
    read = QueryReader({"lr": "0.25", "steps": "300.0", "mode": "b", "big": "true", "start": "1, -2"})
    assert read.number("lr", 1e-4, 10, 0.1) == 0.25
    assert read.whole("steps", 1, 2000, 100) == 300
    assert read.choice("mode", ("a", "b"), "a") == "b"
    assert read.flag("big", False) is True
    assert read.numbers("start", -10, 10, 2, None) == (1.0, -2.0)
    assert read.notes == []


def test_bad_values_fall_back_and_leave_a_note_each():
    query = {"lr": "nan", "steps": "3.5", "mode": "<script>", "big": "maybe", "start": "1,2,3"}
    read = QueryReader(query)
    assert read.number("lr", 1e-4, 10, 0.1) == 0.1
    assert read.whole("steps", 1, 2000, 100) == 100
    assert read.choice("mode", ("a", "b"), "a") == "a"
    assert read.flag("big", False) is False
    assert read.numbers("start", -10, 10, 2, None) is None
    assert [n.key for n in read.notes] == ["lr", "steps", "mode", "big", "start"]
    assert read.notes[0] == Note("lr", "nan", "0.1", "0.0001–10")
    assert [n.allowed for n in read.notes[1:-1]] == ["1–2000", "a | b", "1 | 0"]
    # Three numbers in range for a start of two: the note says how many it takes, not only the range.
    assert read.notes[-1].takes("en") == "2 numbers separated by commas, each from -10 to 10"
    assert read.notes[-1].takes("ko") == "쉼표로 구분한 수 2개, 각각 -10부터 10까지"


def test_a_whole_numbers_range_is_written_whole():
    # A review: a seed's note said it takes "0–2.14748e+09" while its box said 2147483647.
    read = QueryReader({"seed": "-1", "lr": "11"})
    read.whole("seed", 0, 2**31 - 1, 0)
    read.number("lr", 1e-4, 10, 0.1)
    assert [n.allowed for n in read.notes] == ["0–2147483647", "0.0001–10"]


def test_a_refused_choice_names_the_default_as_its_menu_does():
    read = QueryReader({"surface": "nope", "view": "nope"})
    title = lambda n: surfaces.SURFACES[n].title  # noqa: E731
    assert read.choice("surface", surfaces.SURFACES, "quadratic", title) == "quadratic"
    assert read.choice("view", ("map", "3d"), "map") == "map"
    assert read.notes[0].shown("ko") == f"“{surfaces.SURFACES['quadratic'].title('ko')}”" != "“quadratic”"
    assert read.notes[1].shown("ko") == "“map”"  # no name given: the value as the link writes it


def test_a_note_repeats_at_most_sixty_characters_of_the_value():
    read = QueryReader({"mode": "x" * 10_000})
    read.choice("mode", ("a",), "a")
    assert len(read.notes[0].value) == 60


def test_hyper_parameters_are_checked_by_their_spec():
    read = QueryReader({"s.gamma": "0.5", "s.step_size": "-3"})
    assert read.params("s", SCHEDULES["step"]) == (("gamma", 0.5),)
    assert [n.key for n in read.notes] == ["s.step_size"]


def test_counts_can_be_a_range():
    assert numbers("1,2,3", 0, 5, range(1, 4)) == (1.0, 2.0, 3.0)
    assert numbers("1,2,3,4", 0, 5, range(1, 4)) is None
    assert numbers("", 0, 5, range(1, 4)) is None


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6))
def test_a_formatted_float_reads_back_within_six_digits(value):
    assert math.isclose(float(format_value(value)), value, rel_tol=1e-5, abs_tol=1e-300)


@given(st.text(max_size=40))
def test_any_text_is_read_or_refused_never_raised(text):
    read = QueryReader({k: text for k in ("a", "b", "c", "d")})
    read.number("a", 0, 1, 0.5)
    read.whole("b", 0, 10, 1)
    read.flag("c", False)
    read.numbers("d", 0, 1, range(1, 5), None)
    assert whole(text, 0, 10) in (None, *range(11))


def test_parameters_fine_alone_but_refused_together_are_all_dropped_with_notes():
    # Each is a valid rate on its own; a cycle whose top lies below its bottom is not.
    read = QueryReader({"s.base_lr": "0.5", "s.max_lr": "0.1", "s.step_size_up": "10"})
    assert read.params("s", SCHEDULES["cyclic"], lr=0.1) == ()
    assert {n.key for n in read.notes} == {"s.base_lr", "s.max_lr", "s.step_size_up"}
    fine = QueryReader({"s.base_lr": "0.01", "s.max_lr": "0.1"})
    assert fine.params("s", SCHEDULES["cyclic"], lr=0.1) == (("base_lr", 0.01), ("max_lr", 0.1))


def test_a_missing_default_is_none_and_reads_as_the_pages_own_default():
    read = QueryReader({"start": "1,2,3"})
    assert read.numbers("start", -10, 10, 2, None) is None
    assert read.notes[0].fallback is None  # shown as "the page's own default"
