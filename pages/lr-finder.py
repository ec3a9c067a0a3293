"""LR finder: how practitioners pick a rate on a real (small) network, and how far to trust it."""

from lrviz.app.finder import page

page.show()
