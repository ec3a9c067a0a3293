"""Home: what lrviz is, and where to go."""

from dataclasses import replace

import streamlit as st

from lrviz import optimizers, schedules, surfaces
from lrviz.app.kit import shell
from lrviz.app.lessons.catalog import lessons
from lrviz.app.playground import state as links
from lrviz.app.playground.lessons import LESSONS
from lrviz.i18n import t

# Flush left: a student pastes it into a notebook as it is (tests/app/home runs it).
CORE_EXAMPLE = """\
import lrviz.engine as engine

run = engine.run("quadratic", optimizer="sgd", lr=1.5, steps=50)
print(run.status, run.diverged_at)        # diverged 4
print(run.curvature.critical_lr)          # 1.0 = 2 / λmax
sweep = engine.sweep("rosenbrock", lrs=[1e-4, 1e-3, 2e-3], optimizer="adam", steps=500)"""

LINKED_PAGES = (  # (page file, key in the locale files)
    ("pages/playground.py", "playground"),
    ("pages/compare.py", "compare"),
    ("pages/sweep.py", "sweep"),
    ("pages/schedules.py", "schedules"),
    ("pages/lr-finder.py", "lr_finder"),
    ("pages/edge.py", "edge"),
    ("pages/lessons.py", "lessons"),
)


def show() -> None:
    """Draw the page for this run of the script."""
    lang = shell.page()
    st.title(t("home.title", lang))
    st.markdown(t("home.intro", lang))
    st.caption(
        t(
            "home.facts",
            lang,
            surfaces=len(surfaces.SURFACES),
            optimizers=len(optimizers.OPTIMIZERS),
            schedules=len(schedules.SCHEDULES),
        )
    )

    st.subheader(t("home.pages_heading", lang))
    for path, key in LINKED_PAGES:
        st.page_link(path, label=t(f"nav.{key}", lang), query_params={"lang": lang},
                     icon=":material/arrow_forward:")
        st.caption(t(f"home.{key}_blurb", lang))

    st.subheader(t("home.guided_heading", lang))
    for lesson in lessons().values():  # each guided lesson, opened at its first step
        st.page_link("pages/lessons.py", label=lesson.title(lang), icon=":material/school:",
                     query_params={"lesson": lesson.id, "step": "1", "lang": lang})
        st.caption(lesson.summary(lang))

    st.subheader(t("home.lessons_heading", lang, count=len(LESSONS)))
    st.caption(t("home.lessons_intro", lang))
    for lesson in LESSONS:  # a short link, what it shows under it: a link's label stays on one line
        st.page_link("pages/playground.py", label=t(f"home.lesson_{lesson.key}", lang),
                     query_params=links.to_query(replace(lesson.config, lang=lang)),
                     icon=":material/play_circle:")
        st.caption(t(f"home.lesson_{lesson.key}_what", lang))

    st.subheader(t("home.core_heading", lang))
    st.markdown(t("home.core_blurb", lang))
    st.code(CORE_EXAMPLE, language="python")
