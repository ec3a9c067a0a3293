"""The playground opened with 30 hostile links: no exception, a note per refused value, no markup."""

import pytest

from tests.app.hostile import edge_links, hostile_links, interacts, survives

LINKS = hostile_links("playground") + edge_links("playground")


@pytest.mark.parametrize(("index", "link"), enumerate(LINKS), ids=[f"link{i}" for i in range(len(LINKS))])
def test_playground_survives_a_hostile_link(index, link):
    survives("playground", link, interact=interacts(index))


# A start far off the domain grows the plot to hold it, over ground where the loss overflows.
FAR = [{"surface": "custom", "formula": "exp(x)", "dim": "1", "start": "700"},
       {"surface": "custom", "formula": "exp(x^2)", "dim": "1", "start": "30"},
       {"surface": "custom", "formula": "exp(x*y)", "dim": "2", "start": "700,700"}]


@pytest.mark.parametrize("link", FAR, ids=["exp", "exp_square", "exp_2d"])
def test_a_far_start_over_overflowing_ground_draws(link):
    survives("playground", link)
