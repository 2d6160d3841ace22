"""Issue 16: the tracker as a browser shows it — editing a commitment, a form that shows only the chosen
schedule, charts that read on a phone, and the first days told as a record."""

from __future__ import annotations

from tests.e2e.helpers import expect, expect_flash, log_in_demo
from tests.e2e.pages import LOVED_ONE, PERSON

PHONE = {"viewport": {"width": 360, "height": 740}}


def _visible(page, label: str) -> bool:
    return page.get_by_label(label, exact=True).is_visible()


def test_a_commitment_is_made_and_changed_through_its_forms(new_context):
    """The edit form, as rendered, saves (it used to answer 422: it had no start date to send)."""
    page = log_in_demo(new_context(**PHONE), PERSON)
    page.goto("/tracker/commitments/new")
    page.get_by_label("What will you do?").fill("Water the plants")
    # Only the chosen schedule's question shows, without any script.
    assert not _visible(page, "How many times a week?") and not _visible(page, "Which date?")
    page.get_by_label("On certain days of the week").check()
    assert page.get_by_role("group", name="Which days?").is_visible()
    assert not _visible(page, "How many times a week?")
    page.get_by_label("Mon", exact=True).check()
    page.get_by_label("Thu", exact=True).check()
    page.get_by_role("button", name="Add commitment").click()
    expect_flash(page, "“Water the plants” is on your list")

    page.get_by_role("link", name="Change", exact=True).click()
    expect(page.get_by_label("On certain days of the week")).to_be_checked()
    page.get_by_label("What will you do?").fill("Water the plants and the herbs")
    page.get_by_label("A number of times a week, on any days").check()
    assert _visible(page, "How many times a week?") and not page.get_by_role("group", name="Which days?").is_visible()
    page.get_by_label("How many times a week?").fill("2")
    page.get_by_role("button", name="Save changes").click()
    expect_flash(page, "Saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Water the plants and the herbs")
    expect(page.locator("main")).to_contain_text("2 times a week")


def test_a_mistake_keeps_the_schedule_and_its_question_open(new_context):
    """Sent back with an error, the form keeps the chosen schedule and shows its question (and the error)."""
    page = log_in_demo(new_context(**PHONE), PERSON)
    page.goto("/tracker/commitments/new")
    page.get_by_label("What will you do?").fill("Phone Dad")
    page.get_by_label("Once, on one date").check()
    page.get_by_role("button", name="Add commitment").click()
    expect(page.get_by_text("Please choose the date.")).to_be_visible()
    expect(page.get_by_label("Once, on one date")).to_be_checked()
    expect(page.get_by_label("What will you do?")).to_have_value("Phone Dad")
    assert _visible(page, "Which date?") and not _visible(page, "How many times a week?")


def test_the_heat_map_reads_on_a_phone(new_context):
    """On a 360 px phone the calendar's squares and day labels are at least 16 px, and it does not scroll."""
    page = log_in_demo(new_context(**PHONE), PERSON)
    page.goto("/tracker/")
    sizes = page.evaluate("""() => {
        const days = [...document.querySelectorAll('.heatmap .heat-day')].filter(d => d.getClientRects().length);
        const labels = [...document.querySelectorAll('.heat-labels > span')].filter(l => l.textContent.trim());
        const map = document.querySelector('.heatmap');
        return {cells: days.map(d => d.getBoundingClientRect().width), shown: days.length,
                labels: labels.map(l => parseFloat(getComputedStyle(l).fontSize)),
                scrolls: map.scrollWidth > map.clientWidth + 1};
    }""")
    assert sizes["shown"] >= 7 * 13 and min(sizes["cells"]) >= 16 and min(sizes["labels"]) >= 16
    assert not sizes["scrolls"]
    expect(page.get_by_text("Read this calendar as text").first).to_be_visible()


def test_the_trust_chart_labels_read_on_a_phone(new_context, demo):
    """The trust chart's numbers and dates are at least 12 px on screen on a phone, with a table for readers."""
    page = log_in_demo(new_context(**PHONE), LOVED_ONE)
    page.goto(f"/trust/{demo['jordan']}")
    sizes = page.evaluate("""() => [...document.querySelectorAll('.trust-chart .trust-axis-label')].map(t =>
        parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)""")
    assert sizes and min(sizes) >= 12, sizes
    assert page.locator(".trust-chart table, .trust-entry").count() > 0


def test_labels_stay_modest_on_a_laptop(new_context, demo):
    """On a wide screen the chart's labels stay a comfortable size (not shouting)."""
    page = log_in_demo(new_context(), LOVED_ONE)
    page.goto(f"/trust/{demo['jordan']}")
    sizes = page.evaluate("""() => [...document.querySelectorAll('.trust-chart .trust-axis-label')].map(t =>
        parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)""")
    assert sizes and 12 <= min(sizes) and max(sizes) <= 20, sizes
