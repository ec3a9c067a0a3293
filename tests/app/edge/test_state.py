"""The /edge page's link: every key read back, lists sorted, bad values and broken rules fall back, noted."""

import pytest

from lrviz.app.edge import compute
from lrviz.app.edge import state as es
from lrviz.nn import edge


def test_round_trip_of_every_key():
    config = es.Config(view="warmup", lrs=(0.2, 0.45), steps=1500, adam_lrs=(0.001,), beta1=0.8,
                       adam_steps=300, lo=0.8, hi=1.9, runs=8, peaks=(2.0, 5.5), lengths=(0, 250),
                       decay="cosine", big=True, lang="ko")
    query = es.to_query(config)
    assert query["lrs"] == "0.2,0.45" and query["lengths"] == "0,250" and query["decay"] == "cosine"
    back = es.parse(query)
    assert back == config and back.notes == ()


def test_the_defaults_are_the_cores_and_need_no_key():
    assert es.parse({}) == es.DEFAULT and es.parse({}).notes == ()
    assert es.DEFAULT.lrs == edge.EOS_LRS and es.DEFAULT.adam_lrs == edge.ADAM_LRS
    assert es.DEFAULT.peaks == edge.PEAKS and es.DEFAULT.lengths == edge.LENGTHS
    assert es.DEFAULT.multiples == pytest.approx(edge.MULTIPLES)


def test_lists_are_read_sorted_and_each_value_once():
    config = es.parse({"lrs": "0.5, 0.3,0.5", "lengths": "400,0"})
    assert config.lrs == (0.3, 0.5) and config.lengths == (0, 400) and config.notes == ()


@pytest.mark.parametrize(("key", "value"), [
    ("lrs", "2"), ("lrs", "0.1,0.2,0.3,0.4,0.5,0.6"), ("lrs", "0.1,,x"), ("adam_lrs", "0.5"),
    ("steps", "150"), ("steps", "5000"), ("beta1", "1"), ("lo", "0"), ("runs", "2"), ("peaks", "25"),
    ("lengths", "1000"), ("lengths", "1.5"), ("decay", "linear"), ("view", "everything"), ("big", "yes"),
])
def test_a_bad_value_falls_back_to_its_default_with_a_note(key, value):
    config = es.parse({key: value})
    assert getattr(config, key) == getattr(es.DEFAULT, key)
    assert [note.key for note in config.notes] == [key]


def test_keys_that_break_a_rule_fall_back_together():
    config = es.parse({"lo": "1.5", "hi": "1.2"})
    assert (config.lo, config.hi) == (es.DEFAULT.lo, es.DEFAULT.hi)
    assert {(n.key, n.allowed) for n in config.notes} == {("lo", "lo < hi"), ("hi", "lo < hi")}
    assert es.parse({"lo": "1.5"}).lo == 1.5
    assert es.parse({"hi": "0.4"}).hi == es.DEFAULT.hi  # the default lo (0.5) is not below 0.4


def test_problems_name_the_rule_and_the_values():
    broken = es.Config(lo=2.0, hi=1.0, steps=150)
    assert es.problems(broken) == [("edge.error.steps", {"steps": 150, "unit": 100}),
                                   ("edge.error.range", {"lo": "2", "hi": "1"})]
    assert es.problems(es.DEFAULT) == []


def test_each_section_is_cached_by_its_own_settings_only():
    base = es.Config(lrs=(0.2,), runs=8, decay="cosine", big=True, lang="ko", view="adam")
    assert compute.part(base, "eos") == es.Config(lrs=(0.2,))
    assert compute.part(base, "catapult") == es.Config(runs=8)
    assert compute.part(base, "warmup") == es.Config(decay="cosine")
    assert compute.part(base, "adam") == es.DEFAULT
