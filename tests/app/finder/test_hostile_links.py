"""The LR finder opened with 30 hostile links: no exception, a note per refused value, no markup."""

import pytest

from tests.app.hostile import edge_links, hostile_links, survives

LINKS = hostile_links("finder") + edge_links("finder")


@pytest.mark.parametrize("link", LINKS, ids=[f"link{i}" for i in range(len(LINKS))])
def test_finder_survives_a_hostile_link(link):
    survives("finder", link)
