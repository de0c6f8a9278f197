"""The signing location: the place phrase after "tại" in the signing sentence."""
from __future__ import annotations

from functools import lru_cache

import regex

from extractors.features import add_words
from extractors.lexicons import load
from extractors.parties import is_place_name
from pipeline.document import Document, Span
from pipeline.textnorm import fold

NAME = "places"
REQUIRES = ["sentences"]
ASSIGNS = "locations"

def _venue_tails() -> str:
    """ "(?<=Văn )phòng|…": the lower-case syllables of venue nouns, after their first syllable."""
    out = []
    for c in load("places")["venue_compounds"]:
        first, _sp, rest = c.partition(" ")
        out.append(rf"(?<=(?i:{regex.escape(first)})\s){regex.escape(rest.lower())}")
    return "|".join(out)


# a lower-case syllable inside a name ("Trường Đại học Văn Hiến", "Thủ đô Berlin"): followed,
# within two syllables, by a capitalised word, and not a word that links or governs clauses
_INNER = (r"(?!(?:với|giữa|cho|để|nhằm|về|theo|đã|sẽ|vừa|được|ký|là|có|trong|sau|trước|khi|nhưng|thì|"
          r"ngày|tháng|năm|lúc|hôm|sáng|chiều|tối|trưa|từ|đến|tới)(?!\p{L}))"
          r"\p{Ll}+(?=(?:\s\p{Ll}+)?\s[\p{Lu}\d])")
_WORD = (r"(?:[\p{Lu}\d][\p{L}\d.&'’-]*|tỉnh|thành phố|quận|huyện|thị xã|xã|phường|thủ đô|ở|của|và|Việt|-|–|"
         + _venue_tails() + "|" + _INNER + ")")
_TAI = regex.compile(rf"(?<!\p{{L}})(?:tại|ở)\s+(?P<loc>{_WORD}(?:\s+{_WORD}){{0,14}}(?:,\s+\p{{Lu}}[\p{{L}}]*(?:\s+\p{{Lu}}[\p{{L}}]*){{0,2}}(?=\s+(?:hôm|ngày|vào|sáng|chiều|tối|trưa)|[.;]|$))?)")
_CONT = regex.compile(rf"(?:\s+{_WORD}){{0,14}}")
_NEXT_LOWER = regex.compile(r"(?<![ \t])[ \t]++(\p{Ll}++)(?!\p{L})")
_LAST = regex.compile(r"(\p{L}+)$")


@lru_cache(maxsize=1)
def _words() -> frozenset[str]:
    """underthesea's Vietnamese word list (Viet74K), folded."""
    from underthesea.corpus import DictionaryLoader

    return frozenset(fold(w) for w in DictionaryLoader("Viet74K.txt").words if " " in w)


def _compounds(text: str, s: int, e: int, hi: int) -> int:
    """The end of a place phrase carried over the lower-case half of a word whose first
    syllable is capitalised ("Cung Độc lập ở thủ đô Minsk", "Phủ Chủ tịch"), and over what
    the phrase continues with after it."""
    while True:
        nxt = _NEXT_LOWER.match(text, e, hi)
        last = _LAST.search(text, s, e)
        if not nxt or not last or not last.group(1)[:1].isupper() \
                or fold(f"{last.group(1)} {nxt.group(1)}") not in _words():
            return e
        e = _CONT.match(text, nxt.end(), hi).end()


_NOT_PLACE = regex.compile(r"^(Lễ|lễ|buổi|Buổi|Hội nghị|hội nghị|Diễn đàn|cuộc|Cuộc|Kỳ họp|phiên|Phiên|đây|Đây)\b")
_TRAIL = regex.compile(r"(?:\s{1,5}(?:ở|của|và|-|–|tỉnh|thành phố|quận|huyện|thủ đô|xã|phường)){1,8}$")


def extract_location(doc: Document, lo: int, hi: int) -> Span | None:
    """The first "tại X" place phrase in text[lo:hi]."""
    return next(iter(locations(doc, lo, hi)), None)


def locations(doc: Document, lo: int, hi: int):
    """Every "tại X" place phrase in text[lo:hi], in text order."""
    titles = [p.value.title_span for p in doc.layer("people") if lo <= p.start < hi and p.value.title_span]
    for m in _TAI.finditer(doc.text, lo, hi):
        loc = m.group("loc")
        end = _compounds(doc.text, m.start("loc"), m.end("loc"), hi)
        if end > m.end("loc"):
            loc = doc.text[m.start("loc"):end]
        if _NOT_PLACE.match(loc) or any(ts <= m.start() < te for ts, te in titles):
            # "Đại sứ Trung Quốc tại Syria": the posting in a person's title, not a venue
            continue
        trimmed = _TRAIL.sub("", loc).rstrip(" ,.-–")
        if not trimmed or not trimmed[:1].isupper() and not trimmed.startswith(("tỉnh", "thành phố", "quận", "huyện", "thủ đô")):
            continue
        s = m.start("loc")
        e = s + len(trimmed)
        # "tại Tokyo, Nhật Bản, …": the country or province after a comma belongs to the place
        more = regex.match(r",\s+(\p{Lu}\p{L}*(?:\s+\p{Lu}\p{L}*){0,2})(?=[,.;]|$)", doc.text[e:hi])
        if more and is_place_name(more.group(1)):
            e += more.end()
            trimmed = doc.text[s:e]
        yield Span(s, e, "location", "places.tai", trimmed)


def extract(doc: Document) -> list[Span]:
    out = []
    for sent in doc.layer("sentences"):
        sp = extract_location(doc, sent.start, sent.end)
        if sp:
            out.append(sp)
    return out


_FWORD = regex.compile(r"\p{L}+|\d+")


def location_features(doc: Document, sp: Span, k: int, anchor_k: int, trig: int, first: bool) -> dict[str, float]:
    """Features of a place phrase in sentence `k` (an index into the document's sentences) as
    the venue of a signing whose first mention is in sentence `anchor_k` at `trig`: its place
    in the article, its form, the words around it and in its sentence."""
    f = doc.folded
    rel = k - anchor_k
    feats = {"bias": 1.0, f"rel={rel if -2 <= rel <= 2 else ('<-2' if rel < 0 else '>2')}": 1.0}
    if rel == 0:
        feats["same:" + ("before" if sp.end <= trig else "after")] = 1.0
    if k <= 1:
        feats[f"lead{k}"] = 1.0
    if first:
        feats["first_place"] = 1.0
    name = sp.value
    feats[f"words={min(len(name.split()), 6)}"] = 1.0
    if is_place_name(name):
        feats["gazetteer"] = 1.0
    head = fold(name.split()[0]) if name.split() else ""
    feats[f"head:{head}"] = 1.0
    for i, w in enumerate(reversed(_FWORD.findall(f, max(0, sp.start - 30), sp.start)[-3:])):
        feats[f"L{i + 1}:{w}"] = 1.0
    for i, w in enumerate(_FWORD.findall(f, sp.end, min(len(f), sp.end + 25))[:2]):
        feats[f"R{i + 1}:{w}"] = 1.0
    # the words of its sentence around it: what happened there (a signing, a visit, a fair)
    sent = doc.layer("sentences")[k]
    add_words(feats, f, max(sent.start, sp.start - 150), min(sent.end, sp.end + 150), "S:", 0.3)
    return feats
