"""Events on the review pages: each agreement card names its event and the other reports of
the same signing, the list filters to one event, and `events.html` lists the events told by
more than one article with their reports.

Linking needs every agreement of the run, the pages are written while the records stream: so
a first pass over the records keeps, per agreement, only what linking compares (a
`linking.Mention`: party names, date, type, evidence words — no article text) and where the
agreement is shown (`Shown`: article id, date, outlet, title, review page). Those are linked
once (`linking.link`, the same rules as the `events` tables), and the pages are written in
the second pass with the result. Memory grows with the agreements of the run, not with its
articles or texts.
"""
from __future__ import annotations

import html
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote

from pipeline import linking

TITLE_CHARS = 120  # of an article's title kept to name a report
MAX_LISTED = 30  # other reports listed on a card; the rest are on events.html


@dataclass(frozen=True, slots=True)
class Shown:
    """One report of an event and where the review shows it (page None: not on these pages)."""
    agreement_id: str
    article_id: str
    published: str | None
    site: str | None
    title: str | None
    page: int | None


def agreement_ids(rec: dict) -> list[str]:
    return [ag["agreement_id"] for ag in rec.get("agreements") or []]


def agreement_anchor(agreement_id: str) -> str:
    """The element id of an agreement's card on its page."""
    return "ag-" + agreement_id


def agreement_href(m: Shown, root: str) -> str | None:
    """The link to the page and card showing a report, from a page `root` away from the folder
    (`../` from pages/NNNN.html, `` from index.html or events.html); None when not shown."""
    if m.page is None:
        return None
    return f"{root}pages/{m.page:04d}.html#{quote(agreement_anchor(m.agreement_id), safe='')}"


def event_href(event_id: str, root: str) -> str:
    """The list filtered to one event."""
    return f"{root}index.html#event={quote(event_id, safe='')}"


class EventCollector:
    """The first pass: `add` every record of the run (with the review page it is shown on, or
    None when the selection leaves it out), then `finish` links them."""

    def __init__(self) -> None:
        self.mentions: list[linking.Mention] = []
        self.shown: dict[str, Shown] = {}

    def add(self, rec: dict, page: int | None) -> None:
        ags = rec.get("agreements") or []
        if not ags:
            return
        title = (rec.get("title") or "")[:TITLE_CHARS] or None
        site = linking._site(rec)
        try:
            mentions = linking.mentions_from_record(rec)
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"record {rec.get('article_id')!r}: an agreement without a well-formed {exc} — give a "
                             "records.jsonl written by `kyket run`") from None
        for m in mentions:
            m.words = frozenset(map(sys.intern, m.words))  # one string per word of the run's evidence, not per use
            self.mentions.append(m)
            self.shown.setdefault(m.mention_id, Shown(m.mention_id, m.article_id, rec.get("published_at"), site, title,
                                                      page))

    def finish(self) -> EventIndex:
        linked = linking.link(self.mentions)
        members = {eid: [self.shown[m.mention_id] for m in ms] for eid, ms in linked.events().items()}
        rows = [r for r in linking.event_rows(linked)["events"] if r["mention_count"] > 1]
        rows.sort(key=lambda r: (-r["article_count"], -r["mention_count"], r["event_id"]))
        self.mentions, self.shown = [], {}
        return EventIndex(linked.event_of, members, rows)


@dataclass
class EventIndex:
    event_of: dict[str, str]  # agreement_id → event_id
    members: dict[str, list[Shown]]  # event_id → its reports, first report first
    shared: list[dict]  # `events` rows of the events with more than one report, largest first

    def events_of(self, agreement_ids: Iterable[str]) -> list[str]:
        """The events of these agreements (an article's, in its order), once each."""
        out: list[str] = []
        for gid in agreement_ids:
            eid = self.event_of.get(gid)
            if eid and eid not in out:
                out.append(eid)
        return out

    def tag(self, row: dict, agreement_ids: Iterable[str]) -> dict:
        """A list row with the events of its article's agreements (`ev`), found by the list's search too."""
        evs = self.events_of(agreement_ids)
        row["ev"] = evs
        if evs:
            row["k"] = (row.get("k", "") + " " + " ".join(evs)).strip()
        return row


# --- HTML (every value escaped here; ids go into links quoted) -------------------------------

def esc(s) -> str:
    """Any value as HTML text (None as nothing), quotes escaped too: safe in text and attributes."""
    return html.escape("" if s is None else str(s), quote=True)


_e = esc


def _report(m: Shown, root: str, here: str | None = None) -> str:
    """One report: the article id linked to the card that shows it, outlet, date, title."""
    href = agreement_href(m, root)
    label = _e(m.article_id)
    link = (f'<a class="report" href="{_e(href)}">{label}</a>' if href
            else f'<span class="report">{label}</span> <span class="meta">(not on these pages)</span>')
    meta = " · ".join(_e(x) for x in (m.site, (m.published or "")[:10], m.title) if x)
    same = ' <span class="badge">this article</span>' if here is not None and m.article_id == here else ""
    return (f'<li class="event-mention" data-article="{_e(m.article_id)}" data-agreement="{_e(m.agreement_id)}">'
            f'{link}{same}' + (f' <span class="meta">— {meta}</span>' if meta else "") + "</li>")


def card_block(agreement_id: str, article_id: str, events: EventIndex, root: str) -> str:
    """On an agreement's card: its event (a link to the list filtered to it) and the other
    reports of the same signing, each linked to the page and card showing it."""
    eid = events.event_of.get(agreement_id)
    if not eid:
        return ""
    ms = events.members[eid]
    others = [m for m in ms if m.agreement_id != agreement_id]
    head = (f'<div class="event" data-event="{_e(eid)}"><span class="field">event</span>'
            f'<a class="event-link" href="{_e(event_href(eid, root))}" title="the list filtered to this event">{_e(eid)}</a>')
    if not others:
        return head + ' <span class="meta">— no other report</span></div>'
    first = "; the first report" if ms[0].agreement_id == agreement_id else ""
    listed = others[:MAX_LISTED]
    more = (f'<li class="meta"><a href="{_e(root)}events.html#{_e(quote(eid, safe=""))}">'
            f'… and {len(others) - len(listed)} more</a></li>') if len(others) > len(listed) else ""
    return (head + f' <span class="meta">— {len(ms)} reports in {len({m.article_id for m in ms})} articles{first}; '
            f'the others:</span><ul class="event-mentions">' + "".join(_report(m, root, article_id) for m in listed)
            + more + "</ul></div>")


def events_body(events: EventIndex, root: str = "") -> str:
    """events.html: the events told by more than one report, most articles first, each with
    its best values (as in the `events` table) and its reports."""
    out = [f'<p class="meta" id="events-summary">{len(events.event_of)} agreements → {len(events.members)} events; '
           f'{len(events.shared)} with more than one report, listed here (most articles first). '
           'An event id opens the list filtered to that event.</p>']
    for r in events.shared:
        eid = r["event_id"]
        outlets = f", {r['outlet_count']} outlets" if r["outlet_count"] else ""
        facts = " · ".join(_e(x) for x in (f"{r['mention_count']} reports in {r['article_count']} articles{outlets}",
                                            r.get("date_value"), r.get("type"), r.get("location")) if x)
        out.append(
            f'<section class="event" id="{_e(eid)}" data-event="{_e(eid)}" data-agreements="1" data-changed="0" '
            f'data-errors="0" data-types="{_e(r.get("type") or "")}">'
            f'<h2><a class="event-link" href="{_e(event_href(eid, root))}">{_e(eid)}</a>'
            + (f' {_e(r["title"])}' if r.get("title") else "") + f'</h2><div class="meta">{facts}</div>'
            + (f'<p>{_e("; ".join(r["parties"]))}</p>' if r.get("parties") else "")
            + '<ol class="event-mentions">' + "".join(_report(m, root) for m in events.members[eid]) + "</ol></section>")
    return "".join(out)


def index_events(records: Iterable[dict], wants: Callable[[dict], bool], page_size: int) -> EventIndex:
    """The first pass over a run: every record's agreements (linking needs them all), each
    with the page it will be shown on when `wants` (the review's selection) takes its article."""
    collector, n = EventCollector(), 0
    for rec in records:
        page = None
        if wants(rec):
            page, n = n // page_size + 1, n + 1
        collector.add(rec, page)
    return collector.finish()
