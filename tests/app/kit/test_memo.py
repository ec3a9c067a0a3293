"""lrviz.app.kit.memo: a memo bounded by the bytes it keeps."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrviz.app.kit import memo


def _counted(budget: int):
    calls: list[tuple] = []

    @memo.bytes_lru(budget)
    def make(name: str, size: int) -> bytes:
        calls.append((name, size))
        return name.encode()[:1] * size

    return make, calls


def test_a_hit_does_not_call_again_and_the_least_recently_used_goes_first():
    make, calls = _counted(10)
    assert make("a", 4) == b"aaaa"
    make("b", 4)
    make("a", 4)  # a hit: a is now the most recently used
    assert calls == [("a", 4), ("b", 4)]
    make("c", 4)  # 12 bytes > 10: b (least recently used) goes, a stays
    assert make.cache_bytes() == (2, 8)
    make("a", 4)
    make("b", 4)
    assert calls == [("a", 4), ("b", 4), ("c", 4), ("b", 4)]


def test_a_result_larger_than_the_budget_is_returned_and_not_kept():
    make, calls = _counted(10)
    make("a", 4)
    assert make("z", 11) == b"z" * 11
    assert make.cache_bytes() == (1, 4)
    make("z", 11)
    assert calls.count(("z", 11)) == 2


def test_cache_clear_forgets_everything():
    make, calls = _counted(10)
    make("a", 4)
    make.cache_clear()
    assert make.cache_bytes() == (0, 0)
    make("a", 4)
    assert len(calls) == 2


def test_an_empty_result_is_not_kept():
    make, calls = _counted(10)
    make("a", 0)
    make("a", 0)
    assert make.cache_bytes() == (0, 0) and len(calls) == 2


@given(st.integers(0, 64), st.lists(st.tuples(st.sampled_from("abcdef"), st.integers(0, 40)), max_size=60))
def test_it_keeps_exactly_the_most_recent_results_that_fit(budget, asks):
    """Against a model of the rule: a hit moves to the back, a kept miss joins it, and the front
    goes until the kept bytes fit the budget."""
    make, calls = _counted(budget)
    model: dict[tuple[str, int], int] = {}  # key -> bytes, least recently used first
    for name, size in asks:
        called = len(calls)
        assert make(name, size) == name.encode() * size
        key = (name, size)
        assert (len(calls) > called) == (key not in model)
        if key in model:
            model[key] = model.pop(key)
        elif 0 < size <= budget:
            model[key] = size
            while sum(model.values()) > budget:
                del model[next(iter(model))]
        assert make.cache_bytes() == (len(model), sum(model.values()))


def _held(budget: int = 100):
    """A memo whose builds wait for ``release``; ``started`` is set once a build has begun."""
    calls: list[str] = []
    started, release = threading.Event(), threading.Event()

    @memo.bytes_lru(budget)
    def make(name: str) -> bytes:
        calls.append(name)
        started.set()
        release.wait(10)
        if name == "bad":
            raise ValueError(name)
        return name.encode()

    return make, calls, started, release


def _together(make, name: str, started: threading.Event, release: threading.Event) -> list:
    """Two threads ask for ``name``, the second while the first is building it."""
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(make, name)
        assert started.wait(10)
        second = pool.submit(make, name)
        time.sleep(0.2)  # the second thread is at the memo by now
        release.set()
        return [first.exception(10) or first.result(), second.exception(10) or second.result()]


def test_a_result_asked_for_while_it_is_being_built_is_built_once():
    make, calls, started, release = _held()
    assert _together(make, "a", started, release) == [b"a", b"a"]
    assert calls == ["a"] and make.cache_bytes() == (1, 1)
    assert make("a") == b"a" and calls == ["a"]


def test_a_build_that_raises_raises_for_both_and_is_tried_again_next_time():
    make, calls, started, release = _held()
    raised = _together(make, "bad", started, release)
    assert [type(e) for e in raised] == [ValueError, ValueError] and calls == ["bad"]
    with pytest.raises(ValueError):
        make("bad")
    assert calls == ["bad", "bad"] and make.cache_bytes() == (0, 0)
