"""Past the bowl: the edge of stability, Adam's edge, catapults and warm-up on small real networks."""

from lrviz.app.edge import page

page.show()
