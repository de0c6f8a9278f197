"""Feature helpers shared by the trained models' feature functions (events, dates, places,
clauses, party grouping): the word pattern they read text with, bag-of-words features of a
stretch of text, and count buckets."""
from __future__ import annotations

import regex

WORD = regex.compile(r"\p{L}+|\d+")  # a word of folded text: letters, or digits


def bucket(n: int, cuts=(0, 1, 2, 4)) -> str:
    """The first cut `n` does not exceed, as a feature value (">4" past the last)."""
    for c in cuts:
        if n <= c:
            return str(c)
    return f">{cuts[-1]}"


def add_words(f: dict[str, float], folded: str, s: int, e: int, prefix: str, weight: float) -> None:
    """Each word (letters or digits) of `folded[s:e]` once, as a feature `prefix + word` at
    `weight`: what a stretch of text is about, for the candidate it surrounds."""
    for w in set(WORD.findall(folded, s, e)):
        f[prefix + w] = weight
