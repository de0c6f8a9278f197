"""Signing events: suggest trigger mentions, then decide which report a signing.

Suggest (`candidates`): every trigger (ký kết, ký, kết nghĩa, giao ước thi đua) that is not
another word in form (đăng ký, thư ký, chữ ký, ký túc xá, ký quyết định …), and documents
named at the head of a list item after a signing ("- Thỏa thuận hợp tác giữa A và B"). Each
carries its rule evidence: the clause it sits in, the document word near it (→ type), a
ceremony noun, negation, aspect/time cues (→ status), passive voice, witness/speech cues.
Decide (`decide`): the trained mention model (extractors/models/mentions.json, features in
extractors/event_features.py) labels each candidate none/signed/planned/referenced; without
a shipped model the hand rules decide (a document word or ceremony near the trigger, no
negation).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import regex

from extractors.dates import present_year, when_against_news, year_mentions
from extractors.event_features import mention_features
from extractors.lexicons import load
from pipeline import models
from pipeline.document import Document, Span
from pipeline.textnorm import fold

NAME = "events"
REQUIRES = ["sentences"]
ASSIGNS = "events"


@dataclass
class EventMention:
    trigger: tuple[int, int]
    sentence: tuple[int, int]
    clause: tuple[int, int]
    doc_type: str | None
    doc_priority: int
    doc_span: tuple[int, int] | None
    cue: str  # "signed" | "planned" | "referenced"
    anaphoric: bool
    personal: bool
    rule: str
    extras: dict = field(default_factory=dict)


def _c(p: str) -> regex.Pattern[str]:
    return regex.compile(p, regex.V1)


@lru_cache(maxsize=1)
def _lex():
    lex = load("events")
    return {
        "triggers": [(t["id"], _c(r"(?<!\p{L})(?:" + t["pattern"] + r")(?!\p{L})")) for t in lex["triggers"]],
        "neg_before": [_c("(?:" + p + ")") for p in lex["negative_before"]],
        "single_signer_passive": [_c("(?:" + p + ")") for p in lex["single_signer_passive"]],
        "negation": [_c("(?:" + p + ")") for p in lex["negation_before"]],
        "negation_around": [_c(p) for p in lex["negation_around"]],
        "historical": [_c("(?:" + p + ")") for p in lex["historical_before"]],
        "future": [_c("(?:" + p + ")") for p in lex["future_before"]],
        "neg_after": [_c(p) for p in lex["negative_after"]],
        "docs": [(d["id"], _c(r"(?<!\p{L})(?:" + d["pattern"] + r")(?!\p{L})"), d["type"], d["priority"]) for d in lex["documents"]],
        "planned_before": [_c(p) for p in lex["planned_before"]],
        "planned_after": [_c(p) for p in lex["planned_after"]],
        "ref_before": [_c(p) for p in lex["referenced_before"]],
        "ref_after": [_c(p) for p in lex["referenced_after"]],
        "anaphoric": [_c("(?:" + p + ")") for p in lex["anaphoric_before"]],
        "personal": _c("(?<!\\p{L})(?:" + "|".join(lex["personal_contract_cues"]) + ")(?!\\p{L})"),
        "window": lex["document_window"],
        "witness": [_c(p) for p in lex["witness_cues"]],
        "not_party": [_c(p) for p in lex["not_party_before"]],
        "setting": [_c(p) for p in lex["setting_refs"]],
        "time_refs": [_c(p) for p in lex["time_refs"]],
        "country_links": [fold(w) for w in lex["country_party_after"]],
        "speech": regex.compile(r"(?<!\p{L})(?:" + "|".join(regex.escape(fold(w)) for w in lex["speech_verbs"]) + r")(?!\p{L})"),
    }


def clause_bounds(folded: str, sent: tuple[int, int], pos: int) -> tuple[int, int]:
    """The ';'-separated part of the sentence around `pos`."""
    s, e = sent
    left = folded.rfind(";", s, pos)
    right = folded.find(";", pos, e)
    return (left + 1 if left >= 0 else s), (right if right >= 0 else e)


@lru_cache(maxsize=1)
def _first_pass() -> regex.Pattern[str]:
    lex = load("events")
    return _c(r"(?<!\p{L})(?:" + "|".join(t["pattern"] for t in lex["triggers"]) + r")(?!\p{L})")


def might_report_signing(folded: str) -> bool:
    """The cheap first pass over the folded text: some trigger that is a signing verb in form
    (the same sense filters as `candidates`) — a superset of what `extract` can accept, so an
    article it rejects has no signing mention. It decides whether segmentation runs."""
    trig = _first_pass()
    lex = _lex()
    for m in trig.finditer(folded):
        before = folded[max(0, m.start() - 25):m.start()]
        after = folded[m.end():m.end() + 25]
        if any(p.search(before) for p in lex["neg_before"]) or any(p.search(after) for p in lex["neg_after"]):
            continue
        return True
    return False


def document_near(folded: str, lo: int, hi: int, trig: tuple[int, int]) -> tuple[str, int, tuple[int, int]] | None:
    """The best document word in folded[lo:hi]; nearest after the trigger breaks ties."""
    best = None
    for _id, pat, typ, prio in _lex()["docs"]:
        for m in pat.finditer(folded, lo, hi):
            dist = m.start() - trig[1] if m.start() >= trig[1] else (trig[0] - m.end()) + 40
            key = (prio, -dist)
            if best is None or key > best[0]:
                best = (key, typ, prio, (m.start(), m.end()))
    if best is None:
        return None
    return best[1], best[2], best[3]


def _status_cue(folded: str, clause: tuple[int, int], trig: tuple[int, int]) -> str:
    lex = _lex()
    before = folded[max(clause[0], trig[0] - 120):trig[0]]
    after = folded[trig[1]:min(clause[1], trig[1] + 60)]
    if any(p.search(before) for p in lex["ref_before"]) or any(p.search(after) for p in lex["ref_after"]):
        return "referenced"
    if any(p.search(before) for p in lex["planned_before"]) or any(p.search(after) for p in lex["planned_after"]):
        return "planned"
    return "signed"


def _pub_year(doc: Document) -> int | None:
    """The article's year: its publication date's, else the year its own dates suggest
    (news is written about its present)."""
    y = (doc.published_at or "")[:4]
    return int(y) if y.isdigit() else present_year(doc)


_BETWEEN = regex.compile(r"(?<!\p{L})giữa(?!\p{L})")
_LISTED = regex.compile(r"[\s\-–—•+*]*(?:\d{1,2}[.)/]\s*|[a-zđ][.)]\s+)?")


_COLON_END = regex.compile(r":\s*$")
_ITEM_START = regex.compile(r"[;:]|(?<!\p{L})gồm(?:\s+có)?(?!\p{L})")
# what stands right before a trigger (searched on the few characters before it)
_PASSIVE_BEFORE = regex.compile(r"(?<!\p{L})được\s+$")
_CEREMONY_BEFORE = regex.compile(r"(lễ|buổi|hoạt động|việc)\s+$")
_KIN_BEFORE = regex.compile(r"(anh em|em|chị em|lễ)\s+$")
_ACTIVITY_NOUN = regex.compile(r"(?<!\p{L})(các|những|việc|hoạt động|lễ|buổi)(?!\p{L})")


def _item_starts(doc: Document, sent) -> list[tuple[int, int]]:
    """(start, end) of the list items of a sentence: the sentence itself when it opens a line
    or a bullet, and each part after ";", ":" or "gồm" up to the next ";"."""
    f = doc.folded
    s, e = sent.start, sent.end
    starts = []
    if s == 0 or f[s - 1] == "\n" or _LISTED.match(f, s).group(0).strip():
        starts.append(s)
    starts += [m.end() for m in _ITEM_START.finditer(f, s, e)]
    out = []
    for a in sorted(set(starts)):
        b = f.find(";", a + 1, e)
        out.append((a, b if b >= 0 else e))
    return out


def _listed_documents(doc: Document, sentences: list, first_trigger: int) -> list[Span]:
    """A document named at the head of its own line or list item, after a signing was
    reported ("… đã ký kết 9 văn kiện: Nghị định thư … giữa A và B; Thỏa thuận hợp tác giữa C
    và D; …", or one item a line): a candidate for one of the signings of a ceremony."""
    lex = _lex()
    f = doc.folded
    out = []
    pub_year = _pub_year(doc)
    for k, sent in enumerate(sentences):
        if sent.end <= first_trigger:
            continue
        for a, b in _item_starts(doc, sent):
            if a <= first_trigger:
                continue
            head = _LISTED.match(f, a).end()
            if head >= b or not (doc.text[head].isupper() or a == sent.start):
                continue
            best = None
            for _id, pat, typ, prio in lex["docs"]:
                m = pat.match(f, head)
                if m and (best is None or m.end() - m.start() > best[1][1] - best[1][0]):
                    best = (typ, (m.start(), m.end()), prio)
            if best is None or not _BETWEEN.search(f, best[1][1], b):
                continue
            typ, span, prio = best
            lead = f[max(0, a - 3):a]
            info = {"tid": "trig.listed", "doc_type": typ, "doc_span": span, "listed": True, "cue": "signed",
                    "sentence_index": k, "pub_year": pub_year, "years": year_mentions(doc), "clause": (a, b),
                    "when": when_against_news(doc, (a, b), span, pub_year),
                    "lead_colon": ":" in lead or bool(_COLON_END.search(f, max(0, a - 400), a)),
                    "in_sentence_list": a > sent.start}
            mention = EventMention(span, (sent.start, sent.end), (a, b), typ, prio, span, "signed", False, False,
                                   "trig.listed", {"info": info})
            out.append(Span(span[0], span[1], "event", "events.trig.listed", mention))
    return out


# a machine-made text with thousands of "ký" gets bounded work (the dev set's largest article
# has under 40 candidates)
MAX_CANDIDATES = 400


def _in_name(text: str, i: int) -> bool:
    """The word at `i` is capitalised inside a sentence: part of a name."""
    if not text[i].isupper():
        return False
    j = i - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j >= 0 and text[j] not in ".!?…:;\"“”'\n(-–•*"


def candidates(doc: Document) -> list[Span]:
    """Every trigger that is a signing verb in form (not another word: đăng ký, thư ký, ký túc
    xá, ký quyết định …), with the rule evidence around it; over-generated on purpose — the
    mention model (or, without one, the rules in `rule_accepts`) decides."""
    lex = _lex()
    f = doc.folded
    out: list[Span] = []
    anaphoric_sentences: set[tuple[int, int]] = set()
    personal_sentences: dict[tuple[int, int], bool] = {}
    sentences = doc.layer("sentences")
    pub_year = _pub_year(doc)
    title = fold(doc.title or "")
    title_sign = any(pat.search(title) for _tid, pat in lex["triggers"])
    # how many player, artist or employment words the whole article holds, outside names
    # ("Liên đoàn Lao động" is a party): a sports or entertainment story's contracts are
    # personal even where their own sentence says so nowhere
    personal_words = sum(1 for m in lex["personal"].finditer(f) if not _in_name(doc.text, m.start()))
    for k, sent in enumerate(sentences):
        s, e = sent.start, sent.end
        seen_end = -1
        for tid, pat in lex["triggers"]:
            for m in pat.finditer(f, s, e):
                if m.start() < seen_end:
                    continue
                before = f[max(s, m.start() - 25):m.start()]
                after = f[m.end():min(e, m.end() + 25)]
                if any(p.search(before) for p in lex["neg_before"]):
                    continue
                if any(p.search(after) for p in lex["neg_after"]):
                    continue
                if any(p.search(f, max(s, m.start() - 80), m.start()) for p in lex["single_signer_passive"]):
                    continue
                clause = clause_bounds(f, (s, e), m.start())
                w = lex["window"]
                passive = bool(_PASSIVE_BEFORE.search(f[max(s, m.start() - 8):m.start()]))
                # "nhiều văn bản ghi nhớ … đã được ký kết": a passive trigger's subject is the document
                back = 3 * w if passive else w
                docw = document_near(f, max(clause[0], m.start() - back), min(clause[1], m.end() + w), (m.start(), m.end()))
                ceremony = bool(_CEREMONY_BEFORE.search(f[max(s, m.start() - 12):m.start()]))
                # a sentence that already holds an anaphoric mention keeps them all anaphoric
                anaphoric = (s, e) in anaphoric_sentences or any(
                    p.search(f[max(s, m.start() - 80):m.start()]) for p in lex["anaphoric"])
                if anaphoric:
                    anaphoric_sentences.add((s, e))
                if (s, e) not in personal_sentences:
                    personal_sentences[(s, e)] = bool(lex["personal"].search(f, s, e))
                personal = personal_sentences[(s, e)]
                cue = _status_cue(f, clause, (m.start(), m.end()))
                typ, prio, dspan = docw if docw else (None, 0, None)
                if tid == "trig.ket_nghia":
                    typ, prio, dspan = "twinning", 85, (m.start(), m.end())
                if tid == "trig.giao_uoc":
                    typ, prio, dspan = "emulation_pact", 85, (m.start(), m.end())
                info = {
                    "tid": tid, "doc_type": typ, "doc_span": dspan, "ceremony": ceremony, "cue": cue,
                    "negated": any(p.search(f[max(s, m.start() - 25):m.start()]) for p in lex["negation"])
                    or any(p.search(f, max(s, m.start() - 25), min(e, m.end() + 80)) for p in lex["negation_around"]),
                    "historical": any(p.search(f[max(s, m.start() - 60):m.start()]) for p in lex["historical"]),
                    "future": any(p.search(f[max(clause[0], m.start() - 40):m.start()]) for p in lex["future"]),
                    "anaphoric": anaphoric, "personal": personal, "passive": passive,
                    "personal_words": personal_words,
                    "witness": in_witness_context(f, s, m.start()),
                    "speech": bool(lex["speech"].search(f, max(s, m.start() - 60), m.start())),
                    "kinship": tid == "trig.ket_nghia" and bool(
                        _KIN_BEFORE.search(f[max(s, m.start() - 10):m.start()])),
                    "sentence_index": k, "pub_year": pub_year, "years": year_mentions(doc), "clause": clause,
                    "when": when_against_news(doc, clause, (m.start(), m.end()), pub_year),
                    "title_sign": title_sign, "title_doc": bool(dspan) and f[dspan[0]:dspan[1]] in title,
                }
                mention = EventMention((m.start(), m.end()), (s, e), clause, typ, prio, dspan, cue,
                                       anaphoric, personal, tid, {"info": info})
                out.append(Span(m.start(), m.end(), "event", f"events.{tid}", mention))
                seen_end = m.end()
                if len(out) >= MAX_CANDIDATES:
                    break
    if out:
        out.extend(_listed_documents(doc, sentences, min(x.start for x in out)))
    out.sort(key=lambda sp: sp.start)
    # "ký kết" and "ký" overlap: keep the first (longest) trigger at a position
    dedup: list[Span] = []
    for sp in out:
        if dedup and sp.start < dedup[-1].end:
            continue
        dedup.append(sp)
    for i, sp in enumerate(dedup):  # the article's first signing words tell its news
        sp.value.extras["info"]["rank"] = i
    return dedup


def rule_accepts(m: EventMention) -> bool:
    """The hand rules' decision, used when no mention model ships."""
    info = m.extras["info"]
    if info.get("negated") or info.get("kinship") or m.rule == "trig.listed":
        return False
    return not (m.rule in ("trig.ky", "trig.ky_ket") and m.doc_type is None and not info["ceremony"])


def features(doc: Document, ev: Span) -> dict[str, float]:
    m: EventMention = ev.value
    return mention_features(doc.text, doc.folded, m.sentence, m.trigger, m.extras["info"])


STATUSES = ("signed", "planned", "referenced")


# how much stronger the evidence for `referenced` must be than for signed/planned when the model
# picks a status. 5-fold CV pooled over five splits trades detection for status along it (with
# the lead counted twice, assemble.FIRST_MENTION_WEIGHT: 1.0 — no discount — detection 0.940,
# status 0.899; 1.15: 0.940, 0.895; 1.3: 0.941, 0.890; over ten splits 1.0 gives 0.939 and
# 0.898, 1.3 0.942 and 0.889); CV does not count a background signing called signed in an
# article whose gold has only referenced ones, and on the 240 unlabelled bench articles read by
# hand (with the model of two releases before) 1.3 finds 44 of 50 signing articles and flags 23
# others, 1.0 finds 44 and flags 22.
# Detection has the thinner margin over its target, so 1.3.
SIGNED_WEIGHT = 1.3


def pick_status(probs: dict[str, float]) -> str:
    """The status with the most evidence, `referenced` discounted by SIGNED_WEIGHT."""
    return max(STATUSES, key=lambda c: probs.get(c, 0.0) / (SIGNED_WEIGHT if c == "referenced" else 1.0))


def decide(doc: Document, cands: list[Span]) -> list[Span]:
    """Keep the candidates that report a signing, each with its status and score: the trained
    mention model where one ships, else the rules."""
    model = models.get("mentions")
    out = []
    for ev in cands:
        m: EventMention = ev.value
        if model is None:
            if rule_accepts(m):
                m.extras["p"] = 1.0
                out.append(ev)
            continue
        probs = model.scores(features(doc, ev))
        p_none = probs.get("none", 0.0)
        m.extras["p"] = round(1.0 - p_none, 4)
        m.extras["probs"] = probs
        # negation modifies the decision (ConText): a refused or negated signing is none; an
        # anniversary makes it historical, "sẽ"/"dự kiến" hypothetical
        if p_none >= 0.5 or m.extras["info"].get("negated"):
            continue
        info = m.extras["info"]
        if info.get("historical"):
            m.cue = "referenced"
        elif info.get("future"):  # "sẽ ký", "dự kiến ký", "muốn ký kết": announced, not done
            m.cue = "planned"
        else:
            m.cue = pick_status(probs)
        out.append(ev)
    return out


def is_lead(ev: Span) -> bool:
    """The mention reports a signing firmly enough to stand as an agreement even when fewer
    than two of its parties were recognised."""
    return ev.value.extras.get("p", 0.0) >= 0.5


def extract(doc: Document) -> list[Span]:
    return decide(doc, candidates(doc))


# how far into a sentence a glued-on opening is looked for
OPENING_REACH = 200


def openings(text: str | None, sent_start: int, before: int | None = None) -> list[int]:
    """Where a sentence may open: its start, and (given the text) every capitalised word
    within OPENING_REACH characters that follows a space — a photo credit or a heading
    printed without a full stop runs into the sentence after it ("Ảnh: Reuters Kết thúc hội
    đàm, …"), and a sentence opener such as "Kết thúc", "Sau", "Tại" is written in lower
    case inside a sentence."""
    out = [sent_start]
    if text is None:
        return out
    end = min(len(text), sent_start + OPENING_REACH, before if before is not None else len(text))
    out += [i for i in range(sent_start + 1, end) if text[i].isupper() and text[i - 1] == " "]
    return out


def refers_to_setting_before(folded: str, sent_start: int, text: str | None = None,
                             before: int | None = None) -> bool:
    """The sentence opens with "Tại đây", "Trong đó:", "Sau đó" …: its setting is the previous sentence's."""
    return any(p.search(folded[at:at + 40]) for at in openings(text, sent_start, before) for p in _lex()["setting"])


def time_reference(folded: str, sent_start: int, text: str | None = None, before: int | None = None) -> str | None:
    """A sentence opening with "Cùng ngày", "Sau hội đàm", "Kết thúc hội đàm" … is told at the
    time of an event told before it: the event it names ("hội đàm"; "" for "Cùng ngày", which
    names none), or None when the sentence opens otherwise."""
    for at in openings(text, sent_start, before):
        head = folded[at:at + 50]
        for p in _lex()["time_refs"]:
            m = p.search(head)
            if m:
                return (m.group("event") if "event" in p.groupindex else None) or ""
    return None


def not_a_party_here(folded: str, pos: int) -> bool:
    """The organisation at `pos` follows a membership title or a time-zone phrase."""
    before = folded[max(0, pos - 30):pos]
    return any(p.search(before) for p in _lex()["not_party"])


_ADVERBIAL_PLACE = regex.compile(r",\s*(?:tại|ở)\s[^,;]{1,80},")


def speaker_between(folded: str, lo: int, hi: int, subjects: list[int] | None = None) -> bool:
    """A speech verb in folded[lo:hi] whose reported clause has a subject of its own (one of
    `subjects`, positions of organisations or people, after the verb): then who stands before
    the verb only reports the signing. "GE cho biết đã ký hợp đồng với Việt Nam": GE signed."""
    verbs = list(_lex()["speech"].finditer(folded, lo, hi))
    if not verbs:
        return False
    if subjects is None:
        return True
    after = verbs[-1].end()
    if any(after <= s < hi for s in subjects):
        return True
    # no subject of its own: the speaker signed, when the signing verb follows at once
    # ("cho biết đã ký …"); not when it is a noun ("đánh giá cao các hoạt động kết nghĩa")
    gap = folded[after:hi]
    return len(gap.split()) > 3 or bool(_ACTIVITY_NOUN.search(gap))


def country_as_modifier(text: str, folded: str, pos: int) -> bool:
    """The country at `pos` qualifies the lower-case noun before it ("doanh nghiệp Đức")."""
    m = regex.search(r"(?:(\p{L}+)\s+)?(\p{L}+)\s+$", text[max(0, pos - 40):pos])
    if not m or not m.group(2)[:1].islower():
        return False
    if m.group(1) and m.group(1)[:1].isupper():
        return False  # "Bộ trưởng Quốc phòng Mỹ": the country of an office or a name, not of a noun
    before = folded[max(0, pos - 30):pos].rstrip()
    return not any(before.endswith(w) and (len(before) == len(w) or not before[-len(w) - 1].isalpha())
                   for w in _lex()["country_links"])


def in_witness_context(folded: str, sent_start: int, pos: int) -> bool:
    """A witness/guest cue ("chứng kiến", "chuyến thăm", "đại biểu" …) governs `pos`. A
    place adverbial between them (", tại Điện Kremlin,") ends the cue's phrase: what follows
    it is the sentence's subject."""
    lo = max(sent_start, pos - 120)
    before = folded[lo:pos]
    ends = [m.end() for p in _lex()["witness"] for m in p.finditer(before)]
    if not ends:
        return False
    return not _ADVERBIAL_PLACE.search(before, max(ends))

