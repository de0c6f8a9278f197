"""Assemble stage: group signing mentions into agreements and fill their fields.

One agreement per signing: mentions that name two or more parties open or join an
agreement (joined when their party sets overlap); mentions without their own parties
("Tại lễ ký kết …", "hai bên đã ký …") add type, date, place and people to the nearest
agreement. An agreement needs two parties; one with fewer is dropped.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

import regex

from extractors import clauses as clauses_x
from extractors import dates as dates_x
from extractors import events as events_x
from extractors import places as places_x
from extractors import relations as relations_x
from extractors.lexicons import load
from extractors.parties import Org, is_vietnamese_name
from extractors.people import Person, title_word
from pipeline.document import Document, Span
from pipeline.records import (
    Agreement,
    Clause,
    DateValue,
    Party,
    PeriodValue,
    Relation,
    Signatory,
    TextSpan,
)
from pipeline.textnorm import fold, name_key

_QUOTED = regex.compile(r"[“\"]([^”\"\n]{4,200})[”\"]")


@dataclass
class Group:
    mentions: list[Span] = field(default_factory=list)
    weak: list[Span] = field(default_factory=list)
    parties: list[Span] = field(default_factory=list)

    def keys(self) -> set[str]:
        return {party_key(p) for p in self.parties}


def party_key(sp: Span) -> str:
    org: Org = sp.value
    return name_key(org.canonical if org.kind == "country" else org.name)


def _orgs_in(doc: Document, lo: int, hi: int) -> list[Span]:
    return [o for o in doc.layer("orgs") if lo <= o.start and o.end <= hi]


def mention_parties(doc: Document, ev: Span) -> list[Span]:
    m: events_x.EventMention = ev.value
    f = doc.folded
    out: list[Span] = []
    if m.anaphoric:
        # "tại Lễ ký Tuyên bố chung … giữa A và B": only parties introduced by "giữa"
        g = regex.search(r"(?<!\p{L})giữa(?!\p{L})", f[ev.end:m.clause[1]])
        if not g:
            return []
        lo = ev.end + g.end()
        for o in _orgs_in(doc, lo, m.clause[1]):
            if party_key(o) not in {party_key(x) for x in out}:
                out.append(o)
        return out if len(out) >= 2 else []
    people_titles = [p for p in doc.layer("people") if m.clause[0] <= p.start < m.clause[1]]
    for o in _orgs_in(doc, *m.clause):
        before = f[max(m.clause[0], o.start - 8):o.start]
        if regex.search(r"(tại|ở|đến|tới|sang)\s+$", before):
            continue  # a place, not a party
        if o.value.kind == "country" and doc.text[max(0, o.start - 1):o.start] == "(":
            continue  # "Tập đoàn Imal Pal Group (Italia)": the partner's nationality
        if events_x.not_a_party_here(f, o.start) or (
                o.value.kind == "country" and events_x.country_as_modifier(doc.text, f, o.start)):
            continue
        if events_x.in_witness_context(f, max(m.clause[0], o.start - 120), o.start) and not (
                o.start > ev.end and regex.search(r"(với|giữa)\s", f[ev.end:o.start])):
            continue
        gap = f[ev.end:o.start]
        # "ký biên bản ghi nhớ về … cho … với Tập đoàn X": the partner after "với" is a party
        # however long the object before it
        partner = o.start - ev.end <= 250 and regex.search(r"(?<!\p{L})với\s+(?:\p{L}+\s+){0,2}$", gap)
        if o.start > ev.end and not partner and (o.start - ev.end > 160 or regex.search(r"(?<!\p{L})(nhằm|để|của|về|cho|theo|trong|thuộc|sẽ|giúp)(?!\p{L})", gap)
                                 or (o.start - ev.end > 60 and not regex.search(r"(?<!\p{L})(với|giữa|cùng)(?!\p{L})", gap))):
            continue  # in the object or purpose of the document, not a party
        key = party_key(o)
        if key and key not in {party_key(x) for x in out}:
            out.append(o)
    # "Hai Thủ tướng đã ký …": the states of the two office holders the article names
    if len(out) < 2:
        for o in _collective_states(doc, ev):
            if party_key(o) not in {party_key(x) for x in out}:
                out.append(o)
    # organisations that appear only through their representatives before the trigger
    # (not before a passive one — "được ký kết": the agents follow it)
    for p in people_titles if not _passive(doc, ev) else []:
        if p.start < ev.start and not events_x.in_witness_context(f, max(m.clause[0], p.start - 120), p.start) \
                and not events_x.speaker_between(f, p.end, ev.start):
            for o in _title_orgs(doc, p) or _state_of(doc, p):
                if party_key(o) not in {party_key(x) for x in out}:
                    out.append(o)
    return out


def _state_of(doc: Document, p: Span) -> list[Span]:
    """The country a head of state or government signs for: named in the person's title
    at another mention ("Thủ tướng Hà Lan Mark Rutte"), else Việt Nam for a Vietnamese name
    (the press's unqualified "Thủ tướng"), taken at a mention of the country in the text."""
    person: Person = p.value
    if fold(title_word(person.title) or "") not in _state_titles():
        return []
    countries = [o for o in doc.layer("orgs") if o.value.kind == "country"]
    for q in doc.layer("people"):
        other: Person = q.value
        if other.title_span and SequenceMatcher(None, name_key(other.name), name_key(person.name)).ratio() >= 0.9:
            inside = [o for o in countries if other.title_span[0] <= o.start < other.title_span[1]]
            if inside:
                return inside[:1]
    if is_vietnamese_name(person.name):
        return [o for o in countries if _same_key("việt nam", name_key(o.value.canonical))][:1]
    return []


@lru_cache(maxsize=1)
def _state_titles() -> frozenset[str]:
    return frozenset(fold(t) for t in load("people")["state_titles"])


def _collective_holders(doc: Document, ev: Span) -> list[tuple[Span, Span]]:
    """ "Hai Thủ tướng đã ký …": (person, country) for the two holders of that office the
    article names, each at its mention nearest before the trigger."""
    m: events_x.EventMention = ev.value
    before = doc.folded[m.clause[0]:ev.start]
    title = None
    for hit in regex.finditer(r"(?<!\p{L})(?:hai|2)\s+", before):
        rest = before[hit.end():]
        title = next((t for t in sorted(_state_titles(), key=len, reverse=True)
                      if rest.startswith(t) and not rest[len(t):len(t) + 1].isalpha()), None)
        if title:
            break
    if title is None:
        return []
    best: dict[str, tuple[Span, Span]] = {}
    for p in doc.layer("people"):
        if p.start < ev.start and fold(title_word(p.value.title) or "").startswith(title):
            for o in _state_of(doc, p)[:1]:
                best[party_key(o)] = (p, o)  # people are in text order: the last one is nearest
    return list(best.values()) if len(best) == 2 else []


def _collective_states(doc: Document, ev: Span) -> list[Span]:
    return [o for _p, o in _collective_holders(doc, ev)]


def _passive(doc: Document, ev: Span) -> bool:
    """ "… được ký kết": who stands before a passive trigger did not sign."""
    m: events_x.EventMention = ev.value
    return bool(regex.search(r"(?<!\p{L})được(?:\s+\p{Ll}+)?\s*$", doc.folded[max(m.clause[0], ev.start - 20):ev.start]))


def _title_orgs(doc: Document, p: Span) -> list[Span]:
    """The organisation in a person's title ("Phó chủ tịch Nasdaq" → Nasdaq)."""
    person: Person = p.value
    if not person.title_span:
        return []
    ts, te = person.title_span
    found = [o for o in doc.layer("orgs") if ts <= o.start < te]
    if found:
        return found[:1]
    tw = title_word(person.title) or ""
    rest_start = ts + len(tw)
    m = regex.match(r"\s+((?:[\p{Lu}\d][\p{L}\d&.-]*)(?:\s+[\p{Lu}\d][\p{L}\d&.-]*){0,4})", doc.text[rest_start:te])
    if not m:
        return []
    s, e = rest_start + m.start(1), rest_start + m.end(1)
    name = doc.text[s:e]
    return [Span(s, e, "org", "parties.representative", Org(name, name, "organisation", "parties.representative", 0.6), 0.6)]


def _same_key(a: str, b: str) -> bool:
    """Name keys for the same party or person: equal, or one a word-bounded part of the
    other ("trung quốc" / "đại sứ quán trung quốc"; "tillerson" / "rex tillerson")."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return bool(short) and f" {short} " in f" {long_} "


_PLURAL = regex.compile(r"(?<!\p{L})(?:các|nhiều|những|loạt|\d+)\s+(?:\p{L}+\s+){0,2}$")


def _summary(doc: Document, ev: Span) -> bool:
    """A mention of several signings at once: a plural before the document word or the
    trigger ("nhiều văn bản ghi nhớ", "các hoạt động ký kết", "2 thỏa thuận")."""
    m: events_x.EventMention = ev.value
    anchors = [m.trigger[0]] + ([m.doc_span[0]] if m.doc_span else [])
    return any(_PLURAL.search(doc.folded, max(m.clause[0], a - 30), a) for a in anchors)


def _same_parties(a: set[str], b: set[str]) -> bool:
    """Two party sets of one signing: two parties in common, or one when a set holds the other."""
    shared = sum(1 for k in a if any(_same_key(k, x) for x in b))
    return shared >= 2 or (shared >= 1 and (a <= b or b <= a))


def _joins(g: Group, ev: Span, keys: set[str]) -> bool:
    """The mention continues group `g`: the same parties, and not a different document
    signed by only some of them ("… cùng Ngân hàng Thế giới ký Bản ghi nhớ …. Hai Thủ tướng
    đã ký Ý định thư …" are two signings)."""
    return _same_parties(keys, g.keys()) and (keys == g.keys() or _same_document({ev.value.doc_type}, g))


def _same_document(types: set[str | None], g: Group) -> bool:
    theirs = {x.value.doc_type for x in g.mentions}
    return None in types or None in theirs or bool(types & theirs)


def _add_parties(g: Group, ps: list[Span]) -> None:
    for p in ps:
        k = party_key(p)
        same = [i for i, x in enumerate(g.parties) if _same_key(k, party_key(x))]
        if not same:
            g.parties.append(p)
        elif len(k) > len(party_key(g.parties[same[0]])):
            g.parties[same[0]] = p  # the most complete form names the party


def _group(doc: Document, events: list[Span]) -> list[Group]:
    groups: list[Group] = []
    pending_weak: list[Span] = []
    summaries: list[tuple[Span, set[str]]] = []
    for ev in events:
        ps = mention_parties(doc, ev)
        if len(ps) < 2:
            target = groups[-1] if groups else None
            if target is not None:
                target.weak.append(ev)
            else:
                pending_weak.append(ev)
            continue
        keys = {party_key(p) for p in ps}
        target = next((g for g in groups if _joins(g, ev, keys)), None)
        if target is None and ev.value.anaphoric:
            # "chứng kiến Lễ ký … giữa A và B" refers back to a signing already reported
            target = next((g for g in groups if any(_same_key(k, x) for k in keys for x in g.keys())), None)
        if target is None and _summary(doc, ev):
            summaries.append((ev, keys))  # "các hoạt động ký kết … giữa A với B": placed at the end
            continue
        if target is None:
            target = Group()
            groups.append(target)
            if pending_weak:
                target.weak.extend(pending_weak)
                pending_weak = []
        target.mentions.append(ev)
        _add_parties(target, ps)
    # a summary of several signings ("nhiều văn bản ghi nhớ … đã được ký kết") is one of them
    # when a named signing shares a party with it, else a signing of its own
    for ev, keys in summaries:
        into = next((g for g in groups if any(_same_key(k, x) for k in keys for x in g.keys())), None)
        if into is not None:
            into.weak.append(ev)
        else:
            g = Group(mentions=[ev])
            _add_parties(g, mention_parties(doc, ev))
            groups.append(g)
    groups.sort(key=lambda g: g.mentions[0].start)
    # a later mention can show that two earlier groups are one signing
    merged: list[Group] = []
    for g in groups:
        into = next((h for h in merged if _same_parties(g.keys(), h.keys()) and (
            g.keys() == h.keys() or _same_document({x.value.doc_type for x in g.mentions}, h))), None)
        if into is None:
            merged.append(g)
        else:
            into.mentions.extend(g.mentions)
            into.mentions.sort(key=lambda x: x.start)
            into.weak.extend(g.weak)
            _add_parties(into, g.parties)
    # a group left with one party is a further mention of the signing before it
    groups = []
    for g in merged:
        if len(g.parties) < 2 and groups:
            groups[-1].weak.extend(g.mentions + g.weak)
        else:
            groups.append(g)
    if not groups and pending_weak:
        # parties named only through their representatives ("ông X, Giám đốc Sở Y")
        g = Group(weak=pending_weak)
        for ev in pending_weak:
            g.parties.extend(p for p in _representative_orgs(doc, ev) if party_key(p) not in g.keys())
        if len(g.parties) >= 2:
            g.mentions.append(pending_weak[0])
            g.weak = pending_weak[1:]
            groups.append(g)
    return groups


def _representative_orgs(doc: Document, ev: Span) -> list[Span]:
    m: events_x.EventMention = ev.value
    out = []
    for p in doc.layer("people"):
        person: Person = p.value
        if m.sentence[0] <= p.start < m.sentence[1] and person.title_span:
            out.extend(_title_orgs(doc, p))
    return out


def _pub_date(doc: Document) -> dt.date | None:
    if not doc.published_at:
        return None
    try:
        return dt.date.fromisoformat(doc.published_at[:10])
    except ValueError:
        return None


def _settings(doc: Document, mentions: list[Span]) -> list[tuple[tuple[int, int], int]]:
    """(sentence, trigger position) to read a signing's date and place from: its mentions'
    sentences, then the sentences they refer back to ("Tại đây, …", "Trong đó: …")."""
    out = [(ev.value.sentence, ev.start) for ev in mentions]
    sents = doc.layer("sentences")
    starts = [x.start for x in sents]
    for ev in mentions:
        k = starts.index(ev.value.sentence[0]) if ev.value.sentence[0] in starts else -1
        # follow "Trong đó:" → "Tại đây, …" back to the sentence that sets the scene; a
        # caption in between is skipped (up to three sentences back)
        while k > 0 and events_x.refers_to_setting_before(doc.folded, sents[k].start):
            k -= 1
        first = starts.index(ev.value.sentence[0]) if ev.value.sentence[0] in starts else -1
        if k == first:
            continue
        for j in range(k, max(k - 3, -1), -1):
            prev = (sents[j].start, sents[j].end)
            if prev not in [x for x, _t in out]:
                out.append((prev, sents[j].end))
    return out


def _date_for(doc: Document, where: list[tuple[tuple[int, int], int]]) -> DateValue | None:
    """The signing date: the date nearest the first mention's trigger, else the first date
    of a later sentence in `where` — never a date that heads a reporting verb."""
    cands = []
    trig = where[0][1]
    for rank, ((s, e), pos) in enumerate(where):
        for d in dates_x.extract_dates(doc.folded, s, e):
            value, ysrc = dates_x.resolve(d, doc.published_at)
            if value is None or dates_x.dates_a_report(doc.folded, d.end, pos):
                continue
            dist = abs(d.start - trig) if rank == 0 else 10_000 * rank + d.start
            cands.append((dist, d, value, ysrc))
    if not cands:
        return None
    cands.sort(key=lambda c: c[0])
    _dist, d, value, ysrc = cands[0]
    if d.year is None and d.day:
        # the article prints the year of this day elsewhere ("hôm 05/02/2017")
        year = dates_x.year_in_text(doc.folded, d.day, d.month)
        if year:
            value, ysrc = f"{year:04d}-{d.month:02d}-{d.day:02d}", "text"
    pod = d.part_of_day or next((c[1].part_of_day for c in cands if c[1].part_of_day and c[1].day == d.day), None)
    return DateValue(value=value, text=doc.text[d.start:d.end], start=d.start, end=d.end,
                     part_of_day=pod, year_source=ysrc)


def _status(doc: Document, g: Group, date: DateValue | None) -> str:
    first: events_x.EventMention = g.mentions[0].value
    status = first.cue
    if status == "signed" and date and date.value and date.value[:4].isdigit():
        pub = _pub_date(doc)
        try:
            when = dt.date.fromisoformat(date.value) if len(date.value) == 10 else None
        except ValueError:
            when = None
        if pub and when and (pub - when).days > 45:
            status = "referenced"
        elif pub and not when and int(date.value[:4]) < pub.year:
            status = "referenced"
    if status == "signed":
        years = [int(y) for y in regex.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", doc.folded[first.clause[0]:first.trigger[0]])]
        pub = _pub_date(doc)
        if pub and years and max(years) < pub.year and not date:
            status = "referenced"
    return status


def _title(doc: Document, g: Group) -> TextSpan | None:
    for ev in g.mentions + g.weak:
        m: events_x.EventMention = ev.value
        for q in _QUOTED.finditer(doc.text, m.trigger[0], m.sentence[1]):
            if q.start() - m.trigger[1] > 120:
                break
            return TextSpan(text=q.group(1), start=q.start(1), end=q.end(1))
        if m.doc_span and doc.text[m.doc_span[0]].isupper() and m.doc_span[0] >= m.trigger[1]:
            tail = regex.match(r"[^,.;:()\n]{0,120}?(?=\s+(?:nhằm|với|tại|giữa|vào|trị giá|của)\s|[,.;:(\n]|$)",
                               doc.text[m.doc_span[0]:m.sentence[1]])
            if tail and len(tail.group(0).split()) >= 2:
                s = m.doc_span[0]
                return TextSpan(text=tail.group(0).rstrip(), start=s, end=s + len(tail.group(0).rstrip()))
    return None


def _signatories(doc: Document, g: Group, party_spans: list[Span]) -> list[Signatory]:
    out: list[Signatory] = []
    seen = set()
    for ev in g.mentions + g.weak:
        m: events_x.EventMention = ev.value
        for p in doc.layer("people"):
            if not (m.sentence[0] <= p.start < m.sentence[1]):
                continue
            person: Person = p.value
            key = name_key(person.name)
            if any(_same_key(key, k) for k in seen):
                continue  # "Tillerson" after "Rex Tillerson": the same person
            # at "Lễ ký … giữa A và B" only the people who represent A or B themselves sign
            own = p.start < ev.start and regex.search(r"(?<!\p{L})(?:tại|trong)\s+(?:buổi\s+)?lễ\s*$", doc.folded[p.end:ev.start]) \
                and not events_x.in_witness_context(doc.folded, p.end, ev.start) and any(_same_key(party_key(r), party_key(x))
                                             for r in _title_orgs(doc, p) or _state_of(doc, p) for x in party_spans)
            witness = (m.anaphoric and not own) or events_x.in_witness_context(doc.folded, m.sentence[0], p.start) \
                or (p.start < ev.start and events_x.speaker_between(doc.folded, p.end, ev.start))  # a speaker
            if not witness and p.start > ev.end and not regex.search(r"(với|giữa|và)\s", doc.folded[ev.end:p.start]):
                continue
            if not witness and p.start < ev.start and _passive(doc, ev) and p.source == "people.rule":
                continue  # "X … được ký kết": not its signer (the passive agent pattern finds "bởi X")
            party = None
            if person.title_span:
                for o in doc.layer("orgs"):
                    if person.title_span[0] <= o.start < person.title_span[1]:
                        party = o.value.name
                        break
            if party is None and not witness:
                for o in party_spans:
                    if o.value.kind == "country" and person.title and o.value.name in person.title:
                        party = o.value.name
            seen.add(key)
            out.append(Signatory(name=person.name, title=title_word(person.title), party=party,
                                 role="witness" if witness else "signatory", start=p.start, end=p.end))
        for p, o in _collective_holders(doc, ev):
            key = name_key(p.value.name)
            if not any(_same_key(key, k) for k in seen):
                seen.add(key)
                out.append(Signatory(name=p.value.name, title=title_word(p.value.title), party=o.value.name,
                                     role="signatory", start=p.start, end=p.end))
    return out


def _evidence(doc: Document, ev: Span) -> TextSpan:
    m: events_x.EventMention = ev.value
    s, e = m.clause
    if e - s > 300:
        s = max(s, ev.start - 150)
        e = min(e, ev.end + 150)
    seg = doc.text[s:e]
    s += len(seg) - len(seg.lstrip())
    e = s + len(doc.text[s:e].strip())
    return TextSpan(text=doc.text[s:e], start=s, end=e)


def _to_party(sp: Span) -> Party:
    org: Org = sp.value
    return Party(name=org.name, canonical=org.canonical, kind=org.kind, start=sp.start, end=sp.end,
                 source=sp.source, confidence=round(org.confidence, 3))


def assemble(doc: Document) -> list[Agreement]:
    events = [e for e in doc.layer("events") if not (e.value.personal and e.value.doc_type in ("contract", None))]
    groups = _group(doc, events)
    list_items = clauses_x.list_items(doc)
    signing_sentences = {ev.value.sentence for ev in events if not ev.value.anaphoric}
    starts = [g.mentions[0].start for g in groups]
    agreements: list[Agreement] = []
    rel_pairs = relations_x.pair_orgs(doc.text, doc.layer("orgs"))
    for gi, g in enumerate(groups):
        first = g.mentions[0]
        lo = starts[gi]
        hi = starts[gi + 1] if gi + 1 < len(groups) else len(doc.text)
        # all mentions of this signing, strong first
        mentions: list[Span] = []
        for ev in g.mentions + sorted(g.weak, key=lambda x: x.start):
            if ev.value.sentence not in {x.value.sentence for x in mentions}:
                mentions.append(ev)
        where = _settings(doc, mentions)
        sentences = [x for x, _t in where]
        date = _date_for(doc, where)
        mtype = max(g.mentions + g.weak, key=lambda x: x.value.doc_priority).value
        atype = mtype.doc_type or "other"
        loc = None
        for s, e in sentences:
            sp = places_x.extract_location(doc, s, e)
            if sp:
                loc = TextSpan(text=doc.text[sp.start:sp.end], start=sp.start, end=sp.end)
                break
        period = None
        for s, e in sentences:
            ps = dates_x.extract_periods(doc.folded, s, e)
            if ps:
                p = ps[0]
                period = PeriodValue(start=p.first, end=p.last, text=doc.text[p.start:p.end],
                                     span_start=p.start, span_end=p.end)
                break
        # relations (pairing lists) after the first mention extend the parties
        relations = []
        parties = list(g.parties)
        for a, b in rel_pairs:
            if (lo <= a.start < hi) or (gi == 0 and a.start < lo):
                relations.append(Relation(**{"from": a.value.name, "to": b.value.name}))
                for x in (a, b):
                    if party_key(x) not in {party_key(y) for y in parties}:
                        parties.append(x)
        # clauses: list items led in after the first mention, then prose commitments
        cls = [c for c, lead in list_items if (lo <= lead < hi or (lead < lo and c.start > lo and gi == 0))
               and not any(c.start <= a.start < c.end for a, _b in rel_pairs)]  # a pairing, not a content item
        if not cls or len(groups) == 1:
            prose = clauses_x.prose_commitments(doc, first.value.sentence[0], signing_sentences - {first.value.sentence})
            item_starts = {c.start for c in cls}
            cls += [c for c in prose if lo <= c.start < hi and c.start not in item_starts and all(not (x.start <= c.start < x.end) for x in cls)]
        clauses = [Clause(text=doc.text[c.start:c.end], start=c.start, end=c.end) for c in sorted(cls, key=lambda c: c.start)]
        if len(parties) < 2:
            continue
        evidence = _evidence(doc, first)
        status = _status(doc, g, date)
        aid = hashlib.sha1(f"{doc.article_id}|{evidence.start}|{evidence.text}".encode()).hexdigest()[:16]
        conf = min(0.95, 0.5 + 0.1 * min(len(parties), 3) + (0.15 if mtype.doc_type else 0))
        agreements.append(Agreement(
            agreement_id=aid, status=status, type=atype, title=_title(doc, g), evidence=evidence,
            date=date, location=loc, period=period, parties=[_to_party(p) for p in parties],
            relations=relations, signatories=_signatories(doc, g, parties), clauses=clauses,
            confidence=round(conf, 3),
        ))
    return agreements
