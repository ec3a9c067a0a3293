"""Refused hyper-parameters explain themselves in the student's language."""

import pickle

import pytest

from lrviz import optimizers, schedules
from lrviz.i18n import BilingualError, Key, message
from lrviz.surfaces import ExpressionError, from_expression


def _refusal(call) -> BilingualError:
    with pytest.raises(BilingualError) as caught:
        call()
    return caught.value


def test_a_value_out_of_range_names_the_parameter_and_the_range_in_both_languages():
    error = _refusal(lambda: schedules.get("step").resolve({"step_size": -3}, 0.1))
    assert isinstance(error, ValueError)  # callers that catch ValueError still do
    assert message(error, "en") == str(error) == "`step_size` (=-3) must be an integer in [1, 10000]."
    assert message(error, "ko") == "`step_size`에는 [1, 10000] 범위의 정수만 쓸 수 있습니다(받은 값: -3)."


@pytest.mark.parametrize(("call", "korean"), [
    (lambda: schedules.get("cyclic").resolve({"base_lr": 0.5, "max_lr": 0.1}, 0.1), "이상이어야 합니다"),
    (lambda: schedules.get("warmup_cosine").resolve({"warmup_steps": 50, "total_steps": 40}, 0.1),
     "보다 커야"),
    (lambda: optimizers.get("sgd").resolve({"nesterov": True, "momentum": 0.0}, 0.1), "0보다 커야"),
    (lambda: optimizers.get("adam").resolve({"betas": "0.9"}, 0.1), "`betas`에는"),
])
def test_rules_across_parameters_speak_korean_too(call, korean):
    error = _refusal(call)
    assert korean in message(error, "ko")
    assert not any("\uac00" <= ch <= "\ud7a3" for ch in message(error, "en"))


def test_errors_survive_pickling_and_plain_errors_pass_through():
    error = _refusal(lambda: schedules.get("step").resolve({"gamma": -1}, 0.1))
    again = pickle.loads(pickle.dumps(error))
    assert again.message == error.message
    assert message(ValueError("plain"), "ko") == "plain"
    formula = _refusal(lambda: from_expression("x +", 1))
    assert isinstance(formula, ExpressionError) and formula.message("ko") != formula.message("en")
    assert isinstance(BilingualError(Key("param.range.bool")), ValueError)
