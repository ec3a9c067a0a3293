"""The chart's runs over HTTP (chart/serve.py): the bytes the fragment would send, or a refusal."""

from dataclasses import replace
from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.requests import Request

from lrviz.app.playground import state as links
from lrviz.app.playground.chart import payload, runs, serve
from lrviz.app.playground.state import Config
from tests.conftest import run_async

CONFIGS = [
    Config(surface="quadratic", lr=0.1, steps=120),
    Config(surface="ravine", optimizer="momentum", lr=0.01, steps=80, optimizer_params=(("momentum", 0.5),),
           schedule="cosine", start=(1.5, -0.5), clip=2.0, lang="ko", big=True),
    Config(surface="custom", formula="x^4 - 3*x^2 + x", dim=1, lr=0.0123, steps=60, noise=0.3, seed=9),
]


def fetched(config: Config, *, narrow=False, pick=False, errors=False, **chart_settings) -> bytes | None:
    """What the browser gets for ``config``'s query with its own settings added, as chart.js asks."""
    query = dict(parse_qsl(serve.query(config, narrow=narrow, pick=pick, errors=errors)))
    held = {name: getattr(config, name) for name in links.CHART_SETTINGS} | chart_settings
    return serve.answer({**query, **{k: str(v) for k, v in held.items()}})


@pytest.mark.parametrize("config", CONFIGS, ids=["quadratic", "ravine-all-options", "formula-exact-rate"])
@pytest.mark.parametrize("look", [{}, {"narrow": True, "pick": True}, {"errors": True}])
def test_the_route_answers_the_bytes_the_fragment_sends(config, look):
    flags = dict(narrow=False, pick=False, errors=False) | look
    sent = runs.payload(runs.sweep_key(config), config.lang, config.big, flags["narrow"], flags["pick"],
                        flags["errors"])
    assert fetched(config, **look) == sent
    header = payload.decode(payload.with_request(sent, index=0, frame=0, nonce=0, selected=None))["header"]
    assert header["steps"] == config.steps and header["lang"] == config.lang


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.integers(links.MIN_STEPS, 200), noise=st.sampled_from([0.0, 0.05, 0.15, 1.95, 2.0]),
       seed=st.integers(0, 2**31 - 1))
def test_any_settings_the_controls_can_hold_fetch_the_runs_those_settings_make(steps, noise, seed):
    config = replace(CONFIGS[0], steps=steps, noise=noise, seed=seed)
    asked = fetched(CONFIGS[0], steps=steps, noise=noise, seed=seed)
    assert asked == runs.payload(runs.sweep_key(config), "en", False, False, False, False)


@pytest.mark.parametrize("change", [
    {"steps": "2001"}, {"steps": "9"}, {"steps": "1e9"}, {"noise": "-0.1"}, {"noise": "nan"},
    {"seed": "-1"}, {"seed": "2.5"}, {"surface": "nowhere"}, {"optimizer": "sgd; rm -rf"},
    {"lr": "0"}, {"formula": "__import__('os')", "surface": "custom"}, {"start": "1e99"},
])
def test_a_query_no_chart_would_send_is_refused(change):
    query = dict(parse_qsl(serve.query(CONFIGS[0], narrow=False, pick=False, errors=False)))
    assert serve.answer({**query, "steps": "100", "noise": "0", "seed": "0", **change}) is None


def _get(query: str):
    scope = {"type": "http", "method": "GET", "path": serve.PATH, "query_string": query.encode(),
             "headers": [], "scheme": "http", "server": ("127.0.0.1", 8501), "root_path": ""}
    return run_async(serve._runs(Request(scope)))


def test_the_route_sends_bytes_or_says_no():
    good = serve.query(CONFIGS[0], narrow=False, pick=False, errors=False) + "&steps=130"
    answer = _get(good)
    assert answer.status_code == 200 and answer.media_type == "application/octet-stream"
    assert answer.body == runs.payload(runs.sweep_key(replace(CONFIGS[0], steps=130)), "en", False, False,
                                       False, False)
    assert answer.headers["cache-control"] == "no-store"
    assert _get("surface=nowhere").status_code == 400
    assert _get(urlencode({"surface": "custom", "formula": "x" * 5000})).status_code == 400  # too long


def test_a_query_naming_the_surfaces_own_start_finds_the_fragments_payload_built():
    # The chart names the start always; the fragment's config has none where it is the surface's own.
    config = replace(CONFIGS[0], steps=140)
    built = runs.payload(runs.sweep_key(config), "en", False, False, False, False)
    query = dict(parse_qsl(serve.query(config, narrow=False, pick=False, errors=False)))
    assert "start" not in query
    own = serve.answer({**query, "steps": "140", "noise": "0", "seed": "0", "start": "2.5"})
    assert own is built  # the memo's own bytes: not built again
    elsewhere = serve.answer({**query, "steps": "140", "noise": "0", "seed": "0", "start": "1.5"})
    assert elsewhere != built


@pytest.mark.parametrize("config", [
    Config(surface="custom", formula="x^4 - 3*x^2 + x", dim=1, lr=0.1, steps=70),  # own start 1.80…07
    Config(surface="quadratic", lr=0.0123456789, steps=70),  # an exact rate beyond a link's six digits
    Config(surface="ravine", lr=0.01, steps=70, start=(1.23456789, -0.5), clip=1.23456789),
], ids=["formula's own start", "exact rate", "typed start and clip"])
def test_numbers_beyond_a_links_six_digits_find_the_same_runs_by_both_roads(config):
    # The fragment's config holds a widget's full number, the route the link's: one sweep key.
    sent = runs.payload(runs.sweep_key(config), "en", False, False, False, False)
    assert fetched(config) is sent


def test_without_noise_the_seed_selects_nothing():
    assert runs.sweep_key(replace(CONFIGS[0], seed=5)) == runs.sweep_key(CONFIGS[0])
    assert runs.sweep_key(replace(CONFIGS[0], noise=0.1, seed=5)).seed == 5
