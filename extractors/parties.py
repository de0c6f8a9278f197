"""Organisation, country and province mentions, from lexicon heads + underthesea words/POS.

A name opens on a capitalised organisation head (Sở, Phòng, Trường, Công ty, UBND …) and
runs over its descriptor (capitalised words, acronyms, "và" inside the descriptor) and its
locality (an administrative unit + a place, or a proper noun), and stops before a verb,
a preposition, a new head, a title or a person's name. Coordinated lists after a plural
head are expanded ("các Sở GDĐT: Hà Tĩnh, Quảng Bình và Quảng Ngãi"). Countries, blocs,
capitals (metonymy: "Moscow" → Nga) and provinces come from `extractors.gazetteers` (CLDR
names through babel, vietnam-provinces, variants as data), matched on the folded text at
word boundaries; a country right after a capitalised name is part of that name ("Nissho
Electronics Việt Nam"), not a party of its own. Foreign companies the lexicons do not know
come from underthesea's NER (B-ORG).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from extractors import gazetteers
from extractors.lexicons import load
from pipeline.config import DISABLED
from pipeline.document import Document, Span
from pipeline.segment import Token, analyze
from pipeline.textnorm import expand_abbreviations, fold

NAME = "parties"
REQUIRES = ["sentences"]
ASSIGNS = "orgs"


@dataclass(frozen=True)
class Org:
    name: str
    canonical: str
    kind: str
    source: str
    confidence: float
    expanded: bool = False


@lru_cache(maxsize=1)
def _lex():
    org = load("organisations")
    people = load("people")
    heads = sorted(((fold(h["head"]), h["kind"], h["id"]) for h in org["heads"]), key=lambda x: -len(x[0]))
    return {
        "heads": heads,
        "admin": {fold(a) for a in org["admin_units"]},
        "inner": {fold(a) for a in org["inner_lowercase"]},
        "legal_forms": {fold(a) for a in org["legal_forms"]},
        "places_re": gazetteers.pattern(),
        "provinces_re": gazetteers.province_pattern(),
        "surnames": {fold(s) for s in people["surnames"]},
        "titles": {fold(t) for t in people["titles"]},
        "honorifics": {fold(h) for h in people["honorifics"]},
    }


def _is_cap(tok: Token) -> bool:
    return tok.text[:1].isupper()


def _is_acronym(tok: Token) -> bool:
    letters = [c for c in tok.text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _is_proper(tok: Token) -> bool:
    return tok.pos == "Np" and not _is_acronym(tok)


@lru_cache(maxsize=1)
def _heads_by_first() -> tuple[dict[str, list[tuple[str, str, str]]], list[tuple[str, str, str]]]:
    """The heads that can start with each character (those starting with it, and an empty
    one, if any), each list in the heads' order; and the list for any other character."""
    heads = _lex()["heads"]
    firsts = {h[0][:1] for h in heads if h[0]}
    return {c: [h for h in heads if h[0][:1] in (c, "")] for c in firsts}, [h for h in heads if not h[0]]


def head_at(folded_text: str, tok: Token) -> tuple[str, str, str] | None:
    by_first, other = _heads_by_first()
    for head, kind, hid in by_first.get(folded_text[tok.start:tok.start + 1], other):
        if folded_text.startswith(head, tok.start):
            after = tok.start + len(head)
            if after >= len(folded_text) or not folded_text[after].isalpha():
                return head, kind, hid
    return None


def _title_len(folded: str, pos: int) -> int:
    """Length of the longest person title written at `pos` (0 when none)."""
    return max((len(t) for t in _lex()["titles"]
                if folded.startswith(t, pos) and not folded[pos + len(t):pos + len(t) + 1].isalpha()), default=0)


def is_vietnamese_name(name: str) -> bool:
    parts = name.split()
    return len(parts) >= 2 and fold(parts[0]) in _lex()["surnames"]


def is_person_name(tok: Token) -> bool:
    parts = tok.text.split()
    return (len(parts) >= 2 and fold(parts[0]) in _lex()["surnames"]
            and all(p[:1].isupper() for p in parts) and gazetteers.key(tok.text) not in gazetteers.provinces())


def is_place_name(text: str) -> bool:
    """A province, country, bloc or capital of the gazetteers: the one place-name test."""
    return gazetteers.is_place_name(text)


def is_place(tok: Token) -> bool:
    return is_place_name(tok.text)


def is_province(tok: Token) -> bool:
    return gazetteers.key(tok.text) in gazetteers.provinces()


def _org_run(doc: Document, toks: list[Token], i: int) -> tuple[int, int] | None:
    """Token range [i, j) of the organisation name opening at token i (a head)."""
    lex = _lex()
    h = head_at(doc.folded, toks[i])
    if h is None or _title_len(doc.folded, toks[i].start) > len(h[0]):
        return None  # "Bộ trưởng Quốc phòng Qatar": an office, not the ministry "Bộ …" ("Đại sứ quán" stays)
    if not doc.text[toks[i].start].isupper():
        # "tập đoàn Kalyani", "công ty Samsung": a lower-case company head before a brand
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if not (h[1] == "company" and toks[i].end == toks[i].start + len(h[0]) and nxt is not None
                and (nxt.pos == "Np" or _is_acronym(nxt)) and _is_cap(nxt) and not is_place(nxt)
                and not is_person_name(nxt)):
            return None
    head_end = toks[i].start + len(h[0])
    j = i + 1
    # a head may span several tokens ("Ủy ban" "nhân dân")
    while j < len(toks) and toks[j].start < head_end:
        j += 1
    j0 = j
    last_good = None
    has_loc = False
    pending = 0
    if toks[i].end > head_end and doc.text[head_end:toks[i].end].strip()[:1].isupper():
        last_good = i  # underthesea kept head and descriptor together ("Phòng Giáo dục và Đào tạo")
    while j < len(toks):
        t = toks[j]
        f = fold(t.text)
        nxt = toks[j + 1] if j + 1 < len(toks) else None
        if last_good is not None and head_at(doc.folded, t) and _is_cap(t) and not _is_acronym(t) \
                and fold(toks[last_good].text) not in lex["legal_forms"]:
            break  # a new head opens a new name — except "Công ty CP Tập đoàn Hoành Sơn"
        if (f in lex["titles"] or f in lex["honorifics"]) and not (_is_cap(t) and is_place(t)):
            # "Bộ Quốc phòng Anh": a country, not the honorific "anh"
            break
        if t.text == "(":
            close = next((k for k in range(j + 1, min(j + 6, len(toks))) if toks[k].text == ")"), None)
            if close is not None and last_good is not None and close + 1 < len(toks) and (
                    fold(toks[close + 1].text) in lex["admin"] or _is_cap(toks[close + 1])) and not has_loc:
                j = close + 1
                continue
            break
        if _is_acronym(t) or t.pos == "Ny":
            if has_loc and last_good is not None and not (j - last_good == 1 and toks[last_good].pos == "M"):
                break
            last_good, pending = j, 0
        elif f in lex["admin"] and nxt is not None and _is_cap(nxt):
            if has_loc:
                break
            has_loc = True
            pending += 1
        elif _is_cap(t) and t.pos not in ("CH",):
            if is_person_name(t) and (has_loc or last_good is not None and _is_proper(toks[last_good])
                                      or last_good is None and i > 0 and fold(toks[i - 1].text) in lex["titles"]):
                break  # "Thủ tướng Chính phủ Nguyễn Xuân Phúc": the title holder, not the name
            if has_loc and last_good is not None and _is_proper(toks[last_good]) and not is_place(t) \
                    and is_place(toks[last_good]):
                break  # "Sở … Bắc Ninh Quảng Nam": a place closes the name; "Imal Pal Group" goes on
            if is_place(t) or (_is_proper(t) and not (
                    nxt is not None and fold(nxt.text) in lex["admin"] and j + 2 < len(toks) and is_place(toks[j + 2]))):
                has_loc = True  # "Sở Công Thương tỉnh Bắc Giang": a proper descriptor before its province
            last_good, pending = j, 0
        elif t.pos == "M" and last_good is not None and j - last_good == 1 and _is_proper(toks[last_good]) \
                and regex.fullmatch(r"\d{1,2}", t.text):
            last_good, pending = j, 0
            break
        elif any(f.startswith(w + " ") and t.text[len(w) + 1:][:1].isupper() for w in lex["inner"]):
            last_good, pending = j, 0  # one word "xã hội chủ nghĩa Việt Nam": descriptor + proper name
            has_loc = True
        elif f in ("và", "&") and not has_loc and nxt is not None and _is_cap(nxt) and not head_at(doc.folded, nxt) \
                and not is_place(nxt):  # "Vương quốc Anh và Việt Nam": two parties
            pending += 1
        elif not has_loc and pending < 3 and (f in lex["inner"] or (
                t.pos in ("N", "A", "Np") and nxt is not None and (_is_cap(nxt) or fold(nxt.text) in lex["inner"])
                and not head_at(doc.folded, nxt))) and f not in ("và", "với", "của", "các", "những", "cùng", "hai", "tại", "lễ"):
            pending += 1
        elif not has_loc and pending < 3 and (k := _inner_across(doc, toks, j)) is not None:
            pending += 1  # "TNHH một thành viên Woori": an inner phrase split into several words
            j = k
        else:
            break
        j += 1
    if last_good is None:
        return None
    if last_good >= j0 and all(fold(t.text) in lex["legal_forms"] for t in toks[j0:last_good + 1]):
        return None  # "Công ty CP" alone names no company
    return i, last_good + 1


def _province_after(doc: Document, pos: int) -> int | None:
    """End of a province name written right after `pos` (one space), matched on folded text."""
    if doc.folded[pos:pos + 1] != " " or not doc.text[pos + 1:pos + 2].isupper():
        return None
    m = _lex()["provinces_re"].match(doc.folded, pos + 1)
    return m.end() if m else None


def _place_at(doc: Document, toks: list[Token], i: int) -> tuple[int, gazetteers.Place] | None:
    """The gazetteer name written from token i to the end of a token j-1 (whole tokens only:
    "Anh" inside "Phạm Anh Tuấn" is no country): (j, place)."""
    m = _lex()["places_re"].match(doc.folded, toks[i].start, toks[-1].end)
    if not m:
        return None
    j = next((k + 1 for k in range(i, len(toks)) if toks[k].end >= m.end()), None)
    if j is None or toks[j - 1].end != m.end():
        return None
    k = gazetteers.key(m.group(0))
    place = gazetteers.countries().get(k) or gazetteers.capitals().get(k) or gazetteers.provinces().get(k)
    return (j, place) if place else None


_DASH = regex.compile(r"\s?[-–]\s?")


def _glued_countries(doc: Document, tok: Token) -> list[tuple[int, int, gazetteers.Place]] | None:
    """Countries written as one word joined by dashes ("Việt Nam-Lào", "Nga-Syria"), each
    capitalised: [(start, end, place)], None unless the whole word is two or more of them."""
    if "-" not in tok.text and "–" not in tok.text:
        return None
    out = []
    pos = tok.start
    while True:
        m = _lex()["places_re"].match(doc.folded, pos, tok.end)
        place = gazetteers.countries().get(gazetteers.key(m.group(0))) if m else None
        if place is None or not doc.text[pos].isupper():
            return None
        out.append((pos, m.end(), place))
        if m.end() == tok.end:
            return out if len(out) >= 2 else None
        dash = _DASH.match(doc.folded, m.end(), tok.end)
        if dash is None:
            return None
        pos = dash.end()


def _inner_across(doc: Document, toks: list[Token], j: int) -> int | None:
    """Index of the last token of an inner descriptor phrase ("một thành viên") that opens at
    token j and spans several tokens, when a capitalised word follows it."""
    for w in _lex()["inner"]:
        end = toks[j].start + len(w)
        if end > toks[j].end and doc.folded.startswith(w, toks[j].start):
            k = next((x for x in range(j, len(toks)) if toks[x].end >= end), None)
            if k is not None and toks[k].end == end and k + 1 < len(toks) and _is_cap(toks[k + 1]):
                return k
    return None


def _through_place(doc: Document, toks: list[Token], run: tuple[int, int]) -> tuple[int, int]:
    """A name ends at the end of a place it ends on, however the words split ("UBND tỉnh Bà Rịa
    - Vũng Tàu": the tokens stop at the dash, the province does not)."""
    for k in range(run[0] + 1, run[1]):
        place = _place_at(doc, toks, k) if _is_cap(toks[k]) else None
        if place and place[0] > run[1]:
            return run[0], place[0]
    return run


def _name_before(doc: Document, toks: list[Token], i: int) -> int | None:
    """Index of the first token of the capitalised name a country at token i closes
    ("Nissho Electronics Việt Nam", "Samsung Việt Nam"): proper nouns or acronyms, one space
    apart, that are no place, person, title or organisation head, and not a person's name
    after an honorific or title. None when the country stands alone."""
    lex = _lex()
    k = i
    while k > 0:
        p = toks[k - 1]
        f = fold(p.text)
        if doc.text[p.end:toks[k].start] != " " or not _is_cap(p) or not (p.pos in ("Np", "Ny") or _is_acronym(p)) \
                or is_place(p) or is_person_name(p) or f in lex["titles"] or f in lex["honorifics"] \
                or head_at(doc.folded, p):
            break
        k -= 1
    if k == i or (k > 0 and fold(toks[k - 1].text) in lex["titles"] | lex["honorifics"]):
        return None  # no name before it, or a person's ("Tổng thống … Putin")
    return k


def _bare_head_antecedent(doc: Document, toks: list[Token], i: int, h: tuple[str, str, str]) -> Span | None:
    """ "Quỹ và Bộ Tài chính đã ký …": a capitalised head standing alone refers back to the
    organisation the article named with that head ("Quỹ Phát triển quốc tế của …")."""
    t = toks[i]
    nxt = fold(toks[i + 1].text) if i + 1 < len(toks) else ""
    if not (t.text[:1].isupper() and fold(t.text) == h[0] and nxt in ("và", ",", "cùng", "với", "đã", "vừa", "ký", "kí")):
        return None
    if i > 0 and fold(toks[i - 1].text) in _lex()["titles"]:
        return None  # "Giám đốc Sở": the person's office, not the party
    head = regex.escape(t.text)
    found = None
    for m in regex.compile(rf"(?<!\p{{L}}){head}\s+\p{{Lu}}[^,.;:()\n]{{2,80}}").finditer(doc.text, 0, t.start):
        found = m
    if found is None:
        return None
    src = f"parties.anaphora:{h[2]}"
    antecedent = expand_abbreviations(found.group(0).strip())
    return Span(t.start, t.end, "org", src, Org(t.text, antecedent, h[1], src, 0.6), 0.6)


def _make(doc: Document, start: int, end: int, kind: str, source: str, conf: float,
          name: str | None = None) -> Span:
    name = name or doc.text[start:end]
    # "Phòng Giáo dục và Đào tạo (GD&ĐT) quận Đống Đa": the acronym in brackets repeats the name
    canonical = expand_abbreviations(_BRACKETED_ACRONYM.sub("", name))
    return Span(start, end, "org", source, Org(name, canonical, kind, source, conf, name != doc.text[start:end]), conf)


_LIST_SEP = regex.compile(r"\s{0,8}(?:,|;|\bvà\b|\bvới\b)\s{0,8}")
_BRACKETED_ACRONYM = regex.compile(r"\s*\(\p{Lu}[\p{Lu}\d&.-]*\)")
_PLURAL_BEFORE = regex.compile(r"(các|hai|ba|bốn|năm|\d+)\s+$")


def _expand_list(doc: Document, toks: list[Token], i: int, run: tuple[int, int], kind: str, hid: str) -> list[Span]:
    """"các Sở GDĐT: Hà Tĩnh, Quảng Bình … và Quảng Ngãi" → one org per place."""
    prefix = doc.folded[max(0, toks[i].start - 6):toks[i].start]
    plural = bool(_PLURAL_BEFORE.search(prefix))
    # the base name: head + descriptor, without a place
    base_toks = []
    for t in toks[run[0]:run[1]]:
        if _is_proper(t) or is_place(t) or fold(t.text) in _lex()["admin"]:
            break
        base_toks.append(t)
    if not base_toks:
        return []
    base = doc.text[toks[run[0]].start:base_toks[-1].end]
    k = run[0] + len(base_toks)
    if k < len(toks) and toks[k].text == ":":
        k += 1
    elif not plural:
        # "Phòng GD&ĐT Đống Đa và Sóc Sơn": a bare list of places after one head
        # (joined by "và": "hãng Sputnik, Dmitry Kiselev" is a name and an apposition)
        if not (run[1] < len(toks) and fold(toks[run[1]].text) == "và" and run[1] + 1 < len(toks)
                and (_is_proper(toks[run[1] + 1]) or is_place(toks[run[1] + 1]))
                and not head_at(doc.folded, toks[run[1] + 1]) and not is_person_name(toks[run[1] + 1])):
            return []
    admin_word = None
    if k < len(toks) and fold(toks[k].text) in _lex()["admin"]:
        admin_word = toks[k].text
        k += 1
    items: list[Span] = []
    while k < len(toks):
        t = toks[k]
        if _is_cap(t) and (_is_proper(t) or is_place(t)) and not is_person_name(t) and not head_at(doc.folded, t):
            name = f"{base} {admin_word} {t.text}" if admin_word else f"{base} {t.text}"
            s0 = t.start  # the list item; `name` carries the expanded form
            sp = _make(doc, s0, t.end, kind, f"parties.list:{hid}", 0.85, name=name)
            items.append(sp)
            k += 1
            if k < len(toks) and fold(toks[k].text) in (",", "và", ";"):
                k += 1
                continue
        break
    if len(items) >= 2:
        return items
    return []


_LOCATIVE = ("tại", "ở", "đến", "tới", "sang")
_PLACE_SOURCES = ("parties.country", "parties.capital", "parties.province")


def extract_orgs(doc: Document, sent: Span) -> list[Span]:
    toks = analyze(doc, sent)
    lex = _lex()
    out: list[Span] = []
    loc_end = -1
    i = 0
    while i < len(toks):
        t = toks[i]
        h = head_at(doc.folded, t)
        run = _org_run(doc, toks, i) if h else None
        if run:
            run = _through_place(doc, toks, run)
        if run:
            items = _expand_list(doc, toks, i, run, h[1], h[2])
            if items:
                out.extend(items)
                i = max(run[1], max(toks.index(next(x for x in toks if x.start == s.start)) for s in items) + 1)
                continue
            s, e = toks[run[0]].start, toks[run[1] - 1].end
            last = doc.text[toks[run[1] - 1].start:e]
            if last.endswith(".") and not doc.text[e:e + 1].strip() and is_place_name(last[:-1]):
                e -= 1  # "UBND TP.HCM.": the sentence's full stop glued to the place
            out.append(_make(doc, s, e, h[1], f"parties.head:{h[2]}", 0.9))
            i = run[1]
            continue
        if h and run is None:
            back = _bare_head_antecedent(doc, toks, i, h)
            if back:
                out.append(back)
                i += 1
                continue
        f = fold(t.text)
        prev = fold(toks[i - 1].text) if i else ""
        if f in lex["admin"]:
            # "tỉnh Bà Rịa-Vũng Tàu": the province by its gazetteer name, however the words split
            prov = _province_after(doc, t.end)
            if prov:
                out.append(_make(doc, t.start, prov, "province", "parties.province", 0.7))
                while i < len(toks) and toks[i].start < prov:
                    i += 1
                continue
        glued = _glued_countries(doc, t) if _is_cap(t) else None
        if glued:
            # "Hiệp định Việt Nam-Lào": one word for "Việt Nam - Lào", two countries
            for s0, e0, p in glued:
                out.append(Span(s0, e0, "org", "parties.country",
                                Org(doc.text[s0:e0], p.canonical, "country", "parties.country", 0.8), 0.8))
            i += 1
            continue
        place = _place_at(doc, toks, i) if _is_cap(t) else None
        if place:
            # "ma túy ở Honduras, Guatemala và Mexico": the places listed after a preposition
            # inside a clause are where, not who (the first one is left to the grouping)
            j = place[0]
            if prev in _LOCATIVE and i >= 2 and toks[i - 2].text not in (",", ";", ":"):
                loc_end = toks[j - 1].end
            elif loc_end >= 0 and doc.folded[loc_end:t.start].strip() in (",", "và", "hoặc"):
                loc_end = toks[j - 1].end
                i = j
                continue
            else:
                loc_end = -1
        if place and place[1].kind in ("country", "bloc"):
            j, p = place
            e = toks[j - 1].end
            k = _name_before(doc, toks, i)
            if k is not None and " ".join(gazetteers.key(x.text) for x in toks[k:i]) in gazetteers.state_forms():
                # "CHXHCN Việt Nam", "Cộng hòa Belarus": the state by its formal name
                out.append(Span(toks[k].start, e, "org", "parties.country",
                                Org(doc.text[toks[k].start:e], p.canonical, "country", "parties.country", 0.8), 0.8))
            elif k is not None:
                # "VNPT và Nissho Electronics Việt Nam": the country ends the company's name
                s0, kind = toks[k].start, "organisation"
                if out and out[-1].start <= s0 < out[-1].end:
                    grown = out.pop()  # the name already found ("Samsung" by NER) grows
                    s0, kind = grown.start, grown.value.kind
                out.append(_make(doc, s0, e, kind, "parties.name_country", 0.6))
            else:
                src = "parties.country"
                out.append(Span(t.start, e, "org", src, Org(doc.text[t.start:e], p.canonical, "country", src, 0.8), 0.8))
            i = j
            continue
        if place and place[1].kind == "capital" and prev not in (*_LOCATIVE, "thủ đô"):
            j, p = place
            e, src, name = toks[j - 1].end, "parties.capital", doc.text[t.start:toks[j - 1].end]
            if gazetteers.key(name) in gazetteers.provinces():
                # "Hà Nội" in Vietnamese news is the city (its government), not the state
                out.append(Span(t.start, e, "org", src, Org(name, name, "province", src, 0.6), 0.6))
            else:
                out.append(Span(t.start, e, "org", src, Org(name, p.canonical, "country", src, 0.6), 0.6))
            i = j
            continue
        if place and place[1].kind == "province" and out and out[-1].source in _PLACE_SOURCES \
                and doc.folded[out[-1].end:t.start].strip() in (",", "và"):
            # "gồm Hà Nội, Bà Rịa-Vũng Tàu, Đồng Nai …": a province listed with place parties is one
            e = toks[place[0] - 1].end
            out.append(_make(doc, t.start, e, "province", "parties.province", 0.6))
            i = place[0]
            continue
        if prev in lex["admin"] and i >= 1 and is_province(t) and doc.text[toks[i - 1].start].islower():
            out.append(_make(doc, toks[i - 1].start, t.end, "province", "parties.province", 0.7))
        elif t.ner.endswith("ORG") and _is_cap(t) and not is_person_name(t) and "parties.ner" not in DISABLED:
            j = i + 1
            while j < len(toks) and toks[j].ner == "I-ORG":
                j += 1
            out.append(_make(doc, t.start, toks[j - 1].end, "organisation", "parties.ner", 0.6))
            i = j
            continue
        i += 1
    out.extend(_acronym_names(doc, sent, out))
    seen: dict[str, Org] = doc.meta.setdefault("_org_initials", {})
    for o in out:
        m = _ACRONYM.match(doc.text, o.end + 1) if doc.text[o.end:o.end + 2] == " (" else None
        if m and o.value.kind != "country":
            seen.setdefault(m.group(1).replace("Đ", "D"), o.value)  # "Tập đoàn … Israel (IAI)"
    out.extend(_known_acronyms(doc, toks, out))
    return out


def _initials(name: str) -> str:
    return "".join(_initial(w) for w in regex.findall(r"[\p{L}\d]+", name))


def _known_acronyms(doc: Document, toks: list[Token], found: list[Span]) -> list[Span]:
    """ "TTXVN" after "Thông tấn xã Việt Nam": an all-capitals word spelling the initials of
    an organisation already named in the article is that organisation."""
    seen: dict[str, Org] = doc.meta.setdefault("_org_initials", {})
    for o in found:
        org: Org = o.value
        if org.kind != "country" and len(org.name.split()) >= 3:
            seen.setdefault(_initials(org.name), org)
    out = []
    for t in toks:
        acr = t.text.replace("Đ", "D")
        defining = doc.text[max(0, t.start - 1):t.start] == "("  # "(THX)" defines, does not mention
        if len(acr) >= 3 and acr.isupper() and acr.isalpha() and acr in seen and not defining \
                and not any(o.start < t.end and t.start < o.end for o in found):
            org = seen[acr]
            out.append(Span(t.start, t.end, "org", "parties.acronym", Org(t.text, org.canonical, org.kind, "parties.acronym", 0.7), 0.7))
    return out


_ACRONYM = regex.compile(r"\((\p{Lu}{2,8})\)")


def _initial(word: str) -> str:
    return fold(word[:1]).upper().replace("Đ", "D")


def _acronym_names(doc: Document, sent: Span, found: list[Span]) -> list[Span]:
    """ "Tân Hoa xã (THX)": the words before a parenthesised acronym whose initials spell it
    name an organisation, whatever their heads. Only where no other rule found one."""
    out = []
    for m in _ACRONYM.finditer(doc.text, sent.start, sent.end):
        acr = m.group(1).replace("Đ", "D")
        words = list(regex.finditer(r"[\p{L}\d&-]+", doc.text[max(sent.start, m.start() - 120):m.start()]))
        if len(words) < len(acr):
            continue
        span = words[-len(acr):]
        if "".join(_initial(w.group(0)) for w in span) != acr or not span[0].group(0)[:1].isupper():
            continue
        base = max(sent.start, m.start() - 120)
        s, e = base + span[0].start(), base + span[-1].end()
        if any(o.start < e and s < o.end for o in found):
            continue
        out.append(_make(doc, s, e, "organisation", "parties.acronym", 0.7))
    return out
