"""The chart's runs and their payloads, kept for every session (no Streamlit here).

Two roads lead here: the chart's fragment (:func:`lrviz.app.playground.chart.data`), which sends a
payload over the websocket, and the chart's own run controls, which ask for one over HTTP
(:mod:`lrviz.app.playground.chart.serve`) without a rerun. Both take the same memo, so a
payload fetched by the browser is already built when the fragment's rerun after the release
asks for it, and its bytes (and version) are the same.
"""

from __future__ import annotations

import functools
import os
from dataclasses import replace

from lrviz import engine, optimizers
from lrviz.app.kit import memo
from lrviz.app.playground import state as links
from lrviz.app.playground import verdict
from lrviz.app.playground.chart import payload as payloads
from lrviz.app.playground.state import Config
from lrviz.engine import diagnostics


def sweep_key(config: Config) -> Config:
    """The settings that select the runs: everything but the rate (except an exact rate off the
    slider's stops), the step shown, the language and the look; the seed only where there is noise;
    a start that is the surface's own is no start. Its numbers are the link's (six significant
    digits, ``state.to_query``): the route (``serve.py``) reads a query, and so finds the same runs
    as the fragment; the runs on screen are the ones the page's link reopens."""
    config = links.parse(links.to_query(config))
    _, exact = payloads.rates(config.lr)
    own = config.start is not None and tuple(config.start) == links.surface_of(config).start
    return replace(config, lr=config.lr if exact is not None else 0.0, lang="en", view="map", big=False,
                   frame=0, notes=(), start=None if own else config.start,
                   seed=config.seed if config.noise else 0)


# Plain memos, shared by every session: a hall opens one link and tries a few settings. Not
# st.cache_resource: its hasher walked the Config on every call, ~10 % of a rate release's CPU.
# The runs are kept only to build a payload's variants (language, phone, big type) without a sweep.
@functools.lru_cache(maxsize=4)
def runs(key: Config) -> tuple[engine.Trajectory, ...]:
    """Every run the slider can reach for these settings (one vmapped computation)."""
    surface = links.surface_of(key)
    lrs, _ = payloads.rates(key.lr) if key.lr else payloads.rates(0.1)
    return engine.runs(
        surface, lrs, key.optimizer, steps=key.steps, start=key.start, schedule=key.schedule,
        schedule_params=dict(key.schedule_params), optimizer_params=dict(key.optimizer_params),
        noise=key.noise, seed=key.seed, clip_norm=key.clip,
    )


# The payloads, bounded by their bytes (0.1-2.8 MB each): a hall of 100 students on one link
# trying 9 optimizers x 5 step counts keeps its 45 payloads (~10 MB) instead of rebuilding them
# (with 8 kept, rebuilds were half of a loaded replica's CPU, py-spy), and a long session of random
# 2-D settings keeps ~12-16 of them (1,000 random reruns: +91 MB with 16 MB, +113 MB with 24 MB,
# against a budget of 100). LRVIZ_PAYLOAD_MB sets the budget per server.
PAYLOAD_MB = float(os.environ.get("LRVIZ_PAYLOAD_MB", "16"))


@memo.bytes_lru(int(PAYLOAD_MB * 2**20))
def payload(key: Config, lang: str, big: bool, narrow: bool, pick_start: bool, errors: bool) -> bytes:
    """The cached part of the chart's payload for a sweep key (:func:`sweep_key`) and a look."""
    surface = links.surface_of(key)
    trajectories = runs(key)
    lrs, exact = payloads.rates(key.lr) if key.lr else payloads.rates(0.1)
    curvature = trajectories[0].curvature  # the engine's, at the runs' start (a Hessian: 0.3 ms)
    spec = optimizers.OPTIMIZERS[key.optimizer]
    limit = None if errors else diagnostics.limit_near(
        key.optimizer, spec.resolve(dict(key.optimizer_params), float(lrs.max())), surface, curvature)
    adaptive = verdict.no_limit_line(key.optimizer, curvature, lang)
    return payloads.build(trajectories, surface, lrs=lrs, exact=exact, limit=limit, adaptive=adaptive,
                          name_minimum=len(surface.minima) > 1, lang=lang, big=big, narrow=narrow,
                          pick_start=pick_start, changed=key.gradient_changed,
                          clipped=key.clip is not None, noise=key.noise)
