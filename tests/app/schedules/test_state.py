"""The Schedules page's link: parse, write back, fall back with notes."""

from __future__ import annotations

import pytest

from lrviz.app.schedules.guide import ENTRIES, GALLERY
from lrviz.app.schedules.state import DEFAULT_OVERLAY, changes, parse, preset, to_query
from lrviz.schedules import SCHEDULES


def test_empty_link_opens_cosine_with_its_demo():
    config = parse({})
    assert config == preset("cosine") and not config.notes
    assert (config.lr, config.surface, config.optimizer) == (0.08, "ravine", "sgd")


@pytest.mark.parametrize("entry", GALLERY, ids=lambda e: e.key)
def test_a_card_link_is_just_its_key(entry):
    config = preset(entry.key, "ko")
    assert to_query(config) == {"lang": "ko", "open": entry.key}
    assert parse(to_query(config)) == config


def test_round_trip_with_every_kind_of_value():
    config = preset("cyclic_exp_range")
    query = {**to_query(config), "lr": "0.02", "steps": "300", "surface": "himmelblau",
             "optimizer": "rmsprop", "o.centered": "1", "s.step_size_down": "4", "s.max_lr": "0.5",
             "overlay": "none", "big": "1"}
    parsed = parse(query)
    assert not parsed.notes and parsed.big
    expected = {"mode": "exp_range", "gamma": 0.98, "step_size_down": 4, "max_lr": 0.5}
    assert parsed.schedule_params() == expected
    assert parsed.overlay == () and parsed.optimizer_params == (("centered", True),)
    assert parse(to_query(parsed)) == parsed


def test_changes_are_relative_to_the_card_preset():
    spec = SCHEDULES["cosine_restarts"]
    preset_params = dict(ENTRIES["cosine_restarts"].params)  # T_mult = 2
    back_to_torch_default = spec.resolve({"T_mult": 1})
    assert changes(spec.defaults(), preset_params, back_to_torch_default) == (("T_mult", 1),)
    assert changes(spec.defaults(), preset_params, spec.resolve(preset_params)) == ()


def test_parameters_the_spec_rejects_together_fall_back_with_notes():
    config = parse({"open": "cyclic_triangular", "s.base_lr": "0.5", "s.max_lr": "0.1"})
    assert config.params == () and {n.key for n in config.notes} == {"s.base_lr", "s.max_lr"}


@pytest.mark.parametrize(("key", "value"), [("lr", "0"), ("lr", "nan"), ("steps", "2.5"), ("steps", "100000"),
                                            ("overlay", ""), ("overlay", ",".join(["step"] * 9) + ",x"),
                                            ("s.T_max", "-3"), ("open", "Cosine")])
def test_malformed_values_take_defaults_with_a_note(key, value):
    config = parse({key: value})
    assert [n.key for n in config.notes] == [key]
    assert config.overlay == DEFAULT_OVERLAY or key != "overlay"
