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


# --- the paged folder, the served pages and verdicts ------------------------------------------

SEED0 = "000_55cc4aec36ea11a4"


def _wait(browser, fn, timeout: float = 10):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout).until(lambda d: fn())


def _search(browser, text: str) -> None:
    browser.execute_script("var q=document.getElementById('q'); q.value=arguments[0]; q.dispatchEvent(new Event('input'));",
                           text)


def _row_ids(browser) -> list[str]:
    # read in one script call: the list re-renders while it filters, and elements found
    # one call earlier can be gone (stale) by the next
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('#rows tr.row'), e => e.getAttribute('data-id'))")


def test_folder_list_search_ignores_tones_and_case(browser, seed_records, tmp_path):
    from pipeline.cli import main

    out = ARTIFACTS / "review-folder"
    shutil.rmtree(out, ignore_errors=True)
    assert main(["review", str(seed_records), "--out", str(out), "--all", "--page-size", "2"]) == 0
    browser.get((out / "index.html").resolve().as_uri())
    assert browser.find_element("id", "count").text == "5 / 5" and len(_row_ids(browser)) == 5
    recs = read_records(seed_records)
    row = browser.find_element("css selector", f'#rows tr[data-id="{SEED0}"]')
    cells = [td.text for td in row.find_elements("css selector", "td")]
    assert cells[1:4] == ["1", "7", ""] and cells[0].startswith(recs[SEED0]["title"])
    _search(browser, "soc son")  # the text says "Sóc Sơn"
    assert _row_ids(browser) == ["003_99e75f040186e1b7"] and browser.find_element("id", "count").text == "1 / 5"
    _search(browser, "SO GDDT QUANG NGAI")  # a party of seed 000, without its tone marks, in capitals
    assert _row_ids(browser) == [SEED0]
    _search(browser, "")
    browser.find_element("id", "f-agreements").click()
    assert "004_cc3e7bb6e1a24d3e" not in _row_ids(browser) and len(_row_ids(browser)) == 4
    browser.save_screenshot(str(ARTIFACTS / "review-folder-list.png"))
    # a row opens its page at the article; the page's own search ignores tones too
    browser.find_element("css selector", '#rows tr[data-id="003_99e75f040186e1b7"] a').click()
    assert browser.current_url.endswith("pages/0002.html#a3")
    assert browser.find_element("css selector", ".pager .meta").text == "page 2 of 3"
    _search(browser, "soc son")
    assert [e.get_attribute("data-id") for e in _visible(browser, "section.article")] == ["003_99e75f040186e1b7"]
    # a verdict clicked on a page opened from disk is kept in the browser, ready to download
    browser.get((out / "pages" / "0001.html").resolve().as_uri())
    browser.execute_script("localStorage.clear()")
    browser.refresh()
    ag = recs[SEED0]["agreements"][0]
    box = browser.find_element("css selector", f'[data-agreement-id="{ag["agreement_id"]}"] dd[data-field="date"] .v')
    box.find_element("css selector", 'button[data-verdict="correct"]').click()
    assert "on" in box.find_element("css selector", 'button[data-verdict="correct"]').get_attribute("class")
    stored = browser.execute_script("return Object.values(JSON.parse(localStorage.getItem('kyket-verdicts:' + "
                                    "document.body.dataset.run)))")
    d = ag["date"]
    assert [(v["article_id"], v["agreement_id"], v["field"], v["verdict"], v["start"], v["end"]) for v in stored] == [
        (SEED0, ag["agreement_id"], "date", "correct", d["start"], d["end"])]
    assert browser.find_element("id", "vstatus").text == "1 verdicts (in this browser)"


@pytest.fixture()
def served(seed_records, tmp_path):
    """The seeds' review served on a free port, the records in a folder of their own (verdicts
    are written beside them)."""
    import threading

    from pipeline.review import Selection
    from pipeline.review_serve import Site, make_server

    records = tmp_path / "records.jsonl"
    shutil.copy(seed_records, records)
    server = make_server(Site(records, Selection(), "kyket review — served"), 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", records
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_verdicts_by_clicking_are_saved_exported_and_teach(browser, served, tmp_path):
    from pipeline.cli import main
    from tests.conftest import SHARED

    url, records = served
    rec = read_records(records)[SEED0]
    ag = rec["agreements"][0]
    browser.get(url + "/")
    _wait(browser, lambda: len(_row_ids(browser)) == 4)
    browser.find_element("css selector", f'#rows tr[data-id="{SEED0}"] a').click()
    card = browser.find_element("css selector", f'[data-agreement-id="{ag["agreement_id"]}"]')
    # fix the place: select "Quảng Nam" inside the highlighted place, press ✎
    browser.execute_script("""
        var el = Array.from(document.querySelectorAll('[data-ids]')).find(e => e.dataset.ids.split(' ').includes('a0-g0-loc'));
        var node = el.firstChild, i = node.data.indexOf('Quảng Nam'), r = document.createRange();
        r.setStart(node, i); r.setEnd(node, i + 'Quảng Nam'.length);
        var s = window.getSelection(); s.removeAllRanges(); s.addRange(r);""")
    fix = card.find_element("css selector", 'dd[data-field="location"] button[data-verdict="fixed"]')
    _wait(browser, lambda: browser.execute_script("return !window.getSelection().isCollapsed"))
    fix.click()
    _wait(browser, lambda: card.find_element("css selector", 'dd[data-field="location"] .fixed-value').text == "→ Quảng Nam")
    card.find_element("css selector", 'h3 button[data-verdict="wrong"]').click()  # not an agreement after all
    note = card.find_element("css selector", "textarea.vnote")
    note.send_keys("<script>window.__pwned=1</script> lễ ký là năm ngoái")
    browser.execute_script("arguments[0].blur()", note)  # leaving the note saves it
    vfile = records.parent / "verdicts.jsonl"
    _wait(browser, lambda: vfile.exists() and len(vfile.read_text(encoding="utf-8").splitlines()) == 3)
    browser.save_screenshot(str(ARTIFACTS / "review-served.png"))
    # reopened, the page shows what was saved
    browser.refresh()
    card = browser.find_element("css selector", f'[data-agreement-id="{ag["agreement_id"]}"]')
    _wait(browser, lambda: "on" in card.find_element("css selector", 'h3 button[data-verdict="wrong"]').get_attribute("class"))
    assert browser.execute_script("return window.__pwned === undefined")
    assert main(["review", str(records), "--export", str(tmp_path / "ann.jsonl")]) == 0
    anns = {a["field"]: a for a in map(json.loads, (tmp_path / "ann.jsonl").read_text(encoding="utf-8").splitlines())}
    loc = anns["location"]
    assert (loc["verdict"], loc["value"], rec["text"][loc["start"]:loc["end"]]) == ("fixed", "Quảng Nam", "Quảng Nam")
    assert rec["text"][loc["start"] - 13:loc["end"]] == "Sở GDĐT tỉnh Quảng Nam"
    assert (anns["agreement"]["verdict"], anns["agreement"]["agreement_id"]) == ("wrong", ag["agreement_id"])
    assert anns["note"]["note"] == "<script>window.__pwned=1</script> lễ ký là năm ngoái"
    if (SHARED / "dev" / "gold").is_dir():  # and the clicked verdict teaches the models
        from tests.pipeline.test_review_site import agreements_after_training

        assert agreements_after_training(tmp_path, tmp_path / "ann.jsonl") == {"before": [ag["agreement_id"]], "after": []}


def _synthetic(n: int, path: Path) -> None:
    """n records of made-up text (no article of the corpus), one in 30 with an agreement."""
    words = "hợp tác phát triển giáo dục kinh tế tỉnh thành phố Bắc Ninh Hà Nội Đà Nẵng ký kết biên bản ghi nhớ".split()
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            text = " ".join(words[(i * 7 + k) % len(words)] for k in range(300))
            ags = []
            if i % 30 == 0:
                a = text.index("Bắc Ninh") if "Bắc Ninh" in text else 0
                ags = [{"agreement_id": f"ag{i}", "status": "signed", "type": "memorandum_of_understanding", "title": None,
                        "evidence": {"text": text[:40], "start": 0, "end": 40}, "date": None, "location": None,
                        "period": None, "confidence": 0.9, "relations": [], "signatories": [], "clauses": [],
                        "parties": [{"name": text[a:a + 8], "canonical": text[a:a + 8], "kind": "province", "start": a,
                                     "end": a + 8, "source": "t", "confidence": 0.9}]}]
            fh.write(json.dumps({"schema_version": "1.2", "article_id": f"s{i:05d}", "source": {"url": f"https://x.vn/{i}"},
                                 "title": f"Tin {i} {words[i % len(words)]}", "published_at": None, "authors": [],
                                 "text": text, "text_sha256": "", "status": "error" if i % 1000 == 7 else "ok",
                                 "errors": [], "agreements": ags}, ensure_ascii=False) + "\n")


def test_archive_scale_list_opens_and_filters(browser, tmp_path_factory):
    """35,440 records (the size of the baomoi run; made-up text): every article listed (--all),
    the list opens and filters in the browser well within the limit (scripts/bench_review.py
    measures the real run)."""
    import time

    from pipeline.cli import main

    tmp = tmp_path_factory.mktemp("archive")
    _synthetic(35440, tmp / "records.jsonl")
    assert main(["review", str(tmp / "records.jsonl"), "--out", str(tmp / "all"), "--all", "--page-size", "200"]) == 0
    assert len(list((tmp / "all" / "pages").glob("*.html"))) == 178
    t = time.perf_counter()
    browser.get((tmp / "all" / "index.html").as_uri())
    assert browser.find_element("id", "count").text == "35440 / 35440"
    assert len(_row_ids(browser)) == 500  # drawn 500 at a time ("show more")
    _search(browser, "TIN 13544")  # every word of the search, anywhere in the row
    assert browser.find_element("id", "count").text == "1 / 35440" and _row_ids(browser) == ["s13544"]
    browser.find_element("id", "f-errors").click()
    _search(browser, "")
    assert browser.find_element("id", "count").text == "36 / 35440"
    assert time.perf_counter() - t < 30
    # by default only the articles with agreements
    assert main(["review", str(tmp / "records.jsonl"), "--out", str(tmp / "default")]) == 0
    browser.get((tmp / "default" / "index.html").as_uri())
    assert browser.find_element("id", "count").text == "1182 / 1182"
    _search(browser, "bac ninh")
    assert browser.find_element("id", "count").text == browser.execute_script(
        "return KYKET_INDEX.filter(r => r.k.indexOf('Bắc Ninh') >= 0).length + ' / 1182'")
    assert browser.find_element("id", "count").text != "0 / 1182"


def test_folder_never_runs_untrusted_text(browser, tmp_path):
    from pipeline.cli import main

    evil = 'Hai bên <img src="x" onerror="window.__pwned = 2"> ký kết "><svg onload="window.__pwned=4"> biên bản.'
    rec = {"schema_version": "1.2", "article_id": 'x"><script>window.__pwned=5</script>', "title": "<img src=x onerror=window.__pwned=6>",
           "source": {"url": "javascript:window.__pwned=7"}, "published_at": None, "authors": [], "text": evil,
           "text_sha256": "", "status": "error", "errors": [{"stage": "<b>x</b>", "type": "<i>", "message": "</script>"}],
           "agreements": []}
    path = tmp_path / "records.jsonl"
    path.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    assert main(["review", str(path), "--out", str(tmp_path / "x"), "--all"]) == 0
    browser.get((tmp_path / "x" / "index.html").as_uri())
    assert browser.find_element("id", "count").text == "1 / 1"
    row = browser.find_element("css selector", "#rows tr.row")
    assert row.find_element("css selector", "a").text == rec["title"]
    assert not row.find_elements("css selector", "td.source a")  # a javascript: URL is no link
    assert browser.execute_script("return window.__pwned === undefined")
    row.find_element("css selector", "a").click()
    assert browser.execute_script("return window.__pwned === undefined")
    assert not browser.find_elements("css selector", "main img, main svg, main b, a.source")
    assert '<img src="x" onerror="window.__pwned = 2">' in browser.find_element("tag name", "main").text
