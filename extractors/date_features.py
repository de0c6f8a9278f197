"""Features of a date candidate for a signing, for the trained date model.

Every date the article prints is a candidate for the signing's date; what the rules knew
(nearest the trigger, a setting sentence referred back to, a date heading a reporting verb)
becomes evidence beside the date's place in the article (the dateline of the lead, the
sentences before and after the signing), its form (day, year, part of day, relative) and
the words around it.
"""
from __future__ import annotations

import regex

from extractors import dates as dates_x
from extractors.dates import DateMention
from extractors.features import WORD as _WORD
from extractors.features import add_words


def _rel(k: int) -> str:
    if k == 0:
        return "0"
    if k < 0:
        return "-1" if k == -1 else ("-2..3" if k >= -3 else "<-3")
    return "+1" if k == 1 else ("+2..3" if k <= 3 else ">3")


_RECENT = regex.compile(r"(?<!\p{L})(?:vừa|mới đây|mới|gần đây|trước đó|hôm qua)(?!\p{L})")
_SIGNING = regex.compile(r"(?<!\p{L})(?:ký|kí)(?!\p{L})")


def date_features(folded: str, d: DateMention, d_sent: int, sent_start: int, sent_end: int, anchor_sent: int,
                  anchor_start: int, trig: int, setting: bool, first_date: bool, n_dates: int) -> dict[str, float]:
    """`d_sent`/`anchor_sent`: sentence indexes of the date and of the signing's first
    mention (`anchor_start`: where that sentence starts); `trig`: the trigger's offset;
    `setting`: the date's sentence is one the signing refers back to; `sent_start`/`sent_end`:
    the date's sentence. Conjunctions say how far a date lies from a signing told as recent
    ("vừa ký") and whether the date's own sentence tells of a signing."""
    k = d_sent - anchor_sent
    rel = _rel(k)
    f = {"bias": 1.0, f"rel={rel}": 1.0}
    if _RECENT.search(folded, anchor_start, trig):
        f[f"recent:rel={rel}"] = 1.0
    if k != 0:
        f[f"signs:{bool(_SIGNING.search(folded, sent_start, sent_end))}:rel={rel}"] = 1.0
    if d_sent <= 1:
        f[f"lead{d_sent}:rel={rel}"] = 1.0
    if k == 0:
        side = "before" if d.end <= trig else "after"
        gap = abs(trig - d.end) if side == "before" else abs(d.start - trig)
        f[f"same:{side}"] = 1.0
        f[f"same:gap={'near' if gap < 40 else ('mid' if gap < 120 else 'far')}"] = 1.0
    if setting:
        f["setting"] = 1.0
    if d_sent <= 1:
        f[f"lead{d_sent}"] = 1.0
    if first_date:
        f["first_date"] = 1.0
    f[f"n_dates={min(n_dates, 6)}"] = 1.0
    f["has_day" if d.day else "no_day"] = 1.0
    if d.year:
        f["has_year"] = 1.0
    if d.part_of_day:
        f["pod"] = 1.0
    if d.relative is not None:
        f["relative"] = 1.0
    if k != 0 and dates_x.dates_a_report(folded, d.end, sent_end):
        f["report"] = 1.0
    left = _WORD.findall(folded, max(0, d.start - 40), d.start)[-2:]
    right = _WORD.findall(folded, d.end, min(len(folded), d.end + 30))[:2]
    for i, w in enumerate(reversed(left)):
        f[f"L{i + 1}:{w}"] = 1.0
    for i, w in enumerate(right):
        f[f"R{i + 1}:{w}"] = 1.0
    # the words of its sentence around it: what the date dates (talks, a report, a signing)
    add_words(f, folded, max(sent_start, d.start - 150), min(sent_end, d.end + 150), "S:", 0.3)
    return f


def no_date_features(folded: str, anchor_sent: int, anchor_start: int, trig: int,
                     candidates: list[dict[str, float]]) -> dict[str, float]:
    """Features of the candidate "no date at all" for a signing: the model scores it beside
    the article's dates, and it wins when the signing is told as recent, as reported speech
    or as an aside far from any date ("Ông cho biết NASDAQ vừa ký …")."""
    f = {"none": 1.0, f"none:sent={_rel(min(anchor_sent, 4))}": 1.0,
         f"none:n={min(len(candidates), 6)}": 1.0}
    if _RECENT.search(folded, anchor_start, trig):
        f["none:recent"] = 1.0
    if not any("same:before" in c or "same:after" in c for c in candidates):
        f["none:no_date_in_sentence"] = 1.0
    if not any("setting" in c for c in candidates):
        f["none:no_date_in_setting"] = 1.0
    if dates_x.reports(folded, anchor_start, trig):  # "GE cho biết đã ký …": told, not dated
        f["none:speech"] = 1.0
    if any(k.startswith("lead0") for c in candidates for k in c):
        f["none:dateline"] = 1.0
    return f
