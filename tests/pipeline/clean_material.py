"""Test material for the clean stage, made at test time from ../shared (never committed:
the articles and pages are third-party text).

- dev: the 441 dev articles (../shared/dev/articles) with their gold title, authors,
  `boilerplate`, `body_first` and `body_last` (../shared/dev/gold).
- html: the saved pages of ../shared/html rendered to text by common renderers
  (html2text as plain text and as Markdown with its links and images, BeautifulSoup's
  get_text; w3m and lynx when installed) and labelled line by line with a silver label:
  a line is body when its text is in both trafilatura's extraction and jusText's good
  paragraphs of the same HTML, furniture when it is in neither, unknown (not scored) when
  only one of them has it or it is too short to tell. The silver headline is the page's
  one <h1> (the headline as printed), else trafilatura's title; a page's title-tag variant
  ("Headline - Site") does not count.

Figures: `python -m tests.pipeline.clean_material` (prints both tables).
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import regex

from pipeline.textnorm import collapse_ws, name_key

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
DEV = SHARED / "dev"
HTML = SHARED / "html"
RENDERERS = ("html2text", "html2text-md", "bs4")


# ---- the dev articles ---------------------------------------------------------------------
def dev_ids(group: str | None = None) -> list[str]:
    if group:
        return json.loads((DEV / "sets.json").read_text())[group]
    return sorted(p.stem for p in (DEV / "gold").glob("*.json"))


def run_article(path: Path, data: bytes | None = None):
    """The runner's ingest + clean on one file: the Document as the later stages see it."""
    from pipeline.document import Document
    from pipeline.ingest import read_articles
    from pipeline.runner import _clean, _ingest

    (raw,) = list(read_articles([path]))
    doc = Document(article_id=raw.article_id)
    _ingest(doc, raw)
    _clean(doc)
    return doc


@dataclass
class Tally:
    counts: dict = field(default_factory=dict)
    misses: dict = field(default_factory=dict)

    def add(self, key: str, ok: bool, where: str = "") -> None:
        n, k = self.counts.get(key, (0, 0))
        self.counts[key] = (n + int(ok), k + 1)
        if not ok:
            self.misses.setdefault(key, []).append(where)

    def rate(self, key: str) -> float:
        n, k = self.counts.get(key, (0, 0))
        return n / k if k else 1.0

    def table(self) -> str:
        return "\n".join(f"{k:22s} {self.rate(k):.3f}  {n}/{t}" for k, (n, t) in self.counts.items())


def dev_figures(ids: list[str]) -> Tally:
    t = Tally()
    for aid in ids:
        gold = json.loads((DEV / "gold" / f"{aid}.json").read_text(encoding="utf-8"))
        doc = run_article(DEV / "articles" / f"{aid}.txt")
        lines = {ln.strip() for ln in doc.text.split("\n")}
        for b in gold["boilerplate"]:
            present = b in doc.text if regex.search(r"[\p{L}\p{N}]", b) else b.strip() in lines
            t.add("furniture_removed", not present, f"{aid}: {b[:60]}")
        flat = collapse_ws(doc.text)
        for key in ("body_first", "body_last"):
            if gold.get(key):
                t.add(key + "_kept", collapse_ws(gold[key]) in flat, f"{aid}: {gold[key][:60]}")
        t.add("headline_exact", name_key(doc.title or "") == name_key(gold["title"] or ""), f"{aid}: {doc.title!r} vs {gold['title']!r}")
        t.add("authors", all(x in doc.authors for x in gold["authors"]), f"{aid}: {doc.authors} vs {gold['authors']}")
    return t


# ---- the HTML pages ---------------------------------------------------------------------
def pages() -> list[str]:
    return sorted(p.stem for p in HTML.glob("*.html"))


def render(name: str, renderer: str) -> str:
    html = (HTML / f"{name}.html").read_bytes().decode("utf-8", "replace")
    if renderer in ("html2text", "html2text-md"):
        import html2text

        h = html2text.HTML2Text()
        h.body_width = 0
        # "html2text": plain text; "html2text-md": its defaults, Markdown links and images kept
        h.ignore_links = h.ignore_images = renderer == "html2text"
        return h.handle(html)
    if renderer == "bs4":
        import bs4

        return bs4.BeautifulSoup(html, "lxml").get_text("\n")
    if renderer in COMMAND_RENDERERS:
        cmd = [*COMMAND_RENDERERS[renderer], str(HTML / f"{name}.html")]
        return subprocess.run(cmd, capture_output=True, check=True, timeout=60).stdout.decode("utf-8", "replace")
    raise ValueError(renderer)


# text browsers (Debian packages w3m, lynx), used when installed: wide (a paragraph is
# mostly one line) and at their default 80 columns (every paragraph hard-wrapped)
COMMAND_RENDERERS = {
    "w3m": ["w3m", "-dump", "-T", "text/html", "-I", "UTF-8", "-O", "UTF-8", "-cols", "1000"],
    "lynx": ["lynx", "-dump", "-nolist", "-assume_charset=utf-8", "-display_charset=utf-8", "-width=1000"],
    "w3m-80": ["w3m", "-dump", "-T", "text/html", "-I", "UTF-8", "-O", "UTF-8"],
    "lynx-80": ["lynx", "-dump", "-nolist", "-assume_charset=utf-8", "-display_charset=utf-8"],
}


def renderers() -> tuple[str, ...]:
    return RENDERERS + tuple(r for r, cmd in COMMAND_RENDERERS.items() if shutil.which(cmd[0]))


def _norm(s: str) -> str:
    """Markdown links, images and marks, list bullets, case and diacritics out (renderers
    differ in all of them)."""
    from pipeline.lines import MD_LINK

    s = MD_LINK.sub(lambda m: "" if m.group(1) else m.group(2), s)
    s = regex.sub(r"\*\*|__|(?<!\p{L})_(?=\S)|(?<=\S)_(?!\p{L})|\\(?=[-*_#.])", "", s)
    s = regex.sub(r"^\s*(?:[*+•-]\s+|#{1,6}\s+)+", "", s)
    s = "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))
    return collapse_ws(s).casefold().replace("đ", "d")


@dataclass
class Silver:
    body: str            # trafilatura's text, normalised, lines joined by " \n "
    good: str            # jusText's good paragraphs, normalised
    body_lines: set
    title: str | None
    authors: list
    page_authors: list  # the bylines the HTML path finds (trafilatura's metadata, else the marked byline)


@cache
def silver(name: str) -> Silver:
    import justext
    import trafilatura

    data = (HTML / f"{name}.html").read_bytes()
    doc = trafilatura.bare_extraction(data, with_metadata=True, favor_precision=True, include_comments=False,
                                      include_tables=False)
    d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    traf_lines = [_norm(x) for x in (d.get("text") or "").split("\n") if x.strip()]
    good = [_norm(p.text) for p in justext.justext(data, justext.get_stoplist("Vietnamese")) if not p.is_boilerplate]
    # the headline as printed: the page's one <h1>, else trafilatura's title (og:title)
    import lxml.html

    h1 = [" ".join(h.text_content().split()) for h in lxml.html.fromstring(data.decode("utf-8", "replace")).xpath("//h1")]
    h1 = [h for h in h1 if h]
    title = h1[0] if len(h1) == 1 else d.get("title")
    from pipeline.html import extract_html

    return Silver(" \n ".join(traf_lines), " \n ".join(good), set(traf_lines), title, d.get("author"),
                  extract_html(data).authors)


def label_lines(text: str, s: Silver) -> list[tuple[int, str, str]]:
    """(line number, label, line) for every non-empty line: body / furniture / unknown / title."""
    out = []
    title = _norm(s.title) if s.title else None
    for no, line in enumerate(text.split("\n")):
        n = _norm(line)
        if not regex.search(r"\p{L}", n):
            continue
        if title and n == title:
            out.append((no, "title", line))
            continue
        in_t, in_j = n in s.body, n in s.good
        if len(n) < 25 and n not in s.body_lines:
            # a short fragment (a link inside a sentence, a label): only "neither" is sure
            label = "furniture" if not (in_t or in_j) else "unknown"
        elif in_t and in_j:
            label = "body"
        elif not in_t and not in_j:
            label = "furniture"
        else:
            label = "unknown"
        out.append((no, label, line))
    return out


def html_figures(names: list[str] | None = None, renderers=None) -> Tally:
    from pipeline.clean import clean_text
    from pipeline.textnorm import normalize_unicode

    t = Tally()
    for name in names or pages():
        s = silver(name)
        for r in renderers or globals()["renderers"]():
            raw = normalize_unicode(render(name, r))
            res = clean_text(raw)
            kept_lines = set()
            for parts in res.kept:
                for a, _b in parts:
                    kept_lines.add(raw.count("\n", 0, a))
            labels = label_lines(raw, s)
            body = [no for no, lab, _ in labels if lab == "body"]
            where = f"{name}/{r}"
            for no, lab, line in labels:
                if lab == "body":
                    t.add("body_kept", no in kept_lines, f"{where}:{no}: {line.strip()[:70]}")
                elif lab == "furniture":
                    t.add("furniture_removed", no not in kept_lines, f"{where}:{no}: {line.strip()[:70]}")
            if body:
                t.add("first_body_kept", body[0] in kept_lines, where)
                t.add("last_body_kept", body[-1] in kept_lines, where)
            for a in s.page_authors:
                t.add("authors", any(_norm(a) == _norm(x) for x in res.authors), f"{where}: {a!r} not in {res.authors}")
            if s.title:
                # renderers differ in diacritics (html2text drops some combining marks): the
                # line chosen is what is measured
                t.add("headline_exact", _norm(res.title or "") == _norm(s.title), f"{where}: {res.title!r} vs {s.title!r}")
    return t


if __name__ == "__main__":
    groups = sys.argv[1:] or ["dev65", "bench126", "bench250"]
    for g in groups:
        print(f"== dev {g}")
        print(dev_figures(dev_ids(g)).table())
    for r in renderers():
        print("== html pages x", r)
        print(html_figures(renderers=[r]).table())
