"""A phone's figure (theme.narrowed): no drag mode anywhere, and the figure it came from unchanged."""

import plotly.graph_objects as go

from lrviz import engine
from lrviz.app.kit import theme
from lrviz.app.playground import figures as playground
from lrviz.surfaces import get


def test_a_phones_3d_view_does_not_turn_under_a_finger():
    run = engine.run("himmelblau", lr=0.01, steps=50)
    wide = playground.build_surface_3d(run, get("himmelblau"), lang="en")
    before = wide.to_dict()["layout"]["scene"].copy()
    narrow = theme.narrowed(wide).to_dict()
    assert narrow["layout"]["dragmode"] is False and narrow["layout"]["scene"]["dragmode"] is False
    assert narrow["layout"]["scene"]["aspectratio"] == before["aspectratio"]  # only the drag mode goes
    assert wide.to_dict()["layout"]["scene"] == before  # a cached figure is not changed
    assert narrow["data"] is wide.to_dict()["data"]  # nor copied
    assert theme.has_scene(wide)


def test_a_plotly_figure_and_a_plain_spec_are_narrowed_alike():
    spec = dict(data=[dict(type="scatter", x=[0, 1], y=[1, 0])], layout=dict(height=300))
    plain = theme.narrowed(go.Figure(spec)).to_dict()["layout"]
    assert plain["dragmode"] is False and plain["height"] == 300
    assert theme.figure(spec, narrow=True).to_dict()["layout"]["dragmode"] is False
    assert "dragmode" not in theme.figure(spec).to_dict()["layout"]  # a desktop's: plotly.js's zoom
    assert not theme.has_scene(go.Figure(spec))


def test_a_phones_toolbar_has_no_button_that_turns_a_drag_back_on():
    config = theme.touch(True)
    assert config["doubleClick"] is False
    assert {"zoom2d", "pan2d", "orbitRotation", "tableRotation"} <= set(config["modeBarButtonsToRemove"])
    assert theme.touch(False) == {}  # a mouse keeps them all
