"""HTML → article text and metadata, with trafilatura.

trafilatura (the maintained tool for news-page extraction) gives the main text without
menus, sidebars, related-news blocks and scripts, plus title, authors, date, site name and
canonical URL. Its author field mixes bylines with site credits ("Dân Trí; Tri Túc",
"TUOI TRE ONLINE; Baotuoitre; NHẬT XUÂN"): only person-like names are kept.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import regex

from pipeline.textnorm import fold


class HtmlError(ValueError):
    pass


@dataclass
class HtmlArticle:
    text: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    site: str | None = None
    url: str | None = None


_AGENCY = regex.compile(r"(?i)(?<!\p{L})(online|vn|com|corp|net|báo|tạp chí|news|ttxvn|vov|tv)(?!\p{L})")


def _authors(raw: str | None, site: str | None, host: str | None) -> list[str]:
    if not raw:
        return []
    site_keys = {fold(x).replace(" ", "") for x in (site, host) if x}
    site_keys |= {k.split(".")[0] for k in site_keys}
    out = []
    for name in (regex.sub(r"(?i)^(theo|bài|ảnh|tin|bài và ảnh|tin và ảnh)\s*:?\s+", "", x.strip()) for x in regex.split(r"[;,]", raw)):
        key = fold(name).replace(" ", "")
        if not name or _AGENCY.search(name) or any(key and (key in k or k in key) for k in site_keys if k):
            continue
        if not regex.search(r"[\p{L}]", name) or len(name.split()) > 5:
            continue
        if not regex.search(r"[^\x00-\x7f]", name) and name.isupper():
            continue  # "TUOI TRE": an unaccented capitalised credit, not a byline
        out.append(name)
    return out


_HTML_START = regex.compile(r"(?i)\A\s*(?:<\?xml[^>]{0,200}>\s*)?(?:<!--.{0,2000}?-->\s*)*<(?:!doctype\s+html|html[\s>])", regex.DOTALL)


def looks_like_html(text: str) -> bool:
    """A text that is really a saved page: it starts with `<!DOCTYPE html` or `<html`."""
    return bool(_HTML_START.match(text[:4000]))


def extract_html(data: bytes | str) -> HtmlArticle:
    import logging

    import trafilatura

    # a page it cannot parse is our error record, not a log line of trafilatura's
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)

    # the date only from the page's markup (meta tags, <time>, URL), never guessed from
    # dates mentioned in the text: those are the events', not the article's
    doc = trafilatura.bare_extraction(data, with_metadata=True, include_comments=False,
                                      include_tables=False, favor_precision=True,
                                      date_extraction_params={"original_date": True, "extensive_search": False,
                                                              "max_date": "2100-12-31"})
    if doc is None:
        raise HtmlError("no article body found in the HTML page")
    d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = (d.get("text") or "").strip()
    if not text:
        raise HtmlError("no article body found in the HTML page")
    site = d.get("sitename") if d.get("sitename") and d.get("sitename") != d.get("title") else d.get("hostname")
    authors = _authors(d.get("author"), d.get("sitename"), d.get("hostname"))
    if not authors:
        authors = _authors(_marked_author(data), d.get("sitename"), d.get("hostname"))
    return HtmlArticle(text=text, title=(d.get("title") or None), date=d.get("date") or None,
                       authors=authors, site=site, url=d.get("url") or None)


def _marked_author(data: bytes | str) -> str | None:
    """The byline the page marks up as one (`class="author"`, `itemprop="author"`,
    `rel="author"`) when trafilatura's metadata has none: its first short text."""
    import lxml.html

    if isinstance(data, bytes):
        try:  # lxml guesses a byte string's charset badly when the page does not declare it
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    try:
        tree = lxml.html.fromstring(data)
    except (ValueError, lxml.etree.ParserError):
        return None
    for el in tree.xpath('//*[@itemprop="author" or @rel="author" or contains(concat(" ", normalize-space(@class), " "), " author ")]')[:20]:
        text = " ".join(el.text_content().split())
        if text and len(text.split()) <= 5:
            return text
    return None
