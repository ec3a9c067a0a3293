"""The home page in a real browser, in both languages."""

import pytest

from tests.browser.conftest import screenshot, wait_ready

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("lang", "expected"), [("en", "learning rate"), ("ko", "학습률")])
def test_home_speaks_the_language_of_the_link(page, server, lang, expected):
    page.goto(f"{server}/?lang={lang}")
    wait_ready(page)
    page.wait_for_selector("h1")
    assert expected in page.inner_text("section.main, [data-testid='stMain']")
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, f"home-{lang}")
