"""The hall bench's protocol-level student (bench/hall.py) makes the reruns a browser makes.

``python -m bench hall`` prices a lecture hall with students that speak Streamlit's websocket
protocol instead of running Chromium. Its figures mean something only while such a student
causes what a browser causes: this opens the lecturer's link, releases the rate, moves the steps
and switches page in Chromium and as a protocol student, and compares the script runs and the
elements the server sent for each (``bench/hall_browser.py`` prints the same comparison).
"""

from __future__ import annotations

from bench import hall, hall_browser
from tests.conftest import run_async


def test_the_protocol_student_causes_what_a_browser_causes(browser, server):
    seen = hall_browser.browser_actions(browser, server, hall.PAGE)
    sent = run_async(hall_browser.protocol_actions(server, hall.PAGE))  # away from Playwright's loop
    assert seen["exceptions"][0] == 0, "the browser showed an exception"
    assert sent["exceptions"][0] == 0, "the protocol student met an error"
    for action in hall_browser.ACTIONS:
        runs, elements = seen[action]
        assert runs >= 1, f"{action}: the browser saw no run"
        assert (runs, elements) == sent[action], f"{action}: browser {seen[action]}, student {sent[action]}"
