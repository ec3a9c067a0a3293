"""The LR finder opened with 30 hostile links: no exception, a note per refused value, no markup."""

import pytest

from tests.app.hostile import edge_links, hostile_links, interacts, survives

LINKS = hostile_links("finder") + edge_links("finder")


@pytest.mark.parametrize(("index", "link"), enumerate(LINKS), ids=[f"link{i}" for i in range(len(LINKS))])
def test_finder_survives_a_hostile_link(index, link):
    survives("finder", link, interact=interacts(index))
