"""Editors' pages in a real browser: headless Chromium (Debian's chromium + chromium-driver,
installed by `make test`'s `browser` step), driven by Selenium. Skipped, with the reason,
where Chromium or its driver is missing. Screenshots are saved under build/test-artifacts/."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from pipeline.batch import run_batch
from pipeline.diff import diff_records, read_records
from pipeline.review import render
from tests.conftest import RAW, ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
DRIVER = shutil.which("chromedriver")
ARTIFACTS = Path(os.environ.get("KYKET_ARTIFACTS", ROOT / "build" / "test-artifacts"))

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason="headless Chromium and chromedriver are not installed (Debian: apt-get install chromium chromium-driver; "
           "`make browser` does it): the browser tests need them")


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000",
                "--lang=vi"):
        opts.add_argument(arg)
    drv = webdriver.Chrome(service=Service(DRIVER), options=opts)
    yield drv
    drv.quit()


@pytest.fixture(scope="module")
def seed_records(tmp_path_factory):
    out = tmp_path_factory.mktemp("review")
    run_batch([str(RAW)], out, workers=1, quiet=True)
    return out / "records.jsonl"


def _open(browser, html: str, name: str):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    browser.get(path.resolve().as_uri())
    return path


def _visible(browser, css: str) -> list:
    return [e for e in browser.find_elements("css selector", css) if e.is_displayed()]


def test_review_highlights_and_filters(browser, seed_records):
    recs = read_records(seed_records)
    _open(browser, render(recs, title="kyket review — seeds"), "review")
    browser.save_screenshot(str(ARTIFACTS / "review.png"))
    assert browser.title == "kyket review — seeds"
    seed0 = recs["000_55cc4aec36ea11a4"]
    section = browser.find_element("css selector", 'section.article[data-id="000_55cc4aec36ea11a4"]')
    sid = section.get_attribute("id")
    ag = seed0["agreements"][0]
    # each party's highlight covers exactly that party's characters in the text
    for i, party in enumerate(ag["parties"]):
        pieces = browser.execute_script(
            "return Array.from(document.querySelectorAll('[data-ids]')).filter(e => e.dataset.ids.split(' ')"
            ".includes(arguments[0])).map(e => e.textContent)", f"{sid}-g0-p{i}")
        assert "".join(pieces) == seed0["text"][party["start"]:party["end"]]
    date_el = section.find_elements("css selector", ".k-date")[0]
    assert date_el.text == "Chiều ngày 11/11"
    assert date_el.value_of_css_property("background-color") != section.find_elements(
        "css selector", ".k-party")[0].value_of_css_property("background-color")
    # Vietnamese text renders as text (UTF-8 end to end)
    assert "Sở GDĐT tỉnh Quảng Nam" in section.text
    # the filter hides the article without agreements (seed 004)
    total = len(_visible(browser, "section.article"))
    assert total == 5
    browser.find_element("id", "f-agreements").click()
    visible = [e.get_attribute("data-id") for e in _visible(browser, "section.article")]
    assert "004_cc3e7bb6e1a24d3e" not in visible and len(visible) == 4
    assert browser.find_element("id", "count").text == "4 / 5"
    # search and type filter
    browser.find_element("id", "f-agreements").click()
    browser.find_element("id", "q").send_keys("Sóc Sơn")
    assert [e.get_attribute("data-id") for e in _visible(browser, "section.article")] == ["003_99e75f040186e1b7"]
    browser.find_element("id", "q").clear()
    browser.execute_script("var s=document.getElementById('q'); s.value=''; s.dispatchEvent(new Event('input'));")
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element("id", "f-type")).select_by_value("twinning")
    assert [e.get_attribute("data-id") for e in _visible(browser, "section.article")] == ["001_d8f2a39137c6aada"]


def test_diff_page_shows_both_values(browser, seed_records, tmp_path):
    old = read_records(seed_records)
    new = json.loads(json.dumps(old))
    ag = new["000_55cc4aec36ea11a4"]["agreements"][0]
    ag["date"]["value"] = "2023-11-11"
    ag["clauses"][0]["text"] = ag["clauses"][0]["text"].replace("Thường xuyên", "Định kỳ")
    report = diff_records(old, new)
    _open(browser, render(new, old, report, title="kyket diff"), "diff")
    browser.save_screenshot(str(ARTIFACTS / "diff.png"))
    change = browser.find_element("css selector", 'li.change[data-field="date"]')
    assert change.find_element("css selector", "del").text == "--11-11 afternoon"
    assert change.find_element("css selector", "ins").text == "2023-11-11 afternoon"
    clause = browser.find_element("css selector", 'li.change[data-field="clauses"]')
    assert [e.text for e in clause.find_elements("css selector", "del")] == ["Thường xuyên"]
    assert [e.text for e in clause.find_elements("css selector", "ins")] == ["Định kỳ"]
    browser.find_element("id", "f-changed").click()
    assert [e.get_attribute("data-id") for e in _visible(browser, "section.article")] == ["000_55cc4aec36ea11a4"]


def test_article_text_cannot_run_script(browser, tmp_path):
    evil = ('Tiêu đề <script>window.__pwned = 1</script>\n'
            'Hai bên <img src="x" onerror="window.__pwned = 2"> ký kết <b onmouseover="window.__pwned=3">biên bản</b> '
            '"><svg onload="window.__pwned=4"> ghi nhớ.')
    rec = {"schema_version": "1.1", "article_id": 'x"><script>window.__pwned=5</script>', "source": {},
           "title": "<script>window.__pwned = 6</script>", "published_at": None, "authors": ["<i>tác giả</i>"],
           "text": evil, "text_sha256": "", "status": "ok", "errors": [], "agreements": []}
    _open(browser, render({rec["article_id"]: rec}), "xss")
    browser.save_screenshot(str(ARTIFACTS / "xss.png"))
    assert browser.execute_script("return window.__pwned === undefined")
    assert not browser.find_elements("css selector", "main img, main svg, main b")
    body = browser.find_element("tag name", "main").text
    assert '<img src="x" onerror="window.__pwned = 2">' in body
    assert "<script>window.__pwned = 6</script>" in body
