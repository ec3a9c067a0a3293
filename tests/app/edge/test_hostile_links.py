"""The /edge page opened with 30 hostile links: no exception, a note per refused value, no markup."""

import pytest

from tests.app.hostile import edge_links, hostile_links, interacts, survives

LINKS = list(enumerate(hostile_links("edge") + edge_links("edge")))


@pytest.mark.parametrize(("index", "link"), LINKS, ids=[f"link{i}" for i, _ in LINKS])
def test_edge_survives_a_hostile_link(index, link):
    survives("edge", link, interact=interacts(index))
