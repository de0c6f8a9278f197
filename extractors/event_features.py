"""Features of a signing-mention candidate, for the trained mention model.

What the rules know becomes evidence here (STYLE §7): the trigger, the document word near it
and its type, a ceremony noun, negation, the aspect/time cues, passive voice, witness and
speech cues, "giữa"/"với"/"và" around the trigger, capitalised words (names) on each side,
the words in a window around the trigger, the sentence's place in the article and years
printed before the trigger against the article's year. All computed on the folded text,
without word segmentation, so the decision is cheap and runs before any NER.
"""
from __future__ import annotations

from functools import lru_cache

import regex

from extractors import gazetteers
from extractors.features import WORD as _WORD
from extractors.features import add_words, bucket
from extractors.lexicons import load
from pipeline.textnorm import fold, whole_word

_CAP = regex.compile(r"(?<![\p{L}\d])(?:\p{Lu}[\p{L}\d&.-]*|[A-Z0-9]{2,})")
_MONEY = regex.compile(r"(?<!\p{L})(?:tỷ|triệu|nghìn)\s+(?:usd|đồng|euro|bảng|yên|nhân dân tệ)|\$\s*\d")
_AND = regex.compile(r"(?<!\p{L})(?:và|cùng|với)(?!\p{L})")
_WITH = regex.compile(r"(?<!\p{L})(?:với|và)\s")

WINDOW = 6
REACH = 300


@lru_cache(maxsize=1)
def _cue_words() -> list[tuple[str, regex.Pattern[str]]]:
    """The feature cue words of the events lexicon, each with its whole-word pattern."""
    return [(w, whole_word(fold(w))) for w in load("events")["feature_cues"]]


@lru_cache(maxsize=1)
def _name_cues() -> dict[str, regex.Pattern[str]]:
    """Organisation heads and titles of office (folded, from the lexicons); countries, blocs,
    capitals and provinces (the gazetteers)."""
    def alt(words):
        ws = sorted({fold(w) for w in words}, key=len, reverse=True)
        return regex.compile(r"(?<!\p{L})(?:" + "|".join(regex.escape(w) for w in ws) + r")(?!\p{L})")
    return {"org": alt(h["head"] for h in load("organisations")["heads"]),
            "title": alt(load("people")["titles"]),
            "place": gazetteers.pattern()}


def _capitalised_hits(pat: regex.Pattern[str], text: str, folded: str, lo: int, hi: int) -> list[int]:
    return [m.start() for m in pat.finditer(folded, lo, hi) if text[m.start()].isupper()]


def mention_features(text: str, folded: str, sent: tuple[int, int], trig: tuple[int, int],
                     info: dict) -> dict[str, float]:
    """`info`: the rule evidence the suggester gathered (tid, doc_type, doc_span, ceremony,
    negated, cue, anaphoric, personal, passive, witness, speech, sentence_index, listed,
    lead_colon, pub_year)."""
    # every feature reads at most REACH characters on either side of the trigger, so the cost
    # of a candidate does not grow with its sentence (a run-on line holds thousands)
    s, e = max(sent[0], trig[0] - REACH), min(sent[1], trig[1] + REACH)
    f: dict[str, float] = {"bias": 1.0, f"tid={info['tid']}": 1.0}
    dt = info.get("doc_type")
    f[f"doc={dt}"] = 1.0
    ds = info.get("doc_span")
    if ds:
        side = "after" if ds[0] >= trig[1] else "before"
        gap = ds[0] - trig[1] if side == "after" else trig[0] - ds[1]
        f[f"docpos={side}"] = 1.0
        f[f"docgap={bucket(max(gap, 0), (1, 12, 40, 80))}"] = 1.0
        f[f"docword={folded[ds[0]:ds[1]]}"] = 1.0
    for key in ("ceremony", "negated", "anaphoric", "personal", "passive", "witness", "speech", "listed",
                "lead_colon", "summary", "historical", "in_sentence_list"):
        if info.get(key):
            f[key] = 1.0
    f[f"cue={info.get('cue', 'signed')}"] = 1.0
    if info.get("negated") and info.get("cue"):
        f[f"negated&cue={info['cue']}"] = 1.0
    # words around the trigger, by side and position
    left = _WORD.findall(folded, max(s, trig[0] - 120), trig[0])[-WINDOW:]
    right = _WORD.findall(folded, trig[1], min(e, trig[1] + 120))[:WINDOW]
    for i, w in enumerate(reversed(left)):
        f[f"L:{w}"] = 1.0
        if i < 2:
            f[f"L{i + 1}:{w}"] = 1.0
    for i, w in enumerate(right):
        f[f"R:{w}"] = 1.0
        if i < 2:
            f[f"R{i + 1}:{w}"] = 1.0
    # the words of the sentence within reach: what it is about (a transfer, a trial, a ceremony)
    add_words(f, folded, s, e, "S:", 0.5)
    if len(left) >= 2:
        f[f"LB:{left[-2]}_{left[-1]}"] = 1.0
    if len(right) >= 2:
        f[f"RB:{right[0]}_{right[1]}"] = 1.0
    # names on either side (capitalised words; a sentence-initial word does not count)
    caps_l = [m for m in _CAP.finditer(text, s, trig[0]) if m.start() > s]
    caps_r = list(_CAP.finditer(text, trig[1], e))
    f[f"capsL={bucket(len(caps_l))}"] = 1.0
    f[f"capsR={bucket(len(caps_r))}"] = 1.0
    clause = info.get("clause", sent)
    clause = (max(clause[0], s), min(clause[1], e))
    for kind, pat in _name_cues().items():
        left_hits = _capitalised_hits(pat, text, folded, clause[0], trig[0])
        right_hits = _capitalised_hits(pat, text, folded, trig[1], clause[1])
        f[f"{kind}L={bucket(len(left_hits), (0, 1, 2))}"] = 1.0
        f[f"{kind}R={bucket(len(right_hits), (0, 1, 2))}"] = 1.0
        # "A và B ký …", "A ký … với B": two names joined around the trigger
        if len(left_hits) >= 2 and _AND.search(folded[left_hits[0]:left_hits[-1]]):
            f[f"{kind}_and_{kind}_before"] = 1.0
        if left_hits and right_hits and _WITH.search(folded[trig[1]:right_hits[0]]):
            f[f"{kind}_before_with_{kind}_after"] = 1.0
    before, after = folded[s:trig[0]], folded[trig[1]:e]
    for w, pat in _cue_words():
        if pat.search(before):
            f[f"before:{w}"] = 1.0
        if pat.search(after):
            f[f"after:{w}"] = 1.0
    if _MONEY.search(folded, s, e):
        f["money"] = 1.0
    if '"' in text[trig[1]:e] or "“" in text[trig[1]:e]:
        f["quote_after"] = 1.0
    if info.get("personal_words"):
        f[f"article_personal={bucket(info['personal_words'], (1, 3, 6))}"] = 1.0
    idx = info.get("sentence_index", 99)
    f[f"sent={bucket(idx, (0, 1, 3, 8))}"] = 1.0
    # a signing the headline tells of is the article's news; one told only further down, in an
    # article whose headline is about something else, is more often background
    f[f"title_sign={bool(info.get('title_sign'))}:sent={bucket(idx, (0, 1, 3, 8))}"] = 1.0
    if info.get("title_doc"):
        f["title_doc"] = 1.0
    rank = bucket(info.get("rank", 9), (0, 1, 3))
    f[f"rank={rank}"] = 1.0
    f[f"rank={rank}:title_sign={bool(info.get('title_sign'))}"] = 1.0
    n_words = len(_WORD.findall(folded, s, e))
    f[f"len={bucket(n_words, (6, 12, 25, 50))}"] = 1.0
    # the date nearest the trigger against the article's news day: a signing dated that day is
    # its news, one dated months before is background
    if "when" in info:
        f[f"when={info['when']}"] = 1.0
    pub = info.get("pub_year")
    years = [y for at, y in info.get("years", ()) if s <= at < e]
    if years and pub:
        if max(years) < pub:
            f["year<pub"] = 1.0
        elif pub in years:
            f["year=pub"] = 1.0
        else:
            f["year>pub"] = 1.0
        if min(years) < pub:
            f["some_year<pub"] = 1.0
    elif years:
        f["year"] = 1.0
    return f
