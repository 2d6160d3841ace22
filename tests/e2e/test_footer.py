"""The help footer on a phone: one line with the crisis number and "More help", never hidden."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("width", [360, 390, 412])
def test_the_phone_footer_is_one_line_that_opens_to_every_help_line(new_context, width):
    page = new_context(viewport={"width": width, "height": 740}).new_page()
    page.goto("/login")
    heading = page.locator("#help-now").bounding_box()
    call = page.locator(".help-call").bounding_box()
    more = page.locator(".help-more > summary").bounding_box()
    assert page.locator(".help-call").is_visible() and page.locator(".help-more > summary").is_visible()
    # One line: the number sits beside the heading and before "More help", overlapping neither.
    assert abs((call["y"] + call["height"] / 2) - (heading["y"] + heading["height"] / 2)) < 8
    assert call["x"] >= heading["x"] + heading["width"] and call["x"] + call["width"] <= more["x"]
    assert page.locator(".help-strip").bounding_box()["height"] <= 80  # about a tenth of the screen
    page.locator(".help-more > summary").click()
    assert page.locator(".help-more ul li").first.is_visible()
