"""Grouping: which signing mentions are one agreement, and who its parties are.

One agreement per signing: mentions that name two or more parties open or join a group
(joined when their party sets overlap and they do not name different documents); mentions
without parties of their own ("Tại lễ ký kết …", "hai bên đã ký …") are further mentions of
the group before them. Parties come from the organisations in the mention's clause, from the
people who represent them, from heads of state (their country) and from collectives ("Hai
Thủ tướng"); places, witnesses, speakers, members, modifiers and purposes are not parties.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import pairwise

import regex

from extractors import events as events_x
from extractors import places as places_x
from extractors.features import WORD as _WORD
from extractors.lexicons import load
from extractors.parties import Org, is_vietnamese_name
from extractors.people import Person, title_word
from pipeline import models
from pipeline.document import Document, Span
from pipeline.textnorm import fold, name_key


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


_PURPOSE = regex.compile(r"(?<!\p{L})(nhằm|để|của|về|cho|theo|trong|thuộc|sẽ|giúp)(?!\p{L})")
_LINKS = regex.compile(r"(?<!\p{L})(với|giữa|cùng)(?!\p{L})")
_PARTNER = regex.compile(r"(?<!\p{L})với\s+(?:\p{L}+\s+){0,2}$")
_PLACE_PREP = regex.compile(r"(tại|ở|đến|tới|sang)\s+$")
_WITH_BETWEEN = regex.compile(r"(với|giữa)\s")
_BETWEEN = regex.compile(r"(?<!\p{L})giữa(?!\p{L})")
_TWO = regex.compile(r"(?<!\p{L})(?:hai|2)\s+")
_PASSIVE_BEFORE = regex.compile(r"(?<!\p{L})được(?:\s+\p{Ll}+)?\s*$")


@lru_cache(maxsize=1)
def _titles() -> frozenset[str]:
    return frozenset(fold(t) for t in load("people")["titles"] + load("people")["honorifics"])


def proper_names(doc: Document, lo: int, hi: int) -> list[Span]:
    """Open-class candidates: every run of capitalised or acronym words in doc.text[lo:hi]
    (underthesea's words of the sentence, computed once and shared) that no organisation or
    person already covers, not a title of office, not a capitalised common word opening the
    sentence."""
    from pipeline.segment import analyze

    taken = [(x.start, x.end) for x in doc.layer("orgs") + doc.layer("people")]
    out = []
    for sent in doc.layer("sentences"):
        if sent.end <= lo or sent.start >= hi:
            continue
        run: list = []
        for tok in analyze(doc, sent) + [None]:
            ok = tok is not None and lo <= tok.start and tok.end <= hi and tok.text[:1].isupper() \
                and tok.pos not in ("CH", "M", "Nu") and any(c.isalpha() for c in tok.text)
            if ok:
                run.append(tok)
                continue
            while run and fold(run[0].text) in _titles():
                run.pop(0)
            # a capitalised common word opening the sentence is no name ("Sáng", "Theo");
            # a proper noun or an acronym there is ("Xiaomi và Nokia …", "VNPT và …")
            if run and not (len(run) == 1 and run[0].start == sent.start and run[0].pos not in ("Np", "Ny")) \
                    and not any(a < run[-1].end and run[0].start < b for a, b in taken):
                s0, e0 = run[0].start, run[-1].end
                name = doc.text[s0:e0]
                out.append(Span(s0, e0, "org", "parties.proper", Org(name, name, "proper", "parties.proper", 0.5), 0.5))
            run = []
    return out


def _pos_at(doc: Document, lo: int, hi: int) -> dict[int, str]:
    """Start offset → underthesea's POS tag of each word of the sentences in [lo, hi)."""
    from pipeline.segment import analyze

    return {t.start: t.pos for sent in doc.layer("sentences") if sent.start < hi and sent.end > lo
            for t in analyze(doc, sent)}


def party_candidates(doc: Document, ev: Span) -> list[tuple[Span, dict[str, float]]]:
    """The organisations of the mention's clause, each with what the rules know of it as
    features: venue, place preposition, speaker's side, nationality in brackets, member or
    time-zone context, nationality modifier, witness context, side and distance from the
    trigger, a partner after "với", purpose words between; `rule` = no rule vetoes it."""
    m: events_x.EventMention = ev.value
    f = doc.folded
    people_titles = [p for p in doc.layer("people") if m.clause[0] <= p.start < m.clause[1]]
    orgs = _orgs_in(doc, *m.clause)
    subjects = [x.start for x in orgs] + [x.start for x in people_titles]
    orgs = sorted(orgs + proper_names(doc, *m.clause), key=lambda x: x.start)
    place = places_x.extract_location(doc, *m.clause)  # "tại Tokyo, Nhật Bản, …": the venue
    passive = is_passive(doc, ev)
    pos_at = _pos_at(doc, *m.sentence) if any(o.source == "parties.proper" for o in orgs) else {}
    out = []
    for o in orgs:
        org: Org = o.value
        after = o.start >= ev.end
        gap = f[ev.end:o.start] if after else f[o.end:ev.start]
        dist = o.start - ev.end if after else ev.start - o.end
        flags = {
            "venue": bool(place and place.start <= o.start < place.end),
            "place_prep": bool(_PLACE_PREP.search(f[max(m.clause[0], o.start - 8):o.start])),
            "speaker": (not after) and events_x.speaker_between(f, o.end, ev.start, subjects),
            "paren_country": org.kind == "country" and doc.text[max(0, o.start - 1):o.start] == "(",
            "not_party_ctx": events_x.not_a_party_here(f, o.start),
            "modifier": org.kind == "country" and events_x.country_as_modifier(doc.text, f, o.start),
            "witness": events_x.in_witness_context(f, max(m.clause[0], o.start - 120), o.start) and not (
                after and bool(_WITH_BETWEEN.search(gap))),
        }
        partner = after and dist <= 250 and bool(_PARTNER.search(gap))
        flags["object"] = after and not partner and (dist > 160 or bool(_PURPOSE.search(gap)) or (
            dist > 60 and not _LINKS.search(gap)))
        feats = {"bias": 1.0, f"kind={org.kind}": 1.0, f"src={o.source.split(':')[0]}": 1.0,
                 "after" if after else "before": 1.0,
                 f"dist={'0' if dist < 20 else ('20' if dist < 60 else ('60' if dist < 160 else '160'))}": 1.0}
        for k, v in flags.items():
            if v:
                feats[k] = 1.0
        if not any(flags.values()):
            feats["rule"] = 1.0
        if partner:
            feats["partner"] = 1.0
        if _LINKS.search(gap):
            feats["link_between"] = 1.0
        if _PURPOSE.search(gap):
            feats["purpose_between"] = 1.0
        if passive:
            feats["passive&" + ("after" if after else "before")] = 1.0
        if org.expanded:
            feats["expanded"] = 1.0
        left = _WORD.findall(f, max(m.clause[0], o.start - 30), o.start)[-2:]
        right = _WORD.findall(f, o.end, min(m.clause[1], o.end + 20))[:1]
        for i, w in enumerate(reversed(left)):
            feats[f"L{i + 1}:{w}"] = 1.0
        for w in right:
            feats[f"R1:{w}"] = 1.0
        if len(org.name.split()) == 1:
            feats["one_word"] = 1.0
        if o.source == "parties.proper":
            # the word class underthesea gives the run's first word: a capitalised common
            # word ("Lễ ký kết", a heading glued to "Sau cuộc họp") is a noun or a
            # preposition, a name a proper noun
            pos = pos_at.get(o.start)
            if pos:
                feats[f"proper_pos={pos}"] = 1.0
                if len(org.name.split()) == 1:
                    feats[f"proper_pos1={pos}"] = 1.0
        out.append((o, feats))
    return out


_CONJ = regex.compile(r"\s*(?:,|;|và|cùng|với)\s*")
_NOT_CONJUNCT = ("venue", "place_prep", "paren_country", "modifier", "witness", "speaker")
# a conjunct of a kept party needs this much of the party model's probability, not 0.5
# (5-fold CV: parties 0.742 without coordination, 0.777 at 0, 0.784 at 0.1–0.2, 0.756 at 0.3)
CONJ_MIN = 0.2


_NAME_BEFORE = regex.compile(r"\p{Lu}\p{L}*[ \t]+$")


def _conjuncts(text: str, folded: str, cands: list[tuple[Span, dict[str, float]]], kept: list[bool],
               scores: list[float]) -> list[bool]:
    """Coordination: the members of a list ("Viettel, VNPT-VinaPhone, MobiFone, Vietnamobile
    và Gtel") share their role — a candidate joined to a kept one by nothing but a comma, a
    semicolon, "và", "cùng" or "với" is kept too when the model gives it at least CONJ_MIN,
    unless the rules place it as a venue, a modifier, a witness or a speaker, or it is the
    tail of a longer name."""
    kept = list(kept)
    order = sorted(range(len(cands)), key=lambda i: cands[i][0].start)
    changed = True
    while changed:
        changed = False
        for a, b in pairwise(order):
            x, y = cands[a][0], cands[b][0]
            if kept[a] == kept[b] or x.end > y.start or not _CONJ.fullmatch(folded, x.end, y.start):
                continue
            j = b if kept[a] else a
            # the tail of a longer name ("… Công ty Vinh | Hưng", a run-on sentence cut in
            # pieces) is no conjunct of its own
            whole = not _NAME_BEFORE.search(text, max(0, cands[j][0].start - 40), cands[j][0].start)
            if scores[j] >= CONJ_MIN and whole and not any(k in cands[j][1] for k in _NOT_CONJUNCT):
                kept[j] = changed = True
    return kept


def _keep(cands: list[tuple[Span, dict[str, float]]], text: str, folded: str) -> list[Span]:
    """The candidates that are parties: the trained party model where one ships (and the
    conjuncts of a kept one), else the rules (which know only the lexicon's organisations,
    not open-class names)."""
    model = models.get("parties")
    if model is None:
        return [o for o, feats in cands if "rule" in feats and o.source != "parties.proper"]
    scores = [model.scores(feats)["yes"] for _o, feats in cands]
    kept = _conjuncts(text, folded, cands, [p >= 0.5 for p in scores], scores)
    return [o for (o, _f), k in zip(cands, kept, strict=True) if k]


def mention_parties(doc: Document, ev: Span) -> list[Span]:
    m: events_x.EventMention = ev.value
    f = doc.folded
    out: list[Span] = []
    if m.anaphoric:
        # "tại Lễ ký Tuyên bố chung … giữa A và B": only parties introduced by "giữa"
        g = _BETWEEN.search(f[ev.end:m.clause[1]])
        if not g:
            return []
        lo = ev.end + g.end()
        for o in _orgs_in(doc, lo, m.clause[1]):
            if party_key(o) not in {party_key(x) for x in out}:
                out.append(o)
        return out if len(out) >= 2 else []
    for o in _keep(party_candidates(doc, ev), doc.text, f):
        key = party_key(o)
        if key and key not in {party_key(x) for x in out}:
            out.append(o)
    # "Hai Thủ tướng đã ký …": the states of the two office holders the article names
    if len(out) < 2:
        for _p, o in collective_holders(doc, ev):
            if party_key(o) not in {party_key(x) for x in out}:
                out.append(o)
    # organisations that appear only through their representatives before the trigger
    # (not before a passive one — "được ký kết": the agents follow it)
    people_titles = [p for p in doc.layer("people") if m.clause[0] <= p.start < m.clause[1]]
    subjects = [x.start for x in _orgs_in(doc, *m.clause)] + [x.start for x in people_titles]
    for p in people_titles if not is_passive(doc, ev) else []:
        if p.start < ev.start and not events_x.in_witness_context(f, max(m.clause[0], p.start - 120), p.start) \
                and not events_x.speaker_between(f, p.end, ev.start, subjects):
            for o in title_orgs(doc, p) or state_of(doc, p):
                if party_key(o) not in {party_key(x) for x in out}:
                    out.append(o)
    return out


def state_of(doc: Document, p: Span) -> list[Span]:
    """The country a head of state or government signs for: named in the person's title
    at another mention ("Thủ tướng Hà Lan Mark Rutte"), else Việt Nam for a Vietnamese name
    (the press's unqualified "Thủ tướng"), taken at a mention of the country in the text."""
    person: Person = p.value
    if fold(title_word(person.title) or "") not in state_titles():
        return []
    countries = [o for o in doc.layer("orgs") if o.value.kind == "country"]
    for q in doc.layer("people"):
        other: Person = q.value
        if other.title_span and SequenceMatcher(None, name_key(other.name), name_key(person.name)).ratio() >= 0.9:
            inside = [o for o in countries if other.title_span[0] <= o.start < other.title_span[1]]
            if inside:
                return inside[:1]
    if is_vietnamese_name(person.name):
        return [o for o in countries if same_key("việt nam", name_key(o.value.canonical))][:1]
    return []


@lru_cache(maxsize=1)
def state_titles() -> frozenset[str]:
    """Titles of office whose holder signs for a state (folded)."""
    return frozenset(fold(t) for t in load("people")["state_titles"])


def collective_holders(doc: Document, ev: Span) -> list[tuple[Span, Span]]:
    """ "Hai Thủ tướng đã ký …": (person, country) for the two holders of that office the
    article names, each at its mention nearest before the trigger."""
    m: events_x.EventMention = ev.value
    before = doc.folded[m.clause[0]:ev.start]
    title = None
    for hit in _TWO.finditer(before):
        rest = before[hit.end():]
        title = next((t for t in sorted(state_titles(), key=len, reverse=True)
                      if rest.startswith(t) and not rest[len(t):len(t) + 1].isalpha()), None)
        if title:
            break
    if title is None:
        return []
    best: dict[str, tuple[Span, Span]] = {}
    for p in doc.layer("people"):
        if p.start < ev.start and fold(title_word(p.value.title) or "").startswith(title):
            for o in state_of(doc, p)[:1]:
                best[party_key(o)] = (p, o)  # people are in text order: the last one is nearest
    return list(best.values()) if len(best) == 2 else []


def is_passive(doc: Document, ev: Span) -> bool:
    """ "… được ký kết": who stands before a passive trigger did not sign."""
    m: events_x.EventMention = ev.value
    return bool(_PASSIVE_BEFORE.search(doc.folded[max(m.clause[0], ev.start - 20):ev.start]))


def title_orgs(doc: Document, p: Span) -> list[Span]:
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


def same_key(a: str, b: str) -> bool:
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
    shared = sum(1 for k in a if any(same_key(k, x) for x in b))
    return shared >= 2 or (shared >= 1 and (a <= b or b <= a))


def _joins(g: Group, ev: Span, keys: set[str]) -> bool:
    """The mention continues group `g`: the same parties, and not a different document
    signed by only some of them ("… cùng Ngân hàng Thế giới ký Bản ghi nhớ …. Hai Thủ tướng
    đã ký Ý định thư …" are two signings)."""
    return _same_parties(keys, g.keys()) and (keys == g.keys() or _same_document({ev.value.doc_type}, g))


def _ceremony(ev: Span) -> bool:
    """The mention names the ceremony ("Lễ ký kết …", "buổi ký kết") or refers back to it."""
    return bool(ev.value.anaphoric or ev.value.extras.get("info", {}).get("ceremony"))


def _same_document(types: set[str | None], g: Group) -> bool:
    theirs = {x.value.doc_type for x in g.mentions}
    return None in types or None in theirs or bool(types & theirs)


def _add_parties(g: Group, ps: list[Span]) -> None:
    for p in ps:
        k = party_key(p)
        same = [i for i, x in enumerate(g.parties) if same_key(k, party_key(x))]
        if not same:
            g.parties.append(p)
        elif len(k) > len(party_key(g.parties[same[0]])):
            g.parties[same[0]] = p  # the most complete form names the party


def group_mentions(doc: Document, events: list[Span]) -> list[Group]:
    groups: list[Group] = []
    pending_weak: list[Span] = []
    summaries: list[tuple[Span, set[str]]] = []
    found: dict[int, list[Span]] = {}  # the parties of each mention, found once
    for ev in events:
        ps = found[id(ev)] = mention_parties(doc, ev)
        if len(ps) < 2:
            target = groups[-1] if groups else None
            if target is not None:
                target.weak.append(ev)
            else:
                pending_weak.append(ev)
            continue
        keys = {party_key(p) for p in ps}
        target = next((g for g in groups if _joins(g, ev, keys)), None)
        if target is None and _ceremony(ev):
            # "Lễ ký kết biên bản ghi nhớ giữa A, B và C" tells of a signing the lead reported
            # (maybe with another document word): the same parties make it the same signing
            target = next((g for g in groups if _same_parties(keys, g.keys())), None)
        if target is None and ev.value.anaphoric:
            # "chứng kiến Lễ ký … giữa A và B" refers back to a signing already reported
            target = next((g for g in groups if any(same_key(k, x) for k in keys for x in g.keys())), None)
        if target is None and groups and _ceremony(ev) and ev.value.doc_type is None:
            # "Dự Lễ ký kết có Thứ trưởng Bộ A và Thứ trưởng Bộ B": the ceremony already
            # reported, with its guests — no document of its own, so no signing of its own
            groups[-1].weak.append(ev)
            continue
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
        into = next((g for g in groups if any(same_key(k, x) for k in keys for x in g.keys())), None)
        if into is not None:
            into.weak.append(ev)
        else:
            g = Group(mentions=[ev])
            _add_parties(g, found[id(ev)])
            groups.append(g)
    groups.sort(key=lambda g: g.mentions[0].start)
    # a later mention can show that two earlier groups are one signing
    merged: list[Group] = []
    for g in groups:
        into = next((h for h in merged if _same_parties(g.keys(), h.keys()) and (
            g.keys() == h.keys() or _same_document({x.value.doc_type for x in g.mentions}, h)
            or any(_ceremony(x) for x in g.mentions))), None)
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
        if len(g.parties) < 2:
            # a reported signing whose parties are not (all) recognised is still a signing:
            # the mention the model is surest of leads it, with the parties that were found
            best = max(pending_weak, key=lambda ev: ev.value.extras.get("p", 0.0))
            represented, g.parties = g.parties, []
            _add_parties(g, found[id(best)])
            _add_parties(g, represented)
            pending_weak = [best] + [ev for ev in pending_weak if ev is not best]
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
            out.extend(title_orgs(doc, p))
    return out
