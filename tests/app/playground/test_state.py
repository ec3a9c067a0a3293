"""Shareable links: parse, fall back with notes, and write back."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrviz.app.playground import state as links
from lrviz.app.playground.state import DEFAULT, Config, parse, to_query


def test_empty_query_gives_the_defaults():
    config = parse({})
    assert config == DEFAULT and config.notes == ()


def test_a_lecturers_link_reopens_the_same_demo():
    query = {"surface": "ravine", "optimizer": "momentum", "lr": "0.07", "schedule": "step",
             "steps": "300", "start": "-2.5,0.9", "lang": "ko", "o.momentum": "0.8", "s.gamma": "0.5",
             "noise": "0.1", "clip": "2", "seed": "7", "frame": "12", "big": "1"}
    config = parse(query)
    assert config.notes == ()
    assert (config.surface, config.optimizer, config.lr, config.steps) == ("ravine", "momentum", 0.07, 300)
    assert config.start == (-2.5, 0.9) and config.lang == "ko" and config.big and config.frame == 12
    assert dict(config.optimizer_params) == {"momentum": 0.8}
    assert dict(config.schedule_params) == {"gamma": 0.5}
    assert parse(to_query(config)) == config


@pytest.mark.parametrize(
    ("key", "value"),
    [("surface", "banana"), ("optimizer", "lion"), ("lr", "abc"), ("lr", "-1"), ("lr", "nan"), ("lr", "1e9"),
     ("schedule", "warp"), ("steps", "0"), ("steps", "2.5"), ("steps", "999999"), ("start", "1,2,3"),
     ("start", "x"), ("lang", "fr"), ("noise", "-3"), ("clip", "0"), ("seed", "-1"), ("view", "4d"),
     ("frame", "-1"), ("frame", "101"), ("frame", "2.5"), ("big", "maybe"), ("o.momentum", "7"),
     ("s.gamma", "2")],
)
def test_a_bad_value_falls_back_to_the_default_with_a_note(key, value):
    query = {"optimizer": "momentum", "schedule": "step", key: value}
    config = parse(query)
    assert [n.key for n in config.notes] == [key]
    assert config.notes[0].value == value


def test_old_links_of_the_scrub_mode_open_without_a_note():
    # Scrub mode went (its chart is part of the rate slider's chart): `mode` is no key any more.
    config = parse({"surface": "quadratic", "mode": "scrub"})
    assert config.notes == () and "mode" not in to_query(config)


def test_a_bad_formula_falls_back_to_the_default_surface():
    config = parse({"surface": "custom", "formula": "__import__('os')"})
    assert config.surface == DEFAULT.surface and config.notes[0].key == "formula"
    good = parse({"surface": "custom", "formula": "x^2 + y^2", "dim": "2"})
    assert good.surface == "custom" and links.surface_of(good).dim == 2


def test_parameter_combinations_the_spec_rejects_are_dropped():
    config = parse({"optimizer": "sgd", "o.nesterov": "1"})  # nesterov needs momentum > 0
    assert config.optimizer_params == () and config.notes


@given(st.dictionaries(st.sampled_from(["surface", "lr", "steps", "start", "optimizer", "schedule", "lang",
                                        "o.momentum", "s.T_max", "formula", "dim", "clip", "noise"]),
                       st.text(max_size=40), max_size=8))
def test_parsing_never_raises_and_always_round_trips(query):
    config = parse(query)
    assert isinstance(config, Config)
    assert parse(to_query(config)) == config
