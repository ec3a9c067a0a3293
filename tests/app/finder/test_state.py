"""The LR finder's link: every key read back, bad values and disagreeing keys fall back with notes."""

import pytest

from lrviz import schedules
from lrviz.app.finder import state as fl


def test_round_trip_of_every_key():
    config = fl.Config(data="digits", width=64, depth=3, optimizer="adam",
                             optimizer_params=(("betas", (0.8, 0.99)),), batch=128, lr_min=1e-5, lr_max=3.0,
                             batches=300, seeds=3, steps=500, rates=16, view="search", check=True,
                             search=True, general=False, big=True, lang="ko")
    query = fl.to_query(config)
    assert query["o.betas"] == "0.8,0.99" and query["view"] == "search" and query["check"] == "1"
    assert query["big"] == "1"
    back = fl.parse(query)
    assert back == config and back.notes == ()


def test_missing_keys_take_the_defaults_quietly():
    assert fl.parse({}) == fl.DEFAULT and fl.parse({}).notes == ()


@pytest.mark.parametrize(("key", "value"), [
    ("batches", "0"), ("width", "1000000"), ("depth", "9"), ("data", "iris"), ("lr_min", "-1"),
    ("steps", "55"), ("view", "everything"), ("seeds", "1.5"), ("optimizer", "lion"), ("big", "yes"),
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
    broken = fl.Config(lr_min=2.0, lr_max=1.0, batch=500)
    assert fl.problems(broken) == [("finder.error.range", {"lo": "2", "hi": "1"}),
                                   ("finder.error.batch", {"batch": 500, "n": 450})]
    assert fl.problems(fl.DEFAULT) == []


def test_bad_optimizer_parameters_are_dropped_with_a_note():
    config = fl.parse({"optimizer": "sgd", "o.momentum": "7"})
    assert config.optimizer_params == () and [n.key for n in config.notes] == ["o.momentum"]


@pytest.mark.parametrize(("schedule", "params", "written"), [
    ("cosine", (("T_max", 120), ("eta_min", 0.001)), {"s.T_max": "120", "s.eta_min": "0.001"}),
    ("multistep", (("milestones", (100, 200)), ("gamma", 0.5)),
     {"s.milestones": "100,200", "s.gamma": "0.5"}),
    ("cyclic", (("max_lr", 20.0), ("mode", "triangular2")), {"s.max_lr": "20", "s.mode": "triangular2"}),
])
def test_round_trip_of_a_schedule_and_its_parameters(schedule, params, written):
    config = fl.Config(steps=500, schedule=schedule, schedule_params=params)
    query = fl.to_query(config)
    assert query["schedule"] == schedule and {k: query[k] for k in written} == written
    back = fl.parse(query)
    assert back == config and back.notes == ()


@pytest.mark.parametrize(("query", "keys"), [
    ({"schedule": "plateau"}, ["schedule"]),  # needs a loss per epoch: not offered here
    ({"schedule": "cosine!"}, ["schedule"]),
    ({"schedule": "cosine", "s.T_max": "-3"}, ["s.T_max"]),
    ({"schedule": "cosine", "s.T_max": "abc", "s.eta_min": "0.01"}, ["s.T_max"]),
    ({"schedule": "warmup_cosine", "s.warmup_steps": "400"}, ["s.warmup_steps"]),  # total_steps = 300
    ({"schedule": "cyclic", "s.max_lr": "5"}, ["s.max_lr"]),  # base_lr = the rate, up to lr_max = 10
])
def test_a_bad_schedule_or_parameter_falls_back_with_a_note(query, keys):
    config = fl.parse(query)
    assert [note.key for note in config.notes] == keys
    if keys == ["schedule"]:
        assert (config.schedule, config.schedule_params) == ("constant", ())
    else:
        assert config.schedule == query["schedule"]
        assert dict(config.schedule_params) == ({"eta_min": 0.01} if "s.eta_min" in query else {})


def test_schedule_parameters_are_checked_at_the_highest_rate_that_stays():
    cyclic = {"schedule": "cyclic", "s.max_lr": "0.6"}
    assert fl.parse({**cyclic, "lr_max": "0.5"}).schedule_params == (("max_lr", 0.6),)
    # lr_min above lr_max: both fall back, and 0.6 is below the default lr_max (10) that replaces them.
    config = fl.parse({**cyclic, "lr_min": "1", "lr_max": "0.5"})
    assert config.lr_max == fl.DEFAULT.lr_max and config.schedule_params == ()
    assert {note.key for note in config.notes} == {"lr_min", "lr_max", "s.max_lr"}


def test_horizon_defaults_fit_the_training_budget():
    # The registry's horizons suit 100 steps; at 300 they are three times longer, at 50 half as long.
    assert schedules.for_steps("cosine", 100) == schedules.SCHEDULES["cosine"]
    assert schedules.for_steps("cosine", 300).param("T_max").default == 300
    assert schedules.for_steps("multistep", 300).param("milestones").default == (90, 180, 240)
    warm = schedules.for_steps("warmup_cosine", 50)
    assert (warm.param("warmup_steps").default, warm.param("total_steps").default) == (5, 50)
    assert schedules.for_steps("onecycle", 2000).param("total_steps").default == 2000
    assert schedules.for_steps("cosine", 10**6).param("T_max").default == 10_000  # the parameter's bound
    assert schedules.for_steps("exponential", 300) == schedules.SCHEDULES["exponential"]  # no horizon
    with pytest.raises(ValueError, match="steps"):
        schedules.for_steps("cosine", 0)


def test_every_training_gets_the_schedule_and_the_range_test_does_not():
    config = fl.Config(steps=300, schedule="cosine")
    assert config.model["schedule"] == "cosine" and config.model["schedule_params"]["T_max"] == 300
    given = fl.Config(steps=300, schedule="cosine", schedule_params=(("T_max", 50),))
    assert given.model["schedule_params"] == {"T_max": 50, "eta_min": 0.0}
    assert "schedule" not in config.network and "schedule_params" not in config.network
    assert fl.DEFAULT.model["schedule"] == "constant"
    assert "plateau" not in fl.SCHEDULES and "cosine" in fl.SCHEDULES
