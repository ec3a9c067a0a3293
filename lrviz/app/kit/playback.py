"""Playback controls shared by every animated figure: play, pause, speed and a frame slider.

plotly.js plays the frames itself, so a student can play, pause and scrub a
run with no round trip to the server. A figure gets a frame for at most
:data:`MAX_FRAMES` points of its runs (:func:`frame_steps`), and its slider at
most :data:`MAX_SLIDER_STEPS` stops, which keeps both the payload and
plotly.js's layout time small.
"""

from __future__ import annotations

import itertools

import numpy as np

from lrviz.i18n import t

MAX_FRAMES = 120
MAX_SLIDER_STEPS = 40  # each slider step costs plotly.js a few ms to lay out
TAIL = 12  # steps of recent path drawn behind a moving head
PLAY_SECONDS = 8.0  # one play-through at 1× speed
SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0)


def changes(traces: list[dict], moving: tuple[str, ...] = ("x", "y", "text")) -> list[dict]:
    """What a frame must say of each animated trace: only the ``moving`` keys.

    plotly.js merges a frame's data onto the traces it names, so style given once in
    the figure's data need not travel (and be parsed) again in every frame.
    """
    return [{key: trace[key] for key in moving if key in trace} for trace in traces]


def round_stride(at_least: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, … that is at least ``at_least``."""
    scale = 1
    while True:
        for m in (1, 2, 5):
            if m * scale >= at_least:
                return m * scale
        scale *= 10


def _round_stops(last: int) -> np.ndarray:
    """Steps 0 … ``last`` at a round stride (0, 20, 40, not 0, 30, 61), the last kept: at most
    :data:`MAX_SLIDER_STEPS`."""
    stride = round_stride(last / (MAX_SLIDER_STEPS - 2))  # room for the last step off the stride
    return np.unique(np.append(np.arange(0, last + 1, stride), last))


def frame_steps(n_points: int, max_frames: int) -> np.ndarray:
    """Which point indices get a frame: all of them, or at most ``max_frames``: the slider's round
    stops (:func:`slider_steps`) with each gap between two stops split evenly (every frame plays
    for the same time, so the steps between frames must be alike too, or the ball jerks)."""
    if n_points <= max_frames:
        return np.arange(n_points)
    stops = _round_stops(n_points - 1)
    per_gap = (max_frames - 1) // (len(stops) - 1)
    if per_gap < 1:  # too few frames for the stops (one frame: a still figure)
        return np.unique(np.linspace(0, n_points - 1, max_frames).round().astype(int))
    gaps = [np.linspace(a, b, per_gap + 1)[:-1] for a, b in itertools.pairwise(stops)]
    return np.unique(np.append(np.concatenate(gaps).round().astype(int), stops[-1]))


BUTTONS_PX, SLIDER_PX = 48, 96  # under the plot's bottom edge


def controls(frames_at: np.ndarray, lang: str, plot_px: float = 480, big: bool = False) -> dict:
    """Play/pause buttons, a speed menu and a frame slider, all handled by plotly.js.

    They sit a fixed number of pixels under the plot (``plot_px`` tall, margins excluded):
    positions are fractions of the plot, and a fixed fraction of a short one (a single compare
    panel, 280 px) put the slider's label onto the buttons. Presentation mode's larger
    buttons (``big``) get a quarter more room."""
    room = 1.25 if big else 1.0
    buttons_y, slider_y = -room * BUTTONS_PX / plot_px, -room * SLIDER_PX / plot_px
    base = max(20, int(1000 * PLAY_SECONDS / max(len(frames_at), 1)))

    def play(speed: float) -> dict:
        return dict(
            frame=dict(duration=base / speed, redraw=False),
            fromcurrent=True,
            transition=dict(duration=0),
            mode="immediate",
        )

    still = dict(mode="immediate", frame=dict(duration=0, redraw=False), transition=dict(duration=0))
    return dict(
        updatemenus=[
            dict(
                type="buttons",
                direction="left",
                x=0.0,
                y=buttons_y,
                xanchor="left",
                yanchor="top",
                pad=dict(t=4, r=4),
                showactive=False,
                buttons=[
                    dict(label=t("figure.play", lang), method="animate", args=[None, play(1.0)]),
                    dict(label=t("figure.pause", lang), method="animate", args=[[None], still]),
                ],
            ),
            dict(
                type="dropdown",
                direction="up",
                x=1.0,  # at the far end of the row: a narrow chart keeps Pause uncovered
                y=buttons_y,
                xanchor="right",
                yanchor="top",
                pad=dict(t=4),
                showactive=True,
                active=SPEEDS.index(1.0),
                buttons=[
                    dict(label=f"{t('figure.speed', lang)} {v:g}×", method="animate", args=[None, play(v)])
                    for v in SPEEDS
                ],
            ),
        ],
        sliders=[
            dict(
                active=0,
                x=0.0,
                len=1.0,
                y=slider_y,
                yanchor="top",
                pad=dict(t=4),
                currentvalue=dict(prefix=t("figure.step", lang) + " ", visible=True),
                # At most MAX_SLIDER_STEPS stops; during playback the thumb moves stop to stop.
                steps=[dict(label=str(int(s)), method="animate", args=[[str(int(s))], still])
                       for s in slider_steps(frames_at)],
            )
        ],
    )


def slider_steps(frames_at: np.ndarray) -> np.ndarray:
    """The frames the slider stops at: all of them, or at most :data:`MAX_SLIDER_STEPS` at round
    steps (:func:`frame_steps` gives every figure those frames)."""
    if len(frames_at) <= MAX_SLIDER_STEPS:
        return frames_at
    stops = np.intersect1d(_round_stops(int(frames_at[-1])), frames_at)
    if len(stops) >= 2:
        return stops
    return frames_at[:: -(-len(frames_at) // MAX_SLIDER_STEPS)]  # frames chosen elsewhere: every few
