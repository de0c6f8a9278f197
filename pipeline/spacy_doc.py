"""A spaCy `Doc` over underthesea's aligned words — no pyvi, no spaCy tokenizer.

Each underthesea word (a multi-syllable word such as "Giám đốc" stays one token) becomes a
spaCy token with: `norm_` = the folded form (lower case, one tone placement, the same
normalisation the lexicons are matched in), `tag_` = underthesea's POS tag, the NER BIO tag
as entities, and `token._.start` = its character offset in `Document.text`. Matcher and
PhraseMatcher patterns (extractors/patterns.py) run on it and map back to exact spans.
"""
from __future__ import annotations

from functools import lru_cache

from pipeline.document import Document, Span
from pipeline.segment import analyze
from pipeline.textnorm import fold


@lru_cache(maxsize=1)
def vocab():
    import spacy
    from spacy.tokens import Token as SpacyToken

    if not SpacyToken.has_extension("start"):
        SpacyToken.set_extension("start", default=-1)
    return spacy.blank("xx").vocab


def sentence_doc(doc: Document, sent: Span):
    """The spaCy Doc of one sentence (cached on the document)."""
    from spacy.tokens import Doc

    cache = doc.meta.setdefault("_spacy", {})
    key = (sent.start, sent.end)
    if key in cache:
        return cache[key]
    toks = analyze(doc, sent)
    words = [t.text for t in toks]
    spaces = [toks[i + 1].start > t.end if i + 1 < len(toks) else False for i, t in enumerate(toks)]
    ents = []
    for t in toks:
        tag = t.ner or "O"
        ents.append(tag if tag == "O" or tag[:2] in ("B-", "I-") else "O")
    # a stray I- without its B- opens the entity
    for i, tag in enumerate(ents):
        if tag.startswith("I-") and (i == 0 or ents[i - 1] == "O" or ents[i - 1][2:] != tag[2:]):
            ents[i] = "B-" + tag[2:]
    sdoc = Doc(vocab(), words=words or [""], spaces=spaces or [False], tags=[t.pos for t in toks] or [""],
               ents=ents or ["O"])
    for tok, t in zip(sdoc, toks, strict=False):
        tok.norm_ = fold(t.text)
        tok._.start = t.start
    cache[key] = sdoc
    return sdoc


def char_span(sdoc, i: int, j: int) -> tuple[int, int]:
    """`Document.text` offsets of tokens [i, j) of a sentence Doc."""
    last = sdoc[j - 1]
    return sdoc[i]._.start, last._.start + len(last.text)
