"""The LR finder's link: every key read back, bad values and disagreeing keys fall back with notes."""

import pytest

from lrviz import finder_links as fl


def test_round_trip_of_every_key():
    config = fl.FinderConfig(data="digits", width=64, depth=3, optimizer="adam",
                             optimizer_params=(("betas", (0.8, 0.99)),), batch=128, lr_min=1e-5, lr_max=3.0,
                             batches=300, seeds=3, steps=500, rates=16, view="search", check=True,
                             search=True, general=False, lang="ko")
    query = fl.query(config)
    assert query["o.betas"] == "0.8,0.99" and query["view"] == "search" and query["check"] == "1"
    back = fl.parse(query)
    assert back == config and back.notes == ()


def test_missing_keys_take_the_defaults_quietly():
    assert fl.parse({}) == fl.DEFAULT and fl.parse({}).notes == ()


@pytest.mark.parametrize(("key", "value"), [
    ("batches", "0"), ("width", "1000000"), ("depth", "9"), ("data", "iris"), ("lr_min", "-1"),
    ("steps", "55"), ("view", "everything"), ("seeds", "1.5"), ("optimizer", "lion"),
])
def test_a_bad_value_falls_back_to_its_default_with_a_note(key, value):
    config = fl.parse({key: value})
    assert getattr(config, key) == getattr(fl.DEFAULT, key)
    assert [note.key for note in config.notes] == [key]


def test_keys_that_disagree_fall_back_together():
    config = fl.parse({"lr_min": "1", "lr_max": "0.5"})
    assert (config.lr_min, config.lr_max) == (fl.DEFAULT.lr_min, fl.DEFAULT.lr_max)
    assert {note.key for note in config.notes} == {"lr_min", "lr_max"}
    big_batch = fl.parse({"batch": "500"})  # two moons have 450 training points
    assert big_batch.batch == fl.DEFAULT.batch and [n.key for n in big_batch.notes] == ["batch"]
    assert fl.parse({"batch": "500", "data": "digits"}).batch == 500  # the digits have 1,348


def test_problems_name_the_rule_and_the_values():
    broken = fl.FinderConfig(lr_min=2.0, lr_max=1.0, batch=500)
    assert fl.problems(broken) == [("finder.error.range", {"lo": "2", "hi": "1"}),
                                   ("finder.error.batch", {"batch": 500, "n": 450})]
    assert fl.problems(fl.DEFAULT) == []


def test_bad_optimizer_parameters_are_dropped_with_a_note():
    config = fl.parse({"optimizer": "sgd", "o.momentum": "7"})
    assert config.optimizer_params == () and [n.key for n in config.notes] == ["o.momentum"]
