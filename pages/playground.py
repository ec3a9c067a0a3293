"""Playground: one learning rate on one surface, animated step by step."""

from lrviz.app.playground import page

page.show()
