"""One look for every figure: the Okabe–Ito palette, readable fonts, two sizes.

Okabe & Ito's eight colours stay distinguishable under the common forms of
colour blindness (https://jfly.uni-koeln.de/color/). ``lrviz`` is the normal
template; ``lrviz_big`` enlarges fonts and lines for a projector
("presentation mode").
"""

from __future__ import annotations

import base64
import math
import re

import numpy as np
import plotly.colors
import plotly.graph_objects as go
import plotly.io as pio

from lrviz.engine.diagnostics import Status

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
GREY = "#8C8C8C"
# A number in a hover text, which plotly.js formats with d3: d3's nearest to the sentences'
# :func:`lrviz.app.playground.verdict.number` (3 significant digits, no trailing zeros; d3 turns
# to powers only below 1e-6, not below 1e-3). Hovers with a few values pass number()'s own text.
HOVER_NUMBER = ".3~g"
PATH = OKABE_ITO["vermillion"]
GRADIENT_POINTS = OKABE_ITO["blue"]  # a schedule-free run's y, where its gradients are taken
STATUS_COLORS: dict[Status, str] = {
    "converged": OKABE_ITO["green"],
    "diverged": OKABE_ITO["vermillion"],
    "oscillating": OKABE_ITO["orange"],
    "stuck_local": OKABE_ITO["purple"],
    "saddle": OKABE_ITO["sky"],
    "slow": OKABE_ITO["blue"],
}


def status_symbol(status: Status, shape: str = "circle") -> str:
    """A run's marker in ``shape`` (an optimizer's, where several share a chart), hollow for a run
    that diverged. Orange (oscillating) and vermillion (diverged) are Okabe–Ito's closest pair, and
    read as one colour to many colour-blind eyes (and on a washed-out projector): the fill tells
    them apart too. (The playground's overview, one optimizer, draws diverged runs as crosses.)"""
    return f"{shape}-open" if status == "diverged" else shape


def status_outline(colour: str | list[str]) -> dict:
    """The ``marker.line`` for markers drawn with :func:`status_symbol`: a hollow marker's outline is
    its colour, 2 px wide (1 px, plotly.js's own, is too faint to read a colour), and a filled one's
    border the same colour (not plotly.js's dark grey)."""
    return dict(width=2, color=colour)


# Perceptually uniform and readable in grey; light where the loss is low. Spelled out as
# colour stops because plotly.js knows no reversed ("_r") scale names.
SURFACE_SCALE = plotly.colors.get_colorscale("Cividis_r")
FONT = "Noto Sans, Noto Sans KR, Apple SD Gothic Neo, Malgun Gothic, Helvetica, Arial, sans-serif"


def _template(size: int) -> go.layout.Template:
    # No ``automargin``: it makes plotly.js lay a figure out several times, which
    # costs hundreds of milliseconds on a figure with five axes. Builders set margins.
    axis = dict(
        showgrid=True, gridcolor="#E5E5E5", zeroline=False, linecolor="#444", ticks="outside",
        title=dict(font=dict(size=size), standoff=6), tickfont=dict(size=size - 2), exponentformat="power",
    )
    return go.layout.Template(
        layout=dict(
            font=dict(family=FONT, size=size, color="#222"),
            colorway=list(OKABE_ITO.values()),
            paper_bgcolor="white",
            plot_bgcolor="white",
            xaxis=axis,
            yaxis=axis,
            margin=dict(l=60, r=20, t=40, b=50),
            legend=dict(font=dict(size=size - 2), bgcolor="rgba(255,255,255,0.8)"),
            hoverlabel=dict(font=dict(size=size - 1)),
        ),
    )


pio.templates["lrviz"] = _template(size=14)
pio.templates["lrviz_big"] = _template(size=20)


def template(big: bool = False) -> str:
    """The template name for normal or presentation mode."""
    return "lrviz_big" if big else "lrviz"


class SpecFigure(go.Figure):
    """A ``go.Figure`` that carries a finished plain-dict spec and hands it out as built.

    plotly.py validates every property of every trace of every frame, which
    costs about a second for an animation of 200 frames, ten times the
    playground's whole budget. Our builders produce well-formed specs (the tests
    check their structure), so this figure skips plotly.py's object tree:
    ``to_dict()`` returns the spec, which is all that ``plotly.io.to_json`` and
    ``st.plotly_chart`` read. Build a new figure rather than mutating one.
    """

    def __init__(self, spec: dict):
        super().__init__()
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec

    def to_plotly_json(self) -> dict:
        return self._spec


def figure(spec: dict, *, big: bool = False, narrow: bool = False) -> SpecFigure:
    """The figure for a spec (``data``, ``layout``, ``frames``) in the lrviz look.

    NumPy arrays become plotly.js typed arrays (base64 float32), a third of the
    size of JSON number lists; the template is inlined because plotly.js does
    not know template names. In presentation mode (``big``) every marker, line
    and font the builder sized itself is enlarged too, not only the template's.
    ``narrow``: for a phone, where a finger's drag over the plot must scroll the page.
    """
    packed = _pack(_enlarged(spec) if big else spec)
    packed["layout"] = {"template": _TEMPLATE_JSON[big], **packed.get("layout", {})}
    return narrowed(SpecFigure(packed)) if narrow else SpecFigure(packed)


def narrowed(fig: go.Figure) -> SpecFigure:
    """``fig`` for a phone, where a finger's drag over the plot must scroll the page: no drag mode,
    in its 2-D axes and in each 3-D scene. A new figure; ``fig`` (perhaps cached) is left as it was.

    plotly.js's drag-to-zoom swallows a swipe; without it a tap still hovers (plotly.js #3170). A 3-D
    scene no longer turns under a finger, but its camera still cancels the swipe: see
    :func:`lrviz.app.kit.plot.chart`."""
    spec = fig.to_dict()
    layout = spec.get("layout", {})
    scenes = {name: {**value, "dragmode": False} for name, value in layout.items() if _SCENE.fullmatch(name)}
    return SpecFigure({**spec, "layout": {**layout, "dragmode": False, **scenes}})


def has_scene(fig: go.Figure) -> bool:
    """Whether ``fig`` draws in 3-D (a ``scene``, ``scene2``, … in its layout)."""
    return any(_SCENE.fullmatch(name) for name in fig.to_dict().get("layout", {}))


_SCENE = re.compile(r"scene\d*")


# The toolbar's buttons that turn a drag back into a zoom, a pan or a turn of a 3-D scene.
_DRAG_BUTTONS = ["zoom2d", "pan2d", "zoom3d", "pan3d", "orbitRotation", "tableRotation"]


def touch(narrow: bool) -> dict:
    """plotly.js config for a figure built with ``narrow`` (a phone's, which leaves drags to the page):
    a tap then reaches plotly.js twice, as touches and as the mouse events the browser makes of them,
    which it reads as a double-click and answers with an autorange; and no toolbar button turns a
    drag back into a zoom, a pan or a turn. (chart.js does the same.)"""
    return {"doubleClick": False, "modeBarButtonsToRemove": _DRAG_BUTTONS} if narrow else {}


def stacked(panels, scale: float = 1.0) -> tuple[dict[str, list[float]], float]:
    """Panels stacked top to bottom, each ``(name, pixels of room above it, pixels tall)``, all
    scaled by ``scale``: each panel's vertical domain (paper fractions) and the plot's height in
    pixels. Laid out in pixels, a panel keeps its height whatever else the figure holds."""
    total = scale * sum(room + height for _, room, height in panels)
    domains, top = {}, total
    for name, room, height in panels:
        top -= scale * room
        domains[name] = [(top - scale * height) / total, top / total]
        top -= scale * height
    return domains, total


# Presentation mode: how much larger sizes that builders set explicitly become.
_BIG_SCALE = {"marker": 1.5, "line": 1.5, "font": 1.3}


def _enlarged(value, parent: str = ""):
    """``value`` with marker sizes, line widths and font sizes scaled for a projector."""
    if isinstance(value, dict):
        kind = "font" if parent.endswith("font") else parent
        return {
            k: _scaled(v, _BIG_SCALE[kind])
            if (k == "size" and kind in ("marker", "font")) or (k == "width" and kind == "line")
            else _enlarged(v, k)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_enlarged(v, parent) for v in value]
    return value


def _scaled(size, factor: float):
    if isinstance(size, int | float | np.ndarray) and not isinstance(size, bool):
        return size * factor
    if isinstance(size, list | tuple):
        return [v * factor for v in size]
    return size


def _pack(value):
    """NumPy arrays as plotly.js typed-array specs, recursively; everything else as is."""
    if type(value) in _PLAIN:  # most of a figure's tens of thousands of leaves: answer fast
        return value
    if isinstance(value, dict):
        return {k: _pack(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_pack(v) for v in value]
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f" and value.size <= _SHORT:
            return [_short(v) for v in value.ravel().tolist()]
        if value.dtype.kind == "f":
            return _typed(value.astype("<f4"), "f4")
        if value.dtype.kind in "iub":
            return _typed(value.astype("<i4"), "i4")
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


_PLAIN = frozenset({str, float, int, bool, type(None)})
_SHORT = 32  # arrays this small are cheaper as JSON lists than as base64 blocks


def _short(v: float) -> float | None:
    """A float with float32's 7 significant digits, or None (a gap) if not finite."""
    return float(f"{v:.7g}") if math.isfinite(v) else None


def _typed(array: np.ndarray, dtype: str) -> dict:
    spec = {"dtype": dtype, "bdata": base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")}
    if array.ndim > 1:
        spec["shape"] = ", ".join(str(n) for n in array.shape)
    return spec


_TEMPLATE_JSON = {big: pio.templates[template(big)].to_plotly_json() for big in (False, True)}
