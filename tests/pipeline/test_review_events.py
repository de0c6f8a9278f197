"""The review groups the mentions of an event (pipeline/review_events.py): each agreement card
names its event and links the other reports of the same signing, the list filters to one
event, events.html lists the shared events — in the static folder and when served.

tests/data/event_articles.jsonl holds three made-up short articles (written for this test, no
article of the corpus): `tin-a` and `tin-b` (two outlets, a day apart) report the same signing
of Viettel and Samsung on 12/3/2024, `tin-c` another signing (Đà Nẵng – Quảng Nam). The
records are made by the pipeline from them.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.review import Selection
from tests.conftest import ROOT

ARTICLES = ROOT / "tests" / "data" / "event_articles.jsonl"


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> Path:
    from pipeline.batch import run_batch

    out = tmp_path_factory.mktemp("events-run")
    run_batch([str(ARTICLES)], out, workers=1, quiet=True)
    return out / "records.jsonl"


def _recs(path: Path) -> dict[str, dict]:
    return {r["article_id"]: r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def _event_block(html: str, agreement_id: str) -> str:
    """The event part of one agreement's card."""
    card = html[html.index(f'id="ag-{agreement_id}"'):]
    return card[card.index('<div class="event"'):card.index("<dl>")]


def _page_of(folder: Path, agreement_id: str) -> Path:
    hits = [p for p in sorted((folder / "pages").glob("*.html")) if f'id="ag-{agreement_id}"' in p.read_text(encoding="utf-8")]
    assert len(hits) == 1
    return hits[0]


def _check_linked(folder: Path, recs: dict[str, dict]) -> str:
    """Each report's card names the shared event and links the other report to the page and
    card showing it; the other signing's card names another event and no other report.
    Returns the shared event id."""
    ga, gb, gc = (recs[a]["agreements"][0]["agreement_id"] for a in ("tin-a", "tin-b", "tin-c"))
    blocks = {g: _event_block(_page_of(folder, g).read_text(encoding="utf-8"), g) for g in (ga, gb, gc)}
    ev = {g: re.search(r'data-event="([^"]+)"', b).group(1) for g, b in blocks.items()}
    assert ev[ga] == ev[gb] != ev[gc]
    assert f'href="../index.html#event={ev[ga]}"' in blocks[ga]
    for this, other, other_article in ((ga, gb, "tin-b"), (gb, ga, "tin-a")):
        links = re.findall(r'<li class="event-mention" data-article="([^"]+)" data-agreement="([^"]+)">'
                           r'<a class="report" href="([^"]+)">([^<]+)</a>', blocks[this])
        page = _page_of(folder, other).name
        assert links == [(other_article, other, f"../pages/{page}#ag-{other}", other_article)]
        assert "2 reports in 2 articles" in blocks[this]
        host = "tuoitre.vn" if other_article == "tin-b" else "vnexpress.net"
        assert f"{host} · 2024-03-1" in blocks[this] and recs[other_article]["title"] in blocks[this]
        # the link lands on the other report's card, inside that article's section
        target = (folder / "pages" / page).read_text(encoding="utf-8")
        section = target[target.rindex("<section", 0, target.index(f'id="ag-{other}"')):]
        assert section.startswith("<section") and f'data-id="{other_article}"' in section[:200]
    assert "no other report" in blocks[gc] and "event-mention" not in blocks[gc]
    return ev[ga]


def test_cards_link_the_reports_of_one_signing(records, tmp_path, capsys):
    recs = _recs(records)
    assert [len(recs[a]["agreements"]) for a in ("tin-a", "tin-b", "tin-c")] == [1, 1, 1]
    # one article a page: the links go across pages
    assert main(["review", str(records), "--out", str(tmp_path / "r"), "--page-size", "1"]) == 0
    assert "3 articles on 3 pages" in capsys.readouterr().err
    eid = _check_linked(tmp_path / "r", recs)
    # the list: each row carries its article's events (the filter #event=ID keeps these rows)
    text = (tmp_path / "r" / "index.js").read_text(encoding="utf-8")
    rows = {r["id"]: r for r in (json.loads(x.rstrip(",")) for x in text.splitlines()[1:-1])}
    assert rows["tin-a"]["ev"] == rows["tin-b"]["ev"] == [eid] and rows["tin-c"]["ev"] not in ([eid], [])
    assert eid in rows["tin-a"]["k"]  # the list's search finds an event id too
    assert 'id="f-event-box"' in (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    # events.html: the shared event, its best values and both reports linked to their cards
    events = (tmp_path / "r" / "events.html").read_text(encoding="utf-8")
    assert "3 agreements → 2 events; 1 with more than one report" in events
    assert events.count('<section class="event"') == 1 and f'id="{eid}"' in events
    assert f'href="index.html#event={eid}"' in events and "2024-03-12 · memorandum_of_understanding" in events
    for a in ("tin-a", "tin-b"):
        g = recs[a]["agreements"][0]["agreement_id"]
        assert f'<a class="report" href="pages/{_page_of(tmp_path / "r", g).name}#ag-{g}">{a}</a>' in events
    # a report the selection leaves out is named, not linked
    assert main(["review", str(records), "--out", str(tmp_path / "one"), "--ids", "tin-a"]) == 0
    block = _event_block((tmp_path / "one" / "pages" / "0001.html").read_text(encoding="utf-8"),
                         recs["tin-a"]["agreements"][0]["agreement_id"])
    assert '<span class="report">tin-b</span> <span class="meta">(not on these pages)</span>' in block
    assert "<a class=\"report\"" not in block


def test_served_pages_link_the_reports_too(records, tmp_path):
    from pipeline.review_serve import Site

    site = Site(records, Selection(), "served", page_size=1)
    for k in range(1, site.pages + 1):
        (tmp_path / "pages").mkdir(exist_ok=True)
        (tmp_path / "pages" / f"{k:04d}.html").write_text(site.page(k), encoding="utf-8")
    eid = _check_linked(tmp_path, _recs(records))
    assert [r["ev"] for r in site.rows if r["id"] in ("tin-a", "tin-b")] == [[eid], [eid]]
    # over HTTP: the list links events.html, which lists the shared event
    import threading
    import urllib.request

    from pipeline.review_serve import make_server

    server = make_server(site, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        index = urllib.request.urlopen(base + "/").read().decode("utf-8")
        events = urllib.request.urlopen(base + "/events.html").read().decode("utf-8")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    assert 'href="events.html"' in index and 'id="f-event-box"' in index
    assert events.count('<section class="event"') == 1 and f'id="{eid}"' in events


def test_event_text_is_escaped(records, tmp_path):
    """Titles and ids from the input, shown in another article's card and on events.html, are text."""
    recs = _recs(records)
    recs["tin-b"]["title"] = '<img src=x onerror="window.__pwned=1">'
    recs["tin-b"]["article_id"] = 'tin-b"><script>window.__pwned=2</script>'
    recs["tin-b"]["source"]["url"] = "javascript:window.__pwned=3"
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs.values()), encoding="utf-8")
    assert main(["review", str(path), "--out", str(tmp_path / "x")]) == 0
    page = (tmp_path / "x" / "pages" / "0001.html").read_text(encoding="utf-8")
    block = _event_block(page, recs["tin-a"]["agreements"][0]["agreement_id"])
    assert "&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;" in block
    assert "tin-b&quot;&gt;&lt;script&gt;" in block
    for text in (page, (tmp_path / "x" / "events.html").read_text(encoding="utf-8")):
        assert "<img" not in text and "<script>window" not in text and "javascript:" not in text


def test_a_malformed_agreement_is_one_sentence(tmp_path, capsys):
    from pipeline.review_serve import Site

    path = tmp_path / "records.jsonl"
    path.write_text(json.dumps({"schema_version": "1.2", "article_id": "z", "agreements": [{"agreement_id": "q"}]}) + "\n",
                    encoding="utf-8")
    assert main(["review", str(path), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert err == "kyket review: record 'z': an agreement without a well-formed 'status' — give a records.jsonl " \
                  "written by `kyket run`\n"
    assert not (tmp_path / "r").exists()
    with pytest.raises(ValueError, match="record 'z': an agreement without"):
        Site(path, Selection(), "t")
