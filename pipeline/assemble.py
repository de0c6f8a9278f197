"""Assemble stage: the agreements of an article, from the grouped signing mentions.

Grouping (which mentions are one signing, and its parties) is in `pipeline/grouping.py`;
this module fills each group's fields — date, status, type, title, place, period, people,
clauses, support relations — and drops a group with fewer than two parties.
"""
from __future__ import annotations

import bisect
import datetime as dt
import hashlib

import regex

from extractors import clauses as clauses_x
from extractors import dates as dates_x
from extractors import events as events_x
from extractors import places as places_x
from extractors import relations as relations_x
from extractors.date_features import date_features, no_date_features
from extractors.features import bucket
from extractors.parties import Org
from extractors.people import Person, title_word
from pipeline import models
from pipeline.document import Document, Span
from pipeline.grouping import (
    Group,
    collective_holders,
    group_mentions,
    is_passive,
    party_key,
    same_key,
    state_of,
    state_titles,
    title_orgs,
)
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
from pipeline.textnorm import fold, name_key, whole_word

_QUOTED = regex.compile(r"[“\"]([^”\"\n]{4,200})[”\"]")


def _pub_date(doc: Document) -> dt.date | None:
    """The publication day; None when unknown or known only to the month or year."""
    return dates_x.published_day(doc.published_at)


_PARTIAL_PUB = regex.compile(r"((?:19|20)\d{2})(?:-(0[1-9]|1[0-2]))?")


def _pub_year_month(doc: Document) -> tuple[int, int | None] | None:
    """(year, month or None) of a publication date known only to the month ("2023-07") or
    the year ("2023"), as archives often give it; None otherwise."""
    m = _PARTIAL_PUB.fullmatch((doc.published_at or "").strip())
    return (int(m.group(1)), int(m.group(2)) if m.group(2) else None) if m else None


def _resolve(d, doc: Document) -> tuple[str | None, str]:
    """dates_x.resolve, and when the publication date is known only to the month or year, that
    fixes the year of a day printed without one ("11/11" in an article of "2023-07" →
    2023-11-11); it never supplies a day (a relative "hôm qua" stays unresolved)."""
    value, ysrc = dates_x.resolve(d, doc.published_at)
    partial = _pub_year_month(doc) if value and value.startswith("--") else None
    if partial and d.day and d.month:
        year, month = partial
        if month is not None and d.month - month > 6:  # told in January about "28/12"
            year -= 1
        try:
            value, ysrc = dt.date(year, d.month, d.day).isoformat(), "published_at"
        except ValueError:
            pass
    return value, ysrc


_LIST_LEAD = regex.compile(r"[:;]|(?<!\p{L})gồm(?!\p{L})")


def _settings(doc: Document, mentions: list[Span]) -> list[tuple[tuple[int, int], int]]:
    """(sentence, trigger position) to read a signing's date and place from: its mentions'
    sentences, then the sentences they refer back to ("Tại đây, …", "Trong đó: …") and, for a
    signing told at the time of an earlier event ("Sau hội đàm, …"), the latest sentence before
    it that prints a date."""
    sents = doc.layer("sentences")
    starts = [x.start for x in sents]
    out = []
    for ev in mentions:
        m: events_x.EventMention = ev.value
        if m.rule != "trig.listed":
            out.append((m.sentence, ev.start))
            continue
        # an item of a list of documents ("… ký kết 9 văn kiện: A; B; …"): the item itself,
        # then the lead that opened the list, then the two sentences before it
        out.append((m.clause, ev.start))
        lead = _LIST_LEAD.search(doc.folded, m.sentence[0], m.clause[0])
        if lead and lead.start() > m.sentence[0]:
            out.append(((m.sentence[0], lead.start()), lead.start()))
        k = starts.index(m.sentence[0]) if m.sentence[0] in starts else 0
        out += [((sents[j].start, sents[j].end), sents[j].end) for j in range(k - 1, max(k - 3, -1), -1)]
    seen = {x for x, _t in out}

    def add(j: int) -> None:  # sentence j as a setting, once
        if (sents[j].start, sents[j].end) not in seen:
            seen.add((sents[j].start, sents[j].end))
            out.append(((sents[j].start, sents[j].end), sents[j].end))

    for ev in mentions:
        first = starts.index(ev.value.sentence[0]) if ev.value.sentence[0] in starts else -1
        event = events_x.time_reference(doc.folded, sents[first].start, doc.text, ev.start) if first > 0 else None
        if event is not None:
            # "Sau hội đàm, …": the latest sentence before it that prints a date sets its time;
            # when an earlier sentence names that event ("… đã tiến hành hội đàm"), the latest
            # date up to that sentence
            upto = sents[first].start
            if event:
                pat = whole_word(event)
                for j in range(first - 1, -1, -1):
                    if pat.search(doc.folded, sents[j].start, sents[j].end):
                        upto = sents[j].end
                        break
            before = [d for d in dates_x.article_dates(doc) if d.start < upto]
            if before:
                add(bisect.bisect_right(starts, before[-1].start) - 1)
        # follow "Trong đó:" → "Tại đây, …" back to the sentence that sets the scene; a
        # caption in between is skipped (up to three sentences back)
        k = first
        while k > 0 and events_x.refers_to_setting_before(doc.folded, sents[k].start, doc.text, ev.start if k == first else None):
            k -= 1
        if k == first:
            continue
        for j in range(k, max(k - 3, -1), -1):
            add(j)
    return out


def _value_of(doc: Document, d) -> tuple[str | None, str]:
    """A date mention's ISO value and year source; a day printed without a year takes the
    year the article prints for that day elsewhere ("hôm 05/02/2017")."""
    value, ysrc = _resolve(d, doc)
    if value is not None and d.year is None and d.day:
        year = dates_x.year_in_text(doc.folded, d.day, d.month, dates_x.article_dates(doc))
        if year:
            value, ysrc = f"{year:04d}-{d.month:02d}-{d.day:02d}", "text"
    return value, ysrc


def date_candidates(doc: Document, where: list[tuple[tuple[int, int], int]]) -> list[tuple]:
    """(mention, value, year source, features) of every resolvable date of the article, as a
    candidate for the date of the signing whose first mention is where[0]."""
    sents = doc.layer("sentences")
    starts = [x.start for x in sents]
    (anchor, trig), settings = where[0], {x for x, _t in where[1:]}
    anchor_k = starts.index(anchor[0]) if anchor[0] in starts else 0
    mentions = dates_x.article_dates(doc)[:60]
    out, first = [], True
    for d in mentions:
        value, ysrc = _value_of(doc, d)
        # a date that heads a reporting verb before the trigger dates the report ("Ngày 8/7,
        # … đưa tin … đã ký"): never the signing's
        if value is None or (anchor[0] <= d.start < trig and dates_x.dates_a_report(doc.folded, d.end, trig)):
            continue
        k = max(0, bisect.bisect_right(starts, d.start) - 1)
        sent = sents[k] if sents else None
        feats = date_features(doc.folded, d, k, sent.start if sent else 0, sent.end if sent else len(doc.text),
                              anchor_k, anchor[0], trig,
                              bool(sent and (sent.start, sent.end) in settings), first, len(mentions))
        first = False
        out.append((d, value, ysrc, feats))
    # "no date": a candidate of its own, scored beside the dates
    out.append((None, None, None, no_date_features(doc.folded, anchor_k, anchor[0], trig, [c[3] for c in out])))
    return out


def location_candidates(doc: Document, where: list[tuple[tuple[int, int], int]]) -> list[tuple[Span, dict]]:
    """(place phrase, features) of every "tại X" of the article, as a candidate for the venue
    of the signing whose first mention is where[0]."""
    sents = doc.layer("sentences")
    starts = [x.start for x in sents]
    (anchor, trig) = where[0]
    anchor_k = max(0, bisect.bisect_right(starts, anchor[0]) - 1)
    out = []
    for k, sent in enumerate(sents):
        for sp in places_x.locations(doc, sent.start, sent.end):
            out.append((sp, places_x.location_features(doc, sp, k, anchor_k, trig, not out)))
            if len(out) >= 40:
                return out
    return out


def _location_for(doc: Document, where: list[tuple[tuple[int, int], int]]) -> TextSpan | None:
    """The venue: the trained location model's choice among the article's "tại X" phrases
    (none below LOCATION_THRESHOLD); without a model, the first "tại X" of the signing's
    sentences."""
    model = models.get("locations")
    if model is not None:
        scored = [(model.scores(fs)["yes"], -i, sp) for i, (sp, fs) in enumerate(location_candidates(doc, where))]
        best = max(scored, default=None, key=lambda x: (x[0], x[1]))
        if best is None or best[0] < LOCATION_THRESHOLD:
            return None
        sp = best[2]
        return TextSpan(text=doc.text[sp.start:sp.end], start=sp.start, end=sp.end)
    for (s, e), _t in where:
        sp = places_x.extract_location(doc, s, e)
        if sp:
            return TextSpan(text=doc.text[sp.start:sp.end], start=sp.start, end=sp.end)
    return None


# below this score the best candidate is no venue at all (tuned by 5-fold CV)
LOCATION_THRESHOLD = 0.15


def _date_for(doc: Document, where: list[tuple[tuple[int, int], int]]) -> DateValue | None:
    """The signing date: the trained date model's choice among the article's dates and "no
    date" (a candidate of its own, so that the model weighs an undated signing against each
    date rather than against a fixed threshold); without a model, the date nearest the first mention's trigger,
    else the first date of a later sentence in `where` — never a date that heads a reporting
    verb."""
    model = models.get("dates")
    if model is not None:
        scored = [(model.scores(c[3])["yes"], i, c) for i, c in enumerate(date_candidates(doc, where))]
        best = max(scored, default=None, key=lambda x: (x[0], -x[1]))
        if best is None or best[2][0] is None:
            return None
        d, value, ysrc, _f = best[2]
        pod = d.part_of_day or next((c[0].part_of_day for _p, _i, c in scored
                                     if c[0] is not None and c[0].part_of_day and c[0].day == d.day and c[0].month == d.month), None)
        return DateValue(value=value, text=doc.text[d.start:d.end], start=d.start, end=d.end,
                         part_of_day=pod, year_source=ysrc)
    cands = []
    trig = where[0][1]
    for rank, ((s, e), pos) in enumerate(where):
        for d in dates_x.extract_dates(doc.folded, s, e):
            value, ysrc = _value_of(doc, d)
            if value is None or dates_x.dates_a_report(doc.folded, d.end, pos):
                continue
            dist = abs(d.start - trig) if rank == 0 else 10_000 * rank + d.start
            cands.append((dist, d, value, ysrc))
    if not cands:
        return None
    cands.sort(key=lambda c: c[0])
    _dist, d, value, ysrc = cands[0]
    pod = d.part_of_day or next((c[1].part_of_day for c in cands if c[1].part_of_day and c[1].day == d.day), None)
    return DateValue(value=value, text=doc.text[d.start:d.end], start=d.start, end=d.end,
                     part_of_day=pod, year_source=ysrc)


def _article_year(doc: Document) -> int | None:
    """The article's own year: its publication date, else the year of the latest full date
    the text prints (news is written about its present; earlier dates are background). Bare
    years are not used: "tầm nhìn đến năm 2030" is a plan, not the present."""
    pub = _pub_date(doc)
    if pub:
        return pub.year
    partial = _pub_year_month(doc)  # "2023-07" or "2023"
    if partial:
        return partial[0]
    return dates_x.latest_year(doc)


def _in_present_year(doc: Document, date: DateValue, sentences: list[tuple[int, int]]) -> DateValue:
    """A signing reported as the article's news, dated by day and month only, takes the year
    printed in its own sentences or the article's lead ("Ngày 6/2, tại buổi họp mặt … Xuân
    Đinh Dậu 2017, … đã ký"; `year_source="article"`). A year printed elsewhere in the article
    dates something else."""
    lead = [(x.start, x.end) for x in doc.layer("sentences")[:2]]
    year = dates_x.year_near(doc, sentences + lead)
    if not year:
        return date
    try:
        value = dt.date(year, int(date.value[2:4]), int(date.value[5:7])).isoformat()
    except ValueError:
        return date
    return date.model_copy(update={"value": value, "year_source": "article"})


# how much the first mention of a signing counts in its status against each later one: the
# lead tells the news, a retelling further down is often told against later events ("Trước
# đó, ông Tillerson đã ký …", "thỏa thuận mà Mỹ ký với Qatar"). 5-fold CV over ten splits,
# 1 → 2: detection 0.939 → 0.942, agreements 0.837 → 0.840, status 0.888 → 0.889, date 0.867
# → 0.863 (two more dates right, on eight more agreements found); the first mention alone
# (pooled over five splits): detection 0.940, status 0.892, date 0.860.
FIRST_MENTION_WEIGHT = 2.0


def _status(doc: Document, g: Group, date: DateValue | None) -> str:
    """The mention model's status summed over the group's mentions, the first counted
    FIRST_MENTION_WEIGHT times (a signing told as news in the lead and retold later, or
    background told twice, is judged on all its mentions; the ConText modifiers of the first
    mention — historical, hypothetical — still decide), then
    time: a signing dated well before the article's publication, or whose clause places it in
    an earlier year ("năm 2013 … đã ký"), is background (referenced). (A date's year against
    the year the article's dates suggest is left to the model's year features: as a rule it
    cost 0.005 detection F1 in 5-fold CV.)"""
    first: events_x.EventMention = g.mentions[0].value
    status = first.cue
    info = first.extras.get("info", {})
    scored = [(FIRST_MENTION_WEIGHT if k == 0 else 1.0, ev.value.extras["probs"])
              for k, ev in enumerate(g.mentions) if "probs" in ev.value.extras]
    if len(scored) > 1 and not (info.get("historical") or info.get("future")):
        status = events_x.pick_status({c: sum(w * p.get(c, 0.0) for w, p in scored) for c in events_x.STATUSES})
    pub = _pub_date(doc)
    now = _article_year(doc)
    if status == "signed" and pub and date and len(date.value) == 10 and date.value[:4].isdigit():
        try:
            when = dt.date.fromisoformat(date.value)
        except ValueError:
            when = None
        if when and (pub - when).days > 45:
            status = "referenced"
    if status == "signed":
        # the clause prints an earlier year before the trigger ("Năm 1994, … đổi lại việc ký
        # kết …"): background, whatever date the date model found elsewhere
        years = dates_x.years_between(doc, first.clause[0], first.trigger[0])
        if now and years and max(years) < now:
            status = "referenced"
    return status


_GENERIC_TITLE = regex.compile(
    r"(?i)^(?:(?:thỏa thuận|biên bản|bản|văn bản|ghi nhớ|hợp tác|chương trình|phối hợp|hiệp định|hợp đồng|"
    r"mới|toàn diện|chiến lược|này|đó)\s*)+$")


def _title(doc: Document, g: Group) -> TextSpan | None:
    """The agreement's own name: a capitalised quotation near the trigger, or the capitalised
    document name after it ("ký Tuyên bố chung về … giữa A và B"); a bare description made
    of document words ("Thỏa thuận Hợp tác mới") is not a name."""
    for ev in g.mentions + g.weak:
        m: events_x.EventMention = ev.value
        for q in _QUOTED.finditer(doc.text, m.trigger[0], m.sentence[1]):
            if q.start() - m.trigger[1] > 120:
                break
            if q.group(1)[:1].isupper():
                return TextSpan(text=q.group(1), start=q.start(1), end=q.end(1))
        if m.doc_span and doc.text[m.doc_span[0]].isupper() and m.doc_span[0] >= m.trigger[1]:
            tail = regex.match(r"[^,.;:()\n]{0,160}?(?=\s+(?:nhằm|tại|vào|trị giá|của|để|theo đó)\s|[,.;:(\n]|$)",
                               doc.text[m.doc_span[0]:m.sentence[1]])
            name = tail.group(0).rstrip() if tail else ""
            head = regex.split(r"\s+(?:giữa|với)\s+", name, maxsplit=1)[0]  # "… giữa hai hãng": the parties
            if len(name.split()) >= 2 and not _GENERIC_TITLE.match(head):
                s = m.doc_span[0]
                return TextSpan(text=name, start=s, end=s + len(name))
    return None


_OWN_CEREMONY = regex.compile(r"(?<!\p{L})(?:tại|trong)\s+(?:buổi\s+)?lễ\s*$")
_PARTNER_BEFORE = regex.compile(r"(với|giữa|và)\s")
_REPRESENTS = regex.compile(r"(?<!\p{L})(?:thay mặt|đại diện|đại diện cho|thừa ủy quyền)(?!\p{L})")
_WORDS = regex.compile(r"\p{L}+")
_COORDINATED = regex.compile(r"(?<!\s)\s*+(?:,|và|cùng)\s")  # anchored after a name, possessive: linear


def _names_a_party(orgs: list[Span], party_keys: list[str]) -> bool:
    """One of `orgs` (a title's organisation, a head of state's country) is one of the parties."""
    return any(same_key(party_key(r), x) for r in orgs for x in party_keys)


def signer_candidates(doc: Document, ev: Span, party_spans: list[Span]) -> list[tuple[Span, str | None, dict[str, float]]]:
    """(person, the rules' role, features) for every person named in the mention's sentence
    (a listed document: its item). The rules' role is `signatory`, `witness` (a witness or
    guest cue governs the person, the mention only refers back to the signing, or the person
    speaks of it) or None (named after the trigger without "với"/"giữa"/"và", or before a
    passive trigger). The features are what the rules know — each cue, side and distance
    from the trigger, the title (a head of state or government, an organisation in it that
    is a party), a representative phrase ("thay mặt", "đại diện"), the words between and
    around — and the rules' role itself; the trained `signers` model decides."""
    m: events_x.EventMention = ev.value
    f = doc.folded
    lo, hi = m.clause if m.rule == "trig.listed" else m.sentence
    people = [p for p in doc.layer("people") if lo <= p.start < hi]
    subjects = [x.start for x in doc.layer("people") + doc.layer("orgs") if lo <= x.start < hi]
    passive = is_passive(doc, ev)
    party_keys = [party_key(x) for x in party_spans]
    before_people = [p for p in people if p.end <= ev.start]
    out = []
    for k, p in enumerate(people):
        person: Person = p.value
        after = p.start >= ev.end
        gap = f[ev.end:p.start] if after else f[p.end:ev.start]
        orgs = title_orgs(doc, p)
        # at "Lễ ký … giữa A và B" only the people who represent A or B themselves sign
        own = (not after) and bool(_OWN_CEREMONY.search(gap)) and not events_x.in_witness_context(f, p.end, ev.start) \
            and _names_a_party(orgs or state_of(doc, p), party_keys)
        cue = events_x.in_witness_context(f, m.sentence[0], p.start)
        speaker = (not after) and events_x.speaker_between(f, p.end, ev.start, subjects)
        partner = after and bool(_PARTNER_BEFORE.search(gap))
        witness = (m.anaphoric and not own) or cue or speaker
        if witness:
            rule = "witness"
        elif (after and not partner) or ((not after) and passive and p.source == "people.rule"):
            rule = None
        else:
            rule = "signatory"
        words = _WORDS.findall(gap)
        title = fold(title_word(person.title) or "")
        feats = {"bias": 1.0, f"rule={rule}": 1.0, f"side={'after' if after else 'before'}": 1.0,
                 f"gap={bucket(len(words), (0, 2, 5, 10, 20))}": 1.0, f"src={p.source}": 1.0,
                 f"title={title or '-'}": 1.0, f"people={bucket(len(people), (1, 2, 3, 5))}": 1.0}
        for name, on in (("own", own), ("cue", cue), ("speaker", speaker), ("partner", partner),
                         ("anaphoric", m.anaphoric), ("passive", passive), ("listed", m.rule == "trig.listed"),
                         ("state_title", title in state_titles()), ("title_org", bool(orgs)),
                         ("title_org_party", _names_a_party(orgs, party_keys)),
                         ("represents", bool(_REPRESENTS.search(f, max(lo, p.start - 40), p.start))),
                         ("nearest_before", bool(before_people) and p is before_people[-1]),
                         ("coordinated", bool(k + 1 < len(people) and _COORDINATED.match(f, p.end, people[k + 1].start)))):
            if on:
                feats[name] = 1.0
        for w in (words[-4:] if not after else words[:4]):
            feats[f"btw:{w}"] = 1.0
        left = _WORDS.findall(f, max(lo, p.start - 30), p.start)[-2:]
        right = _WORDS.findall(f, p.end, min(hi, p.end + 30))[:2]
        for i, w in enumerate(reversed(left)):
            feats[f"L{i + 1}:{w}"] = 1.0
        for i, w in enumerate(right):
            feats[f"R{i + 1}:{w}"] = 1.0
        feats[f"trig={f[ev.start:ev.end]}"] = 1.0
        out.append((p, rule, feats))
    return out


def _role(rule: str | None, feats: dict[str, float]) -> str | None:
    """The trained `signers` model's role for a person (None: not a signer); without a model,
    the rules'."""
    model = models.get("signers")
    if model is None:
        return rule
    scores = model.scores(feats)
    best = max(scores, key=lambda c: scores[c])
    return None if best == "none" else best


def _signatories(doc: Document, g: Group, party_spans: list[Span]) -> list[Signatory]:
    out: list[Signatory] = []
    seen = set()
    for ev in g.mentions + g.weak:
        for p, rule, feats in signer_candidates(doc, ev, party_spans):
            person: Person = p.value
            key = name_key(person.name)
            if any(same_key(key, k) for k in seen):
                continue  # "Tillerson" after "Rex Tillerson": the same person
            role = _role(rule, feats)
            if role is None:
                continue
            party = None
            if person.title_span:
                for o in doc.layer("orgs"):
                    if person.title_span[0] <= o.start < person.title_span[1]:
                        party = o.value.name
                        break
            if party is None and role == "signatory":
                for o in party_spans:
                    if o.value.kind == "country" and person.title and o.value.name in person.title:
                        party = o.value.name
            seen.add(key)
            out.append(Signatory(name=person.name, title=title_word(person.title), party=party,
                                 role=role, start=p.start, end=p.end))
        for p, o in collective_holders(doc, ev):
            key = name_key(p.value.name)
            if not any(same_key(key, k) for k in seen):
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


# a prose candidate scoring below this is not a clause (tuned by 5-fold CV)
CLAUSE_THRESHOLD = 0.3


def prose_clauses(doc: Document, after: int, hi: int, skip: set[tuple[int, int]], parties: list[str]) -> list[Span]:
    """The prose terms of a signing whose first mention's sentence starts at `after` (its
    group's text ending at `hi`): the trained clause model's choice among the sentences (or
    ';'-parts) there, the rules' without a model."""
    model = models.get("clauses")
    cands = [(sp, fs) for sp, fs in clauses_x.prose_candidates(doc, after, skip, parties, until=hi) if sp.start < hi]
    if model is None:
        return [sp for sp, fs in cands if fs.get("rule")]
    return [sp for sp, fs in cands if model.scores(fs)["yes"] >= CLAUSE_THRESHOLD]


def assemble(doc: Document) -> list[Agreement]:
    events = [e for e in doc.layer("events") if not (e.value.personal and e.value.doc_type in ("contract", None))]
    groups = group_mentions(doc, events)
    # an item that is itself a signed document ("… 9 văn kiện: Bản ghi nhớ giữa A và B; …") is
    # an agreement of its own, not a term of another
    listed = [ev.start for ev in events if ev.value.rule == "trig.listed"]
    list_items = [(c, lead) for c, lead in clauses_x.list_items(doc) if not any(c.start <= x < c.end for x in listed)]
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
        loc = _location_for(doc, where)
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
            prose = prose_clauses(doc, first.value.sentence[0], hi, signing_sentences - {first.value.sentence},
                                  [p.value.name for p in parties])
            item_starts = {c.start for c in cls}
            cls += [c for c in prose if lo <= c.start < hi and c.start not in item_starts and all(not (x.start <= c.start < x.end) for x in cls)
                    and not any(c.start <= x < c.end for x in listed)]
        clauses = [Clause(text=doc.text[c.start:c.end], start=c.start, end=c.end) for c in sorted(cls, key=lambda c: c.start)]
        if len(parties) < 2 and not events_x.is_lead(first):
            continue
        evidence = _evidence(doc, first)
        status = _status(doc, g, date)
        if status == "signed" and date and date.value.startswith("--"):
            date = _in_present_year(doc, date, sentences)
        aid = hashlib.sha1(f"{doc.article_id}|{evidence.start}|{evidence.text}".encode()).hexdigest()[:16]
        conf = min(0.95, 0.5 + 0.1 * min(len(parties), 3) + (0.15 if mtype.doc_type else 0))
        agreements.append(Agreement(
            agreement_id=aid, status=status, type=atype, title=_title(doc, g), evidence=evidence,
            date=date, location=loc, period=period, parties=[_to_party(p) for p in parties],
            relations=relations, signatories=_signatories(doc, g, parties), clauses=clauses,
            confidence=round(conf, 3),
        ))
    return agreements
