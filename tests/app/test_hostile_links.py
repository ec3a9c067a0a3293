"""Every page's link parser against any query string: never raises, keeps only valid values, notes the rest.

One table over the pages (:data:`PAGES`): each row is the page's ``parse`` (the schedules page's twice: its
state's and the ``ui._parse`` the page really calls, which moves the rate onto the slider's grid), its
``to_query``, the keys it reads, and two checks of a parsed config:

- ``valid(config)``: every value within its declared range or choices (each declared field reads back as
  itself; hyper-parameters pass their spec at the rate they run at; rows, starts and formulas their rules);
- ``noted(query, config)``: every key the page reads that the link gave is either in the config as the
  link said it (read alone, the way the page reads it) or in the config's notes.

A query is built as ``st.query_params`` hands it to a page: a repeated key gives its last value. Keys the
page does not read (``utm_source``, ``o.<name>`` of another optimizer) are ignored without a note.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from lrviz import optimizers, schedules, surfaces
from lrviz.app.compare import state as compare
from lrviz.app.edge import state as edge
from lrviz.app.finder import state as finder
from lrviz.app.kit import link
from lrviz.app.kit.query import QueryReader, format_value, numbers
from lrviz.app.kit.rates import LR_GRID, LR_RANGE
from lrviz.app.playground import state as playground
from lrviz.app.schedules import state as schedule_state
from lrviz.app.schedules import ui as schedule_ui
from lrviz.app.schedules.guide import ENTRIES
from lrviz.app.sweep import state as sweep
from lrviz.params import Spec
from tests.app.hostile import GOOD, HOSTILE, KEYS, OTHER_KEYS, PARAM_KEYS, ROW_KEYS, XSS

_MISSING = object()


# ---------------------------------------------------------------- checks shared by every page


def _alone(spec: link.Link, key: str, text: str) -> Any:
    """What the field's reader makes of ``text`` on its own: the value, or _MISSING if it refuses it."""
    reader = QueryReader({key: text})
    value = spec.read(reader, key, _MISSING)
    return _MISSING if reader.notes else value


def valid_declared(config: Any) -> None:
    """Every declared field, written as a link writes it, reads back as itself without a note."""
    for name, spec in link.declared(type(config)):
        value = getattr(config, name)
        if value is None:  # an unset optional field (the playground's clip)
            continue
        key = spec.key or name
        assert _alone(spec, key, spec.show(value)) == value, (name, value)


def noted_declared(config: Any, query: Mapping[str, str], noted: set[str], only: Collection | None = None,
                   because: Mapping[str, str] = {}) -> None:
    """Each declared field the link gave is in the config as the link said, or noted (or ``because[key]``
    is noted: a custom surface falls back when its formula is refused)."""
    for name, spec in link.declared(type(config)):
        key = spec.key or name
        if key not in query or (only is not None and key not in only):
            continue
        given = _alone(spec, key, query[key])
        if given is _MISSING:
            assert key in noted, (key, query[key])
        else:
            kept = spec.show(getattr(config, name)) == spec.show(given)
            assert kept or key in noted or because.get(key) in noted, (key, query[key])


def valid_params(params: tuple[tuple[str, Any], ...], spec: Spec, lr: float, on_top_of: Mapping = ()) -> None:
    names = [name for name, _ in params]
    assert len(set(names)) == len(names) and set(names) <= {p.name for p in spec.params}
    for name, value in params:
        assert spec.param(name).check(value) == value
        assert spec.param(name).check(format_value(value)) == value  # the link says exactly this value
    spec.resolve({**dict(on_top_of), **dict(params)}, lr)


def noted_params(query: Mapping[str, str], prefix: str, spec: Spec, params: tuple, noted: set[str]) -> None:
    kept = dict(params)
    for p in spec.params:
        key = f"{prefix}.{p.name}"
        if key not in query:
            continue
        try:
            given = p.check(query[key])
        except ValueError:
            assert key in noted, (key, query[key])
            continue
        assert key in noted or (p.name in kept and format_value(kept[p.name]) == format_value(given)), key


def valid_start(start: tuple[float, ...] | None, dim: int) -> None:
    assert start is None or (len(start) == dim and all(-1e3 <= v <= 1e3 for v in start))


def noted_start(query: Mapping[str, str], start: tuple[float, ...] | None, dim: int, noted: set[str]) -> None:
    if "start" in query:
        given = numbers(query["start"], -1e3, 1e3, dim)
        assert "start" in noted or (given is not None and format_value(start) == format_value(given))


# ---------------------------------------------------------------- one row per page


def _playground_dim(config: playground.Config) -> int:
    return config.dim if config.surface == playground.CUSTOM else surfaces.SURFACES[config.surface].dim


def playground_valid(config: playground.Config) -> None:
    valid_declared(config)
    valid_params(config.optimizer_params, optimizers.OPTIMIZERS[config.optimizer], config.lr)
    valid_params(config.schedule_params, schedules.SCHEDULES[config.schedule], config.lr)
    if config.surface == playground.CUSTOM:
        assert config.dim in (1, 2) and playground.surface_of(config).dim == config.dim
    else:
        assert (config.formula, config.dim) == ("", 1)
    valid_start(config.start, _playground_dim(config))


def playground_noted(query: Mapping[str, str], config: playground.Config, noted: set[str],
                     declared: Collection | None = None) -> None:
    noted_declared(config, query, noted, declared, because={"surface": "formula"})
    noted_params(query, "o", optimizers.OPTIMIZERS[config.optimizer], config.optimizer_params, noted)
    noted_params(query, "s", schedules.SCHEDULES[config.schedule], config.schedule_params, noted)
    noted_start(query, config.start, _playground_dim(config), noted)
    if "dim" in query:
        reader = QueryReader({"dim": query["dim"]})
        reader.whole("dim", 1, 2, 1)
        assert not reader.notes or "dim" in noted
    if query.get("surface") == playground.CUSTOM:
        assert config.surface == playground.CUSTOM or "formula" in noted
        if config.surface == playground.CUSTOM:
            assert config.formula == query.get("formula", "")[:300]


def compare_valid(config: compare.Config) -> None:
    valid_declared(config)
    assert 1 <= len(config.rows) <= compare.MAX_ROWS
    for row in config.rows:
        assert row.optimizer in optimizers.OPTIMIZERS and row.schedule in schedules.SCHEDULES
        assert LR_RANGE[0] <= row.lr <= LR_RANGE[1]
        valid_params(row.optimizer_params, optimizers.OPTIMIZERS[row.optimizer], row.lr)
        valid_params(row.schedule_params, schedules.SCHEDULES[row.schedule], row.lr)
    valid_start(config.start, surfaces.SURFACES[config.surface].dim)


def compare_noted(query: Mapping[str, str], config: compare.Config, noted: set[str]) -> None:
    noted_declared(config, query, noted)
    noted_start(query, config.start, surfaces.SURFACES[config.surface].dim, noted)
    indices = compare._row_indices(query)
    assert config.extra_rows == max(0, len(indices) - compare.MAX_ROWS)  # the page says so in a note
    if not indices:
        assert config.rows == compare.DEFAULT_ROWS
    for i, row in zip(indices, config.rows, strict=False):
        key = f"r{i}"
        given, clean = compare.parse_row(query.get(key, ""))
        assert (key in noted) if not clean else (row.head() == given.head())
        noted_params(query, f"{key}.o", optimizers.OPTIMIZERS[row.optimizer], row.optimizer_params, noted)
        noted_params(query, f"{key}.s", schedules.SCHEDULES[row.schedule], row.schedule_params, noted)


def sweep_valid(config: sweep.Config) -> None:
    valid_declared(config)
    base = config.base
    assert config.lo < config.hi and base.optimizer == config.optimizers[0]
    playground_valid(base)
    for lr in (config.lo, config.hi):
        valid_params(base.optimizer_params, optimizers.OPTIMIZERS[base.optimizer], lr)
        valid_params(base.schedule_params, schedules.SCHEDULES[base.schedule], lr)


def sweep_noted(query: Mapping[str, str], config: sweep.Config, noted: set[str]) -> None:
    noted_declared(config, query, noted)
    shared = {k for k in sweep._SHARED if k != "optimizer"}
    playground_noted(query, config.base, noted, declared=shared)


def schedules_valid(config: schedule_state.Config) -> None:
    assert config.open in ENTRIES
    valid_declared(config)
    valid_params(config.params, schedules.SCHEDULES[config.schedule], config.lr, config.entry.params)
    valid_params(config.optimizer_params, optimizers.OPTIMIZERS[config.optimizer], config.lr)


def schedules_ui_valid(config: schedule_state.Config) -> None:
    schedules_valid(config)
    assert config.lr in LR_GRID  # the page's rate is a slider over the grid


def schedules_noted(query: Mapping[str, str], config: schedule_state.Config, noted: set[str]) -> None:
    if "open" in query:
        assert "open" in noted or config.open == query["open"]
    noted_declared(config, query, noted)
    noted_params(query, "s", schedules.SCHEDULES[config.schedule], config.params, noted)
    noted_params(query, "o", optimizers.OPTIMIZERS[config.optimizer], config.optimizer_params, noted)


def finder_valid(config: finder.Config) -> None:
    valid_declared(config)
    assert finder.problems(config) == []
    assert config.schedule in finder.SCHEDULES and config.steps % finder.EVALS == 0
    valid_params(config.optimizer_params, optimizers.OPTIMIZERS[config.optimizer], config.lr_max)
    valid_params(config.schedule_params, schedules.for_steps(config.schedule, config.steps), config.lr_max)


def finder_noted(query: Mapping[str, str], config: finder.Config, noted: set[str]) -> None:
    noted_declared(config, query, noted)
    noted_params(query, "o", optimizers.OPTIMIZERS[config.optimizer], config.optimizer_params, noted)
    schedule = schedules.for_steps(config.schedule, config.steps)
    noted_params(query, "s", schedule, config.schedule_params, noted)


def edge_valid(config: edge.Config) -> None:
    valid_declared(config)
    assert edge.problems(config) == [] and config.lo < config.hi
    for name in edge.LISTS:  # sorted, each value once
        values = getattr(config, name)
        assert list(values) == sorted(set(values))


def edge_noted(query: Mapping[str, str], config: edge.Config, noted: set[str]) -> None:
    noted_declared(config, query, noted)


@dataclass(frozen=True)
class Page:
    name: str
    parse: Callable[[Mapping[str, str]], Any]
    to_query: Callable[[Any], dict[str, str]]
    keys: tuple[str, ...]
    valid: Callable[[Any], None]
    noted: Callable[[Mapping[str, str], Any, set[str]], None]


PAGES = (
    Page("playground", playground.parse, playground.to_query, KEYS["playground"], playground_valid,
         playground_noted),
    Page("compare", compare.parse, compare.to_query, KEYS["compare"], compare_valid, compare_noted),
    Page("sweep", sweep.parse, sweep.to_query, KEYS["sweep"], sweep_valid, sweep_noted),
    Page("schedules", schedule_state.parse, schedule_state.to_query, KEYS["schedules"], schedules_valid,
         schedules_noted),
    Page("schedules-ui", schedule_ui._parse, schedule_state.to_query, KEYS["schedules"], schedules_ui_valid,
         schedules_noted),
    Page("finder", finder.parse, finder.to_query, KEYS["finder"], finder_valid, finder_noted),
    Page("edge", edge.parse, edge.to_query, KEYS["edge"], edge_valid, edge_noted),
)
BY_NAME = {page.name: page for page in PAGES}


def check(page: Page, query: Mapping[str, str]) -> Any:
    """Every property of one parse; returns the config."""
    config = page.parse(query)
    assert isinstance(config, type(page.parse({})))
    page.valid(config)
    page.noted(query, config, {note.key for note in config.notes})
    again = page.parse(page.to_query(config))
    assert again == config and again.notes == (), page.to_query(config)
    for note in config.notes:
        assert len(note.value) <= 60  # a note repeats at most 60 characters of what it refused
    return config


def as_st_query_params(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """The query a page reads from ``st.query_params``: a repeated key gives its last value."""
    return dict(pairs)


# ---------------------------------------------------------------- the properties


def _values() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.sampled_from(GOOD),
        st.text(max_size=30),
        st.floats().map(repr),
        st.floats(allow_nan=False, allow_infinity=False).map(lambda v: f"{v:.9g}"),
        st.integers().map(str),
        st.lists(st.sampled_from(GOOD), min_size=1, max_size=5).map(",".join),
        st.tuples(st.sampled_from(GOOD), st.sampled_from(GOOD)).map(":".join),
    )


def _queries(page: Page) -> st.SearchStrategy[dict[str, str]]:
    keys = st.one_of(st.sampled_from((*page.keys, *PARAM_KEYS, *OTHER_KEYS, *ROW_KEYS)), st.text(max_size=12))
    return st.lists(st.tuples(keys, _values()), max_size=12).map(as_st_query_params)


def _property(name: str):
    page = BY_NAME[name]

    @given(_queries(page))
    @example({key: "<img src=x onerror=alert(1)>" for key in (*page.keys, *PARAM_KEYS, *ROW_KEYS)})
    @example({key: "nan" for key in (*page.keys, *PARAM_KEYS, *ROW_KEYS)})
    @example({key: "1e999" for key in (*page.keys, *PARAM_KEYS, *ROW_KEYS)})
    @example({key: "-0" for key in (*page.keys, *PARAM_KEYS, *ROW_KEYS)})
    @example({key: "0.1234567" for key in (*page.keys, *PARAM_KEYS)})  # more digits than a link writes
    @example({"r1": "adam:0.1234567", "r1.o.eps": "1.23456789e-7", "lo": "0.00123456789"})
    @example({key: "" for key in (*page.keys, *PARAM_KEYS, *ROW_KEYS)})
    @example({key: "a" * 10_000 for key in (*page.keys, *PARAM_KEYS, *ROW_KEYS)})
    def test(query):
        check(page, query)

    test.__name__ = f"test_{name.replace('-', '_')}_link_parser_reads_any_query"
    test.__doc__ = f"The {name} page's parser: never raises, keeps only valid values, notes the rest."
    return test


test_playground_link_parser_reads_any_query = _property("playground")
test_compare_link_parser_reads_any_query = _property("compare")
test_sweep_link_parser_reads_any_query = _property("sweep")
test_schedules_link_parser_reads_any_query = _property("schedules")
test_schedules_ui_link_parser_reads_any_query = _property("schedules-ui")
test_finder_link_parser_reads_any_query = _property("finder")
test_edge_link_parser_reads_any_query = _property("edge")


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_every_hostile_value_in_every_key_alone(page):
    """The whole corpus, one key at a time (on top of a link that makes each key matter)."""
    context = {"playground": {"surface": "custom", "optimizer": "momentum", "schedule": "cyclic"},
               "sweep": {"surface": "custom", "schedule": "cyclic"},
               "compare": {"r1": "adam:0.1:cosine"}}.get(page.name.split("-")[0], {})
    keys = (*page.keys, "o.momentum", "o.betas", "s.max_lr", "s.T_max", "s.mode", "r1", "r1.o.betas",
            "r1.s.T_max")
    for key in keys:
        for value in HOSTILE:
            check(page, {**context, key: value})


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_markup_in_every_key_is_refused_with_a_note(page):
    """No page keeps markup from a link: every plain field that carried it is noted, and the link the
    page writes back holds none of it."""
    config_type = type(page.parse({}))
    declared = {spec.key or name for name, spec in link.declared(config_type)}
    for payload in XSS:
        config = check(page, {key: payload for key in (*page.keys, *PARAM_KEYS, *ROW_KEYS)})
        assert declared <= {note.key for note in config.notes}
        assert not any(payload in value for value in page.to_query(config).values())
