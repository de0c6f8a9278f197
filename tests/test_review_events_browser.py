"""The mentions of an event on the review pages, clicked in headless Chromium (skipped, with
the reason, where Chromium or its driver is missing; see tests/test_review_browser.py). The
records are the pipeline's on three made-up articles, two of them reporting one signing
(tests/pipeline/test_review_events.py)."""
from __future__ import annotations

import shutil

from pipeline.cli import main
from tests.pipeline.test_review_events import _recs, records  # noqa: F401 — the fixture
from tests.test_review_browser import ARTIFACTS, _row_ids, _wait, browser, pytestmark  # noqa: F401


def _click(drv, css: str) -> None:
    drv.find_element("css selector", css).click()


def test_clicking_an_event_shows_its_reports(browser, records):  # noqa: F811
    recs = _recs(records)
    ga, gb = (recs[a]["agreements"][0]["agreement_id"] for a in ("tin-a", "tin-b"))
    out = ARTIFACTS / "review-events"
    shutil.rmtree(out, ignore_errors=True)
    assert main(["review", str(records), "--out", str(out), "--page-size", "1"]) == 0
    browser.get((out / "index.html").as_uri())
    _wait(browser, lambda: sorted(_row_ids(browser)) == ["tin-a", "tin-b", "tin-c"])
    assert not browser.find_element("id", "f-event-box").is_displayed()
    # tin-a's page: its card names the event; clicking it lists the articles reporting that event
    _click(browser, '#rows tr[data-id="tin-a"] a')
    card = browser.find_element("css selector", f'[data-agreement-id="{ga}"]')
    eid = card.find_element("css selector", ".event").get_attribute("data-event")
    assert [e.text for e in card.find_elements("css selector", "li.event-mention a.report")] == ["tin-b"]
    card.find_element("css selector", "a.event-link").click()
    _wait(browser, lambda: sorted(_row_ids(browser)) == ["tin-a", "tin-b"])
    assert browser.find_element("id", "count").text == "2 / 3"
    assert browser.find_element("id", "f-event").text == eid and browser.find_element("id", "f-event-box").is_displayed()
    browser.save_screenshot(str(ARTIFACTS / "review-event-filter.png"))
    # from tin-b's card, the other report's link lands on tin-a's card
    _click(browser, '#rows tr[data-id="tin-b"] a')
    _click(browser, f'[data-agreement-id="{gb}"] li.event-mention[data-article="tin-a"] a.report')
    _wait(browser, lambda: browser.execute_script("return location.hash") == f"#ag-{ga}")
    target = browser.execute_script("return document.querySelector(':target')")
    assert target.get_attribute("data-agreement-id") == ga and target.get_attribute("data-article") == "tin-a"
    browser.save_screenshot(str(ARTIFACTS / "review-event-card.png"))
    # events.html: the shared event with both reports; its id filters the list too; "show all" clears it
    _click(browser, 'a[href="../events.html"]')
    sections = browser.find_elements("css selector", "section.event")
    assert [s.get_attribute("data-event") for s in sections] == [eid]
    assert [a.text for a in sections[0].find_elements("css selector", "a.report")] == ["tin-a", "tin-b"]
    sections[0].find_element("css selector", "h2 a.event-link").click()
    _wait(browser, lambda: sorted(_row_ids(browser)) == ["tin-a", "tin-b"])
    _click(browser, "#f-event-clear")
    _wait(browser, lambda: sorted(_row_ids(browser)) == ["tin-a", "tin-b", "tin-c"])
    assert not browser.find_element("id", "f-event-box").is_displayed()
