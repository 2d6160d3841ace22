"""Issue 16, item 2: a jump to a part of a page lands below the sticky header, not under it.

Accepting an invitation sends people to /circle/#connection-N, and the safety check to
/amends/N#safety; the message there must be in view. The header wraps to two rows on a laptop
(the menu has its own row from 768 px up) and on a very narrow phone, so each width is tried.
"""

from __future__ import annotations

import pytest

from tests.e2e.helpers import log_in_demo

WIDTHS = [(320, 640), (360, 740), (768, 1000), (1024, 768), (1280, 800), (1500, 900), (1920, 1080)]


def landing(page, path: str, target: str) -> dict:
    """Open path#target as a fresh navigation and measure where the target and the header end up."""
    page.goto("about:blank")
    page.goto(path + "#" + target)
    page.wait_for_load_state("load")
    return page.evaluate("""(id) => {
        const target = document.getElementById(id).getBoundingClientRect();
        const header = document.querySelector('.site-header').getBoundingClientRect();
        return {top: target.top, header: header.bottom, scrolled: window.scrollY};
    }""", target)


@pytest.mark.parametrize("width,height", WIDTHS)
def test_a_jump_lands_below_the_sticky_header(new_context, demo, width, height):
    # Reduced motion: the jump is instant, so the measure is taken where it ends.
    jordan = log_in_demo(new_context(viewport={"width": width, "height": height}, reduced_motion="reduce"), "jordan")
    for path, target in (("/circle/", f"connection-{demo['with_pat']}"),
                         (f"/amends/{demo['entry']}", "safety")):
        where = landing(jordan, path, target)
        assert where["scrolled"] > 0, f"{path}#{target} at {width}px: the page didn't move, so nothing was tested"
        assert where["top"] >= where["header"], (
            f"{path}#{target} at {width}px: the target starts at {where['top']:.0f}px, "
            f"under the header that ends at {where['header']:.0f}px")
        assert where["top"] - where["header"] < 48, f"{path}#{target} at {width}px: lands too far below the header"
