"""Lessons: a lecture's story in steps, each step a real page of the app in the state it talks about."""

from lrviz.app.kit import shell
from lrviz.app.lessons import ui
from lrviz.app.lessons.catalog import lessons


def show() -> None:
    """Draw the page for this run of the script."""
    lang = shell.page()
    config = ui.read(lang)
    if config.lesson is None:
        ui.listing(lang)
    else:
        lesson = lessons()[config.lesson]
        step = lesson.steps[config.index]
        ui.controls(lesson, config, lang)
        ui.caption(lesson, step, config, lang)
        ui.draw(step, config, lang)
    ui.publish(config)
