"""lrviz: the entry point. It only routes: page set-up, language, navigation.

`streamlit run app.py` reads this file in two ways. Its server imports it once, as a module, and
serves ``app``: an ``st.App`` with lrviz's own HTTP route beside Streamlit's (the playground
chart's runs, ``lrviz/app/playground/chart/serve.py``). Every run of a session executes it as
the script (``__name__ == "__main__"``), which routes to the pages.
"""

import streamlit as st

from lrviz.app.kit.boot import warm_up

warm_up()  # before any other import of the core: see lrviz/app/kit/boot.py

from lrviz.app.kit.lang import language_switch  # noqa: E402
from lrviz.app.kit.shell import routed  # noqa: E402
from lrviz.app.playground.chart.serve import routes  # noqa: E402
from lrviz.i18n import t  # noqa: E402


def main() -> None:
    """One run of a session's script: the page its address names."""
    routed()
    # A presentation link (big=1) opens with the sidebar folded away: on a 1280×720 projector beside it
    # the chart started at the screen's foot. Read once, at the session's first run: the pages write
    # big=1 into the link as they end, and a later value would fold or open the sidebar at the next
    # click. (Streamlit keeps a student's own fold or unfold in the browser; that choice wins.)
    folded = st.query_params.get("big") == "1"
    sidebar = st.session_state.setdefault("_sidebar", "collapsed" if folded else "auto")
    st.set_page_config(page_title="lrviz", page_icon="📉", layout="wide", initial_sidebar_state=sidebar)
    lang = language_switch()

    # URL paths are a contract (DESIGN.md): links in lecture slides point at them.
    pages = [
        st.Page("pages/home.py", title=t("nav.home", lang), icon=":material/home:", default=True),
        st.Page("pages/playground.py", title=t("nav.playground", lang), icon=":material/play_circle:",
                url_path="playground"),
        st.Page("pages/compare.py", title=t("nav.compare", lang), icon=":material/compare:",
                url_path="compare"),
        st.Page("pages/sweep.py", title=t("nav.sweep", lang), icon=":material/ssid_chart:", url_path="sweep"),
        st.Page("pages/schedules.py", title=t("nav.schedules", lang), icon=":material/timeline:",
                url_path="schedules"),
        st.Page("pages/lr-finder.py", title=t("nav.lr_finder", lang), icon=":material/search:",
                url_path="lr-finder"),
        st.Page("pages/edge.py", title=t("nav.edge", lang), icon=":material/landscape:", url_path="edge"),
        st.Page("pages/lessons.py", title=t("nav.lessons", lang), icon=":material/school:",
                url_path="lessons"),
    ]
    st.navigation(pages).run()


if __name__ == "__main__":
    main()
else:  # the server's import
    app = st.App(__file__, routes=routes())
