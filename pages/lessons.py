"""Lessons: guided stories, each step a real page of the app."""

from lrviz.app.lessons import page

page.show()
