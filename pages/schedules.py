"""Schedules: every schedule of the lessons, seen, explained, and taken home as code."""

from lrviz.app.schedules import page

page.show()
