"""The lessons page's controls, and how a step draws its page.

A step draws the real page, in this session: the step's link is parsed by that page's own
``PageState.parse``, seeded into the page's widgets with :meth:`~lrviz.app.kit.state.PageState.host`
(once per step, or again when the page's widgets were cleared by a visit elsewhere), and the page's
``body(lang)`` draws it, sidebar and all, exactly as ``/playground`` would. The hosted page does not
write the address bar; the lesson's link (``lesson``, ``step``, ``big``, ``lang``) stays there.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable
from dataclasses import replace

import streamlit as st

from lrviz.app.compare import page as compare_page
from lrviz.app.compare import ui as compare_ui
from lrviz.app.finder import page as finder_page
from lrviz.app.finder import ui as finder_ui
from lrviz.app.kit import link
from lrviz.app.kit.markdown import literal
from lrviz.app.kit.shell import on_a_phone, show_notes
from lrviz.app.kit.state import PageState, write_link
from lrviz.app.kit.widgets import presentation_style
from lrviz.app.lessons import keys
from lrviz.app.lessons import state as links
from lrviz.app.lessons.catalog import Lesson, Step, lessons
from lrviz.app.lessons.state import Config
from lrviz.app.playground import page as playground_page
from lrviz.app.playground import ui as playground_ui
from lrviz.app.schedules import page as schedules_page
from lrviz.app.schedules import ui as schedules_ui
from lrviz.app.sweep import page as sweep_page
from lrviz.app.sweep import ui as sweep_ui
from lrviz.i18n import Lang, t

K = "ls_"
# The step's page keeps its sidebar and content but not its big title: the lesson's header names the
# lesson and the step list the page, and at 1280×720 the title would push the chart below the fold.
# Its room above the content stays small, also where presentation mode's style asks for more (a more
# specific rule: a hosted page's own presentation toggle adds that style after this one).
_ONE_TITLE = ("<style>[data-testid='stMain'] h1 { display: none; }"
              " [data-testid='stMain'] [data-testid='stMainBlockContainer'] { padding-top: 2rem; }</style>")
# While the sidebar is collapsed (as it starts at 768 px and narrower) Streamlit's header is white,
# 60 px tall, and takes the clicks on what lies under it: the lesson's controls start below it there.
# (Presentation mode makes the header transparent instead: kit.widgets.)
_UNDER_HEADER = ("<style>[data-testid='stApp']:has([data-testid='stSidebar'][data-collapsed='true'])"
                 " [data-testid='stMainBlockContainer'] { padding-top: 4.5rem; }</style>")
# A step's page: its state machinery and the body that draws it.
HOSTS: dict[str, tuple[PageState, Callable[[Lang], None]]] = {
    "playground": (playground_ui.PAGE, playground_page.body),
    "compare": (compare_ui.PAGE, compare_page.body),
    "sweep": (sweep_ui.PAGE, sweep_page.body),
    "schedules": (schedules_ui.PAGE, schedules_page.body),
    "lr-finder": (finder_ui.PAGE, finder_page.body),
}
NAV = {"playground": "playground", "compare": "compare", "sweep": "sweep", "schedules": "schedules",
       "lr-finder": "lr_finder"}  # a page's name in nav.<key>


def read(lang: Lang) -> Config:
    """The link's config (the address bar is the state), its refused values shown as notes."""
    config = replace(links.parse({k: st.query_params[k] for k in st.query_params}), lang=lang)
    if config.notes:
        bad = [n for n in config.notes if n.key == "lesson"]
        if bad:
            st.warning(t("lessons.page.bad_lesson", lang, value=literal(bad[0].value)))
        show_notes([n for n in config.notes if n.key != "lesson"], lang)
    return config


def publish(config: Config) -> None:
    write_link(links.to_query(config))


# --- moving: every move writes the link, which the next run reads -----------------------------


def _go(step: int) -> None:
    st.query_params["step"] = str(step)


def _move(config: Config, lesson: Lesson) -> Callable[[str], None]:
    def move(direction: str) -> None:
        step = config.step + (1 if direction == "next" else -1)
        _go(min(max(step, 1), len(lesson.steps)))
    return move


def _jumped() -> None:
    _go(int(st.session_state[f"{K}jump"]))


def _reset() -> None:
    st.session_state.pop(f"{K}shown", None)  # the next run seeds the step's page again (draw)


def _big() -> None:
    if st.session_state[f"{K}big"]:
        st.query_params["big"] = "1"
    else:
        st.query_params.pop("big", None)


def listing(lang: Lang) -> None:
    """Every lesson: title, summary, number of steps, and a link that opens it."""
    st.title(t("lessons.page.title", lang))
    st.caption(t("lessons.page.intro", lang))
    for lesson in lessons().values():
        st.subheader(lesson.title(lang))
        st.markdown(lesson.summary(lang))
        st.caption(t("lessons.page.steps", lang, n=len(lesson.steps)))
        st.page_link("pages/lessons.py", label=t("lessons.page.open", lang), icon=":material/school:",
                     query_params={"lesson": lesson.id, "step": "1", "lang": lang})


def controls(lesson: Lesson, config: Config, lang: Lang) -> None:
    """Previous / Next, the step list and presentation mode in one row (on a 1280×720 projector
    the step's chart must fit under them and the caption; in presentation mode's larger type the
    step list takes a second); the way back to all lessons, and to the step's own settings, in the
    sidebar. In presentation mode the step's page, its caption and the sidebar take the type the
    pages' own presentation mode gives."""
    n = len(lesson.steps)
    st.session_state[f"{K}jump"] = config.step
    st.session_state[f"{K}big"] = config.big
    st.html(_ONE_TITLE if config.big else _ONE_TITLE + _UNDER_HEADER)
    if config.big:  # the step's page reads as it does in presentation mode on its own
        presentation_style()
    # Named buttons, not bare arrows: a screen reader says "Next", not "arrow_forward icon".
    if config.big:  # in the hall's type the step list takes a row of its own, to show each name whole
        back, forward, toggle = st.columns([1.5, 1.5, 3.0], vertical_alignment="center")
        jump = st.container()
    else:
        back, forward, jump, toggle = st.columns([1.5, 1.5, 4.0, 2.4], vertical_alignment="center")
    back.button(t("lessons.page.previous", lang), key=f"{K}previous", icon=":material/arrow_back:",
                on_click=_go, args=(config.step - 1,), disabled=config.step <= 1, use_container_width=True)
    forward.button(t("lessons.page.next", lang), key=f"{K}next", icon=":material/arrow_forward:",
                   on_click=_go, args=(config.step + 1,), disabled=config.step >= n, type="primary",
                   use_container_width=True)
    jump.selectbox(t("lessons.page.jump", lang), range(1, n + 1), key=f"{K}jump", on_change=_jumped,
                   label_visibility="collapsed", format_func=lambda k: step_label(lesson, k, lang))
    toggle.toggle(t("lessons.page.big", lang), key=f"{K}big", on_change=_big)
    st.sidebar.page_link("pages/lessons.py", label=t("lessons.page.all", lang), icon=":material/list:",
                         query_params={"lang": lang})
    # A student who tried other settings (the point of a real page) comes back to the step's claim.
    st.sidebar.button(t("lessons.page.reset", lang), key=f"{K}reset", icon=":material/restart_alt:",
                      on_click=_reset)
    keys.mount(_move(config, lesson))


def step_label(lesson: Lesson, k: int, lang: Lang) -> str:
    """Step ``k``'s entry in the step list: "k/n · page: name"."""
    step = lesson.steps[k - 1]
    return _short(f"{k}/{len(lesson.steps)} · {t('nav.' + NAV[step.page], lang)}: {step.name(lang)}")


# What the step list's box shows whole at 1280 px, in columns: a Hangul syllable takes two.
STEP_LABEL_COLUMNS = 46


def _short(text: str, most: int = STEP_LABEL_COLUMNS) -> str:
    """``text`` cut to ``most`` columns with an ellipsis (wide characters count two): the box
    clipped a longer label mid-word. Every step's name fits (tests/app/lessons/test_catalog.py);
    this guards a longer one, whose step's whole claim is in the caption under the box."""
    widths = [2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text]
    if sum(widths) <= most:
        return text
    cut = next(i for i, used in enumerate(itertools.accumulate(widths)) if used > most - 1)
    return text[:cut].rstrip() + "…"


def caption(lesson: Lesson, step: Step, config: Config, lang: Lang) -> None:
    """The lesson, "step k of n" and the step's claim; the clicker's keys where there is room (and a
    keyboard: not on a phone)."""
    where = t("lessons.page.step_of", lang, k=config.step, n=len(lesson.steps))
    st.info(f"**{lesson.title(lang)} · {where}**  \n{step.caption(lang)}", icon=":material/school:")
    if not config.big and not on_a_phone():
        st.caption(t("lessons.page.keys", lang))


def draw(step: Step, config: Config, lang: Lang) -> None:
    """The step's page, for real: seeded once per step (:meth:`PageState.host`), then drawn by its body."""
    page, body = HOSTS[step.page]
    shown = (config.lesson, config.step, config.big)
    seeded = page.parse(step.query(lang, config.big))
    gone = any(page.key(name) not in st.session_state for name in link.widget_values(seeded))
    if st.session_state.get(f"{K}shown") != shown or gone:
        page.host(seeded)
        st.session_state[f"{K}shown"] = shown
    body(lang)
