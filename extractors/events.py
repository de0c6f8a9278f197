"""Signing events: triggers (ký kết, ký, kết nghĩa, giao ước thi đua) and their senses.

A trigger is a signing when it is not one of the other senses of "ký" (đăng ký, thư ký,
chữ ký, ký túc xá, ký quyết định …) and a signed document or programme stands near it
(thỏa thuận, biên bản ghi nhớ, hợp đồng, hiệp định …) or it is a ceremony ("lễ ký kết").
Each mention carries the clause it sits in, the document words around it (→ type), and the
aspect/time cues before it (→ status).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import regex

from extractors.lexicons import load
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
def _first_pass() -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    lex = load("events")
    trig = _c(r"(?<!\p{L})(?:" + "|".join(t["pattern"] for t in lex["triggers"]) + r")(?!\p{L})")
    near = _c(r"(?<!\p{L})(?:" + "|".join(d["pattern"] for d in lex["documents"]) + r"|lễ|buổi|hoạt động|việc)(?!\p{L})")
    return trig, near


def might_report_signing(folded: str) -> bool:
    """The cheap first pass over the folded text: some trigger with a document word (or a
    ceremony word) within reach — a superset of what `extract` can accept, so an article
    it rejects has no signing mention. It decides whether segmentation and NER run."""
    trig, near = _first_pass()
    reach = 3 * _lex()["window"] + 20
    for m in trig.finditer(folded):
        if near.search(folded, max(0, m.start() - reach), min(len(folded), m.end() + reach)):
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


def extract(doc: Document) -> list[Span]:
    lex = _lex()
    f = doc.folded
    out: list[Span] = []
    anaphoric_sentences: set[tuple[int, int]] = set()
    for sent in doc.layer("sentences"):
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
                clause = clause_bounds(f, (s, e), m.start())
                w = lex["window"]
                # "nhiều văn bản ghi nhớ … đã được ký kết": a passive trigger's subject is the document
                back = 3 * w if regex.search(r"(?<!\p{L})được\s+$", f[max(s, m.start() - 8):m.start()]) else w
                docw = document_near(f, max(clause[0], m.start() - back), min(clause[1], m.end() + w), (m.start(), m.end()))
                ceremony = bool(regex.search(r"(lễ|buổi|hoạt động|việc)\s+$", f[max(s, m.start() - 12):m.start()]))
                if tid in ("trig.ky", "trig.ky_ket") and docw is None and not ceremony:
                    continue
                if tid == "trig.ket_nghia" and regex.search(r"(anh em|em|chị em|lễ)\s+$", f[max(s, m.start() - 10):m.start()]):
                    continue
                # a sentence that already holds an anaphoric mention keeps them all anaphoric
                anaphoric = (s, e) in anaphoric_sentences or any(
                    p.search(f[max(s, m.start() - 80):m.start()]) for p in lex["anaphoric"])
                if anaphoric:
                    anaphoric_sentences.add((s, e))
                personal = bool(lex["personal"].search(f, s, e))
                cue = _status_cue(f, clause, (m.start(), m.end()))
                typ, prio, dspan = docw if docw else (None, 0, None)
                if tid == "trig.ket_nghia":
                    typ, prio, dspan = "twinning", 85, (m.start(), m.end())
                if tid == "trig.giao_uoc":
                    typ, prio, dspan = "emulation_pact", 85, (m.start(), m.end())
                mention = EventMention((m.start(), m.end()), (s, e), clause, typ, prio, dspan, cue,
                                       anaphoric, personal, tid)
                out.append(Span(m.start(), m.end(), "event", f"events.{tid}", mention))
                seen_end = m.end()
    out.sort(key=lambda sp: sp.start)
    # "ký kết" and "ký" overlap: keep the first (longest) trigger at a position
    dedup: list[Span] = []
    for sp in out:
        if dedup and sp.start < dedup[-1].end:
            continue
        dedup.append(sp)
    return dedup


def refers_to_setting_before(folded: str, sent_start: int) -> bool:
    """The sentence opens with "Tại đây", "Trong đó:", "Sau đó" …: its setting is the previous sentence's."""
    head = folded[sent_start:sent_start + 40]
    return any(p.search(head) for p in _lex()["setting"])


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
    return len(gap.split()) > 3 or bool(regex.search(r"(?<!\p{L})(các|những|việc|hoạt động|lễ|buổi)(?!\p{L})", gap))


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

