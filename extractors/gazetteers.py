"""Place gazetteers: countries, blocs, capitals and provinces, loaded once per process.

Sources, each kept in one place:
- countries and territories: CLDR's Vietnamese territory names (`babel.Locale("vi").territories`,
  two-letter codes); a country's `canonical` is its CLDR name ("Mỹ" → "Hoa Kỳ");
- Vietnam's provinces after the 2025 merger: the `vietnam-provinces` package;
- what those lack, as data in `lexicons/gazetteers.yaml`: the press's variants of a territory
  name (mapped to its CLDR code), blocs, capitals (metonymy), the provinces merged away in
  2025, written variants ("TP.HCM") and foreign provinces.

Names are compared by `key()`: folded like `Document.folded` (pipeline.textnorm.fold), with a
hyphen and a space between syllables the same separator ("Ả-rập Xê-út" = "Ả Rập Xê Út").
`pattern()` is one compiled trie of every name for scanning folded text. This module imports
nothing from pipeline.segment or extractors.parties, so both can use it.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import regex

from extractors.lexicons import load
from pipeline.textnorm import fold

# CLDR territory codes that name no country or bloc a party could be
_NOT_TERRITORIES = {"EZ", "QO", "XA", "XB", "ZZ"}
_BLOC_CODES = {"EU", "UN"}


@dataclass(frozen=True)
class Place:
    name: str  # as listed by its source
    canonical: str  # a country's CLDR name; else the name
    kind: str  # country | bloc | capital | province
    code: str | None = None  # CLDR territory code


_SEP = regex.compile(r"[\s\-‐–]+")


@lru_cache(maxsize=65536)
def key(text: str) -> str:
    """Comparison key of a place name: folded, hyphens and runs of spaces as one space."""
    return _SEP.sub(" ", fold(text)).strip()


@cache
def cldr_names() -> dict[str, str]:
    """CLDR code → Vietnamese territory name (two-letter codes only)."""
    import babel

    terr = babel.Locale("vi").territories
    return {c: str(n) for c, n in terr.items() if len(c) == 2 and c.isalpha() and c not in _NOT_TERRITORIES}


def _entries(section: str):
    for e in load("gazetteers")[section]:
        for n in e["names"]:
            yield e, n


@cache
def countries() -> dict[str, Place]:
    """key → country or bloc (CLDR names, the press's variants, blocs)."""
    cldr = cldr_names()
    out: dict[str, Place] = {}
    for code, name in cldr.items():
        out[key(name)] = Place(name, name, "bloc" if code in _BLOC_CODES else "country", code)
    for e, n in _entries("countries"):
        out.setdefault(key(n), Place(n, cldr[e["code"]], "country", e["code"]))
    for e, n in _entries("blocs"):
        code = e.get("code")
        out.setdefault(key(n), Place(n, cldr[code] if code else n, "bloc", code))
    return out


@cache
def capitals() -> dict[str, Place]:
    """key → capital; its `canonical` is the CLDR name of its country."""
    cldr = cldr_names()
    return {key(n): Place(n, cldr[e["code"]], "capital", e["code"]) for e, n in _entries("capitals")}


@cache
def provinces() -> dict[str, Place]:
    """key → Vietnamese province or centrally-run city (2025 names from vietnam-provinces,
    former names and variants from data), and the foreign provinces kept as data."""
    from vietnam_provinces import Province

    out: dict[str, Place] = {}
    for p in Province.iter_all():
        name = regex.sub(r"^(Thành phố|Tỉnh)\s+", "", p.name)
        out[key(name)] = Place(name, name, "province")
    for _e, n in _entries("provinces"):
        out.setdefault(key(n), Place(n, n, "province"))
    return out


@cache
def state_forms() -> frozenset[str]:
    """Keys of the words of a state's formal name ("Cộng hòa", "CHXHCN", "Vương quốc")."""
    return frozenset(key(w) for e in load("gazetteers")["state_forms"] for w in e["words"])


def lookup(text: str) -> Place | None:
    """The place a whole name denotes: country or bloc, else capital, else province."""
    k = key(text)
    return countries().get(k) or capitals().get(k) or provinces().get(k)


def is_place_name(text: str) -> bool:
    k = key(text)
    return k in countries() or k in capitals() or k in provinces()


def _trie_regex(keys) -> str:
    """One alternation shaped as a trie (no two branches share a first character), so a
    match costs one pass over the characters whatever the number of names."""
    trie: dict = {}
    for k in keys:
        node = trie
        for ch in k:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = []
        for ch in sorted(c for c in node if c):
            piece = r"(?:\s?[-‐–]\s?|\s)" if ch == " " else regex.escape(ch)
            alts.append(piece + build(node[ch]))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


@cache
def pattern() -> regex.Pattern[str]:
    """Every country, bloc, capital and province name, on folded text, whole words."""
    keys = set(countries()) | set(capitals()) | set(provinces())
    return regex.compile(r"(?<![\p{L}\p{N}])" + _trie_regex(keys) + r"(?![\p{L}\p{N}])")


@cache
def province_pattern() -> regex.Pattern[str]:
    """The province names alone, on folded text, whole words."""
    return regex.compile(r"(?<![\p{L}\p{N}])" + _trie_regex(provinces()) + r"(?![\p{L}\p{N}])")
