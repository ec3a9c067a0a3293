"""Leaving a page and coming back: through the navigation it is as it was left; through a link
(a lesson link on the home page) it is as the link says. Streamlit drops a page's widget states
while another page runs, so neither happens by itself."""

from tests.apptest import open_page, param

PLAYGROUND, HOME, COMPARE = "pages/playground.py", "pages/home.py", "pages/compare.py"


def _clear_query(at):
    for key in list(at.query_params):
        del at.query_params[key]


def test_back_through_the_navigation_the_page_is_as_it_was_left():
    at = open_page(PLAYGROUND, timeout=120, surface="double_well", lr="0.15", steps="200", lang="ko")
    assert param(at, "steps") == "200"
    _clear_query(at)
    at.switch_page(HOME).run()
    _clear_query(at)  # the navigation's link carries no query
    at.switch_page(PLAYGROUND).run()
    assert not at.exception
    assert (param(at, "surface"), param(at, "lr"), param(at, "steps")) == ("double_well", "0.15", "200")
    assert at.number_input(key="pg_lr_exact").value == 0.15
    assert param(at, "lang") == "ko"


def test_a_link_followed_from_another_page_opens_what_it_says():
    at = open_page(PLAYGROUND, timeout=120, surface="double_well", lr="0.15", steps="200")
    _clear_query(at)
    at.switch_page(COMPARE).run()
    _clear_query(at)
    for key, value in dict(surface="quadratic", lr="1.05", steps="100").items():  # "Too large"
        at.query_params[key] = value
    at.switch_page(PLAYGROUND).run()
    assert not at.exception
    assert (param(at, "surface"), param(at, "lr"), param(at, "steps")) == ("quadratic", "1.05", "100")


def test_staying_on_the_page_keeps_what_the_student_changed():
    at = open_page(PLAYGROUND, timeout=120, surface="double_well", lr="0.15", steps="200")
    at.selectbox(key="pg_schedule").set_value("cosine").run()
    at.run()  # another run of the same page: not an entry, nothing is refilled
    assert param(at, "schedule") == "cosine" and param(at, "surface") == "double_well"


def test_compare_comes_back_with_its_rows():
    # Compare never settles a config: what it last published is what comes back.
    at = open_page(COMPARE, timeout=120, surface="quadratic", steps="100", r1="sgd:0.5", r2="adam:0.1")
    _clear_query(at)
    at.switch_page(HOME).run()
    _clear_query(at)
    at.switch_page(COMPARE).run()
    assert not at.exception
    assert (param(at, "surface"), param(at, "steps"), param(at, "r1"), param(at, "r2")) == (
        "quadratic", "100", "sgd:0.5", "adam:0.1")


def test_a_lesson_that_drew_the_playground_does_not_replace_what_the_student_left_there():
    at = open_page(PLAYGROUND, timeout=120, surface="double_well", lr="0.15", steps="200")
    _clear_query(at)
    for key, value in dict(lesson="rate", step="1").items():
        at.query_params[key] = value
    at.switch_page("pages/lessons.py").run()
    assert not at.exception
    _clear_query(at)
    at.switch_page(PLAYGROUND).run()
    assert (param(at, "surface"), param(at, "lr"), param(at, "steps")) == ("double_well", "0.15", "200")
