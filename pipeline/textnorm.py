"""Length-preserving normalisation for matching, and name keys for comparison.

`fold(text)` lower-cases and moves the tone mark of the open syllables oa/oe/uy to one
placement ("hoà"→"hòa", "thoả"→"thỏa", "uỷ"→"ủy"). Every operation maps one code point to
one code point, so `fold(text)` has the same length as `text` and offsets are shared.
"""
from __future__ import annotations

import difflib
import unicodedata
from functools import lru_cache

import regex

# tone marks as combining characters
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _split_tone(ch: str) -> tuple[str, str]:
    d = unicodedata.normalize("NFD", ch)
    tone = "".join(c for c in d if c in _TONES)
    base = unicodedata.normalize("NFC", "".join(c for c in d if c not in _TONES))
    return base, tone


def _with_tone(base: str, tone: str) -> str:
    return unicodedata.normalize("NFC", base + tone)


def _build_moves() -> dict[str, str]:
    moves: dict[str, str] = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for tone in _TONES:
            for f, s in ((first, second), (first.upper(), second.upper()), (first.upper(), second)):
                src = f + _with_tone(s, tone)
                moves[src] = _with_tone(f, tone) + s
    return moves


_MOVES = _build_moves()


def _move_pattern() -> str:
    """The moves' sources (two characters each) as one alternative per first letter with a
    class of second letters ("o[àá…]|O[ÀÁ…]|…"): the same strings as an alternation of the
    45 literals, matched at twice the speed; the q/Q test reads back from the match's end
    (the search then starts on a literal letter)."""
    seconds: dict[str, set[str]] = {}
    for src in _MOVES:
        seconds.setdefault(src[0], set()).add(src[1])
    alts = "|".join(regex.escape(f) + "[" + "".join(sorted(seconds[f])) + "]" for f in sorted(seconds))
    return r"(" + alts + r")(?<![qQ]..)(?!\p{L})"


_MOVE_RE = regex.compile(_move_pattern())


def _lower_char(c: str) -> str:
    low = c.lower()
    return low if len(low) == 1 else c


def fold_tones(text: str) -> str:
    """Move tone marks of open oa/oe/uy syllables onto the first vowel (length-preserving)."""
    return _MOVE_RE.sub(lambda m: _MOVES[m.group(1)], text)


def fold(text: str) -> str:
    """Lower-case + tone folding; `len(fold(t)) == len(t)` for NFC input."""
    low = text.lower()
    if len(low) != len(text):  # a character whose lower case is longer ("İ"): one by one
        low = "".join(_lower_char(c) for c in text)
    return fold_tones(low)


CLEAN_CHARS = {
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u3000": " ", "\t": " ",
}
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_CLEAN_TABLE = {**ZERO_WIDTH, **{ord(k): v for k, v in CLEAN_CHARS.items()}}


_TO_CLEAN = regex.compile("[" + "".join(regex.escape(chr(c)) for c in _CLEAN_TABLE) + "]")


def normalize_unicode(text: str) -> str:
    """NFC, NBSP-like spaces to spaces, zero-width characters removed, CRLF to LF. (The
    character table is applied only to a text that holds one of its characters, and NFC only
    to a text that is not NFC already: most news text is clean, and both scans are cheap.)"""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _TO_CLEAN.search(text):
        text = text.translate(_CLEAN_TABLE)
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


@lru_cache(maxsize=256)
def whole_word(words: str) -> regex.Pattern[str]:
    """`words` as a pattern matching only whole words (no letter on either side)."""
    return regex.compile(r"(?<!\p{L})" + regex.escape(words) + r"(?!\p{L})")


# Abbreviations expanded in canonical names and in comparison keys. Loaded from the
# lexicon so that the list is kept once.
@lru_cache(maxsize=1)
def _abbreviations() -> list[tuple[str, regex.Pattern[str], str]]:
    """(form, its pattern, expansion), longest pattern first."""
    from extractors.lexicons import load

    out = []
    for entry in load("abbreviations")["entries"]:
        for form in entry["forms"]:
            out.append((form, whole_word(form), entry["expansion"]))
    out.sort(key=lambda p: -len(p[1].pattern))
    return out


_SPACES = regex.compile(r"\s+")
_PARENS = regex.compile(r"\([^()]*\)")


def expand_abbreviations(name: str) -> str:
    for form, pat, expansion in _abbreviations():
        if form in name:  # the pattern matches the form itself, case and all: no form, no match
            name = pat.sub(expansion, name)
    return _SPACES.sub(" ", name).strip()


_ADMIN_WORDS = regex.compile(r"(?<!\p{L})(tỉnh|thành phố|quận|huyện|thị xã|phường)(?!\p{L})")
_PUNCT = regex.compile(r"[\p{P}\p{S}]+")


def name_key(name: str) -> str:
    """The comparison key of an organisation or person name (GUIDELINES: party matching)."""
    s = unicodedata.normalize("NFC", name)
    s = _PARENS.sub(" ", s)  # "Phòng Giáo dục và Đào tạo (GD&ĐT) quận X"
    s = expand_abbreviations(s)
    s = fold(s)
    s = _PUNCT.sub(" ", s)
    s = _ADMIN_WORDS.sub(" ", s)
    return _SPACES.sub(" ", s).strip()


def names_match(a: str, b: str, threshold: float = 0.92) -> bool:
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return False
    return ka == kb or difflib.SequenceMatcher(None, ka, kb).ratio() >= threshold


def collapse_ws(s: str) -> str:
    return _SPACES.sub(" ", s).strip()
