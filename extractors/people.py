"""People: signatories and witnesses, their titles and the organisation they speak for.

Vietnamese news writes a person as "Ông Nguyễn Thế Sơn, Giám đốc Sở …" (honorific, name,
title), "Cục trưởng Cục … Hoàng Hồng Giang" (title, organisation, name) or
"PGS.TS Nguyễn Thanh Đề - Vụ trưởng …". Names are underthesea's proper-noun words; academic
honorifics are stripped from the name.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from extractors.lexicons import load
from extractors.parties import is_person_name, is_place, is_place_name
from pipeline.config import DISABLED
from pipeline.document import Document, Span
from pipeline.segment import Token, analyze
from pipeline.textnorm import fold

NAME = "people"
REQUIRES = ["sentences", "orgs"]
ASSIGNS = "people"


@dataclass(frozen=True)
class Person:
    name: str
    title: str | None
    title_span: tuple[int, int] | None


@lru_cache(maxsize=1)
def _lex():
    lex = load("people")
    titles = sorted((fold(t) for t in lex["titles"]), key=len, reverse=True)
    hons = sorted((fold(h) for h in lex["honorifics"]), key=len, reverse=True)
    return titles, hons


def _title_at(folded: str, pos: int) -> str | None:
    for t in _lex()[0]:
        if folded.startswith(t, pos):
            end = pos + len(t)
            if end >= len(folded) or not folded[end].isalpha():
                return t
    return None


def _honorific_at(folded: str, pos: int) -> bool:
    """An honorific or degree opens at `pos` ("PGS.TS", "Ông")."""
    return any(folded.startswith(h, pos) and (pos + len(h) >= len(folded) or not folded[pos + len(h)].isalpha())
               for h in _lex()[1])


def _honorific_before(folded: str, tok: Token, sent_start: int) -> bool:
    before = folded[max(sent_start, tok.start - 12):tok.start].rstrip()
    return any(before.endswith(h) and (len(before) == len(h) or not before[-len(h) - 1].isalpha()) for h in _lex()[1])


def extract_people(doc: Document, sent: Span) -> list[Span]:
    toks = analyze(doc, sent)
    f = doc.folded
    out: list[Span] = []
    orgs = [o for o in doc.layer("orgs") if sent.start <= o.start < sent.end]
    for k, t in enumerate(toks):
        if any(o.start < t.end and t.start < o.end for o in orgs):
            continue  # "Tổng Giám đốc Thông Tấn Xã Việt Nam": the words name the organisation
        if any(p.start <= t.start < p.end for p in out):
            continue  # a word of a name already taken whole
        if not t.text[:1].isupper() or t.pos not in ("Np", "N") or is_place(t) or sum(c.isupper() for c in t.text) > len(t.text.split()) + 1 \
                or all(c.isupper() for c in t.text if c.isalpha()):
            continue
        hon = _honorific_before(f, t, sent.start)
        if (t.ner or "").endswith("ORG") or (" " not in t.text and not hon and not (t.ner or "").endswith("PER")):
            continue  # "Phó chủ tịch Nasdaq": a one-word name needs an honorific or a PER tag
        title = None
        tspan = None
        # title before the name: scan back to a title word within the same clause
        lo = t.start
        for j in range(k - 1, max(-1, k - 14), -1):
            if toks[j].text in (",", ";", ".", "(", ")", ":") or fold(toks[j].text) in ("và", "với", "cùng", "của"):
                break
            tt = _title_at(f, toks[j].start)
            if tt:
                lo = toks[j].start
                title = doc.text[lo:toks[k - 1].end].strip(" ,-–")
                tspan = (lo, toks[k - 1].end)
                break
        if title is None and hon:
            # "Ông X, Giám đốc Sở Y" / "PGS.TS X - Vụ trưởng Vụ Y – Bộ Z"
            m = regex.match(r"\s*(?:,|-|–|—)\s*", doc.text[t.end:sent.end])
            if m:
                pos = t.end + m.end()
                tt = _title_at(f, pos)
                if tt:
                    stop = regex.search(r"\s(?:và|đã|cùng|đang|sẽ|vừa|ký|kí|trao|phát biểu|cho biết|bày tỏ)\s|[,;(]|\s[-–]\s(?=\p{Ll})", doc.text[pos:sent.end])
                    end = pos + (stop.start() if stop else sent.end - pos)
                    title = doc.text[pos:end].strip(" ,.")
                    tspan = (pos, pos + len(doc.text[pos:end].rstrip(" ,.")))
        if title is None and not (hon and (is_person_name(t) or t.pos == "Np")):
            continue
        if title is None and not hon:
            continue
        if not (is_person_name(t) or t.pos == "Np" or hon):
            continue
        s0, e0 = _name_extent(doc, toks, k, orgs)
        if tspan and tspan[0] < s0 < tspan[1]:  # the name took back words the title scan had taken
            tspan = (tspan[0], s0)
            title = doc.text[tspan[0]:tspan[1]].strip(" ,-–") or None
            tspan = (tspan[0], tspan[0] + len(doc.text[tspan[0]:tspan[1]].rstrip(" ,-–"))) if title else None
        out.append(Span(s0, e0, "person", "people.rule", Person(doc.text[s0:e0], title, tspan)))
    if "people.matcher" not in DISABLED:
        out.extend(_matched_people(doc, sent, out, orgs))
    return out


# lower-case particles inside foreign names ("Mohammed bin Abdulrahman", "Ursula von der Leyen")
_PARTICLES = {"bin", "bint", "al", "el", "de", "del", "da", "dos", "van", "von", "der", "den", "le", "la", "di"}


def _name_part(doc: Document, toks: list, j: int, orgs: list[Span]) -> bool:
    """Token j can continue a person's name: capitalised, not a place, title or organisation."""
    t = toks[j]
    return (t.text[:1].isupper() and t.pos != "CH" and not is_place(t)
            and not any(o.start < t.end and t.start < o.end for o in orgs)
            and _title_at(doc.folded, t.start) is None and not _honorific_at(doc.folded, t.start))


def _name_extent(doc: Document, toks: list, k: int, orgs: list[Span]) -> tuple[int, int]:
    """The whole name around token k: the word segmenter splits foreign names ("Choi" + "Young
    Gyo", "Robert H." + "McCooey Jr"), so adjacent capitalised words (and the particles
    between them) that are not places, titles or organisations join it; at most four words
    on either side."""
    def adjacent(a, b) -> bool:
        return not doc.text[toks[a].end:toks[b].start].strip()
    lo = hi = k
    while hi + 1 < len(toks) and hi - k < 4 and adjacent(hi, hi + 1):
        if _name_part(doc, toks, hi + 1, orgs):
            hi += 1
        elif (fold(toks[hi + 1].text) in _PARTICLES and hi + 2 < len(toks) and adjacent(hi + 1, hi + 2)
              and _name_part(doc, toks, hi + 2, orgs)):
            hi += 2
        else:
            break
    while lo > 0 and k - lo < 4 and adjacent(lo - 1, lo) and toks[lo - 1].pos == "Np" and _name_part(doc, toks, lo - 1, orgs):
        lo -= 1
    start, end = toks[lo].start, toks[hi].end
    # a country the segmenter glued to the name ("Tổng thống Belarus Lukashenko") is not part of it
    words = list(regex.finditer(r"\S+", doc.text[start:end]))
    for n in (2, 1):
        if len(words) > n and is_place_name(" ".join(w.group() for w in words[:n])):
            start += words[n].start()
            break
    return start, end


def _matched_people(doc: Document, sent: Span, found: list[Span], orgs: list[Span]) -> list[Span]:
    """Signatories the spaCy Matcher patterns (lexicons/patterns.yaml) find: a title and its
    organisation set off by commas before the name ("Tổng Giám đốc Hãng X (Sputnik), Dmitry
    Kiselev đã ký"), or the agent of a passive signing ("được ký bởi Thủ tướng … Imad Khamis")."""
    from extractors.patterns import match
    from pipeline.spacy_doc import char_span, sentence_doc

    sdoc = sentence_doc(doc, sent)
    out: list[Span] = []
    for label, i, j in match(doc, sent):
        if j - i > 30:
            continue  # too far from its title to be its holder
        name_i = j - 2 if label == "signer_apposition" else j - 1
        tok = sdoc[name_i]
        s, e = char_span(sdoc, name_i, name_i + 1)
        if any(p.start < e and s < p.end for p in found + out) or any(o.start < e and s < o.end for o in orgs) \
                or is_place_name(tok.text):
            continue
        # the title nearest the name: the last title-marked token in the match
        ti = max(k for k in range(i, name_i) if sdoc[k]._.phrase == "TITLE")
        stop = name_i - 1 if label == "signer_apposition" else name_i
        ts, te = char_span(sdoc, ti, stop)
        title = doc.text[ts:te].strip(" ,")
        out.append(Span(s, e, "person", f"people.matcher:{label}", Person(tok.text, title, (ts, ts + len(title)))))
    return out


def title_word(title: str | None) -> str | None:
    """The title itself, without the organisation ("Giám đốc Sở …" → "Giám đốc")."""
    if not title:
        return None
    tt = _title_at(fold(title), 0)
    return title[: len(tt)] if tt else title
