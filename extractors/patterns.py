"""spaCy Matcher and PhraseMatcher patterns from the lexicon files, run on the sentence Doc
of underthesea words (pipeline/spacy_doc.py).

`lexicons/patterns.yaml` holds token patterns in spaCy's Matcher format; phrase lists from the
other lexicons (titles, speech verbs) are compiled into a PhraseMatcher on the folded NORM and
mark the first token of each match (`token._.phrase`), which the token patterns refer to.
The people extractor uses the `signer_apposition` and `passive_agent` patterns to find
signatories that the title-before-name rule cannot reach.
"""
from __future__ import annotations

from functools import lru_cache

from extractors.lexicons import load
from pipeline.document import Document, Span
from pipeline.spacy_doc import sentence_doc, vocab
from pipeline.textnorm import fold

NAME = "patterns"


@lru_cache(maxsize=1)
def _phrase_matcher():
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc, Token
    from underthesea import word_tokenize

    if not Token.has_extension("phrase"):
        Token.set_extension("phrase", default="")
    v = vocab()
    pm = PhraseMatcher(v, attr="NORM")
    for label, ref in load("patterns")["phrases"].items():
        lexicon, key = ref.split(".")
        docs = []
        for phrase in load(lexicon)[key]:
            words = word_tokenize(phrase)
            d = Doc(v, words=words)
            for tok in d:
                tok.norm_ = fold(tok.text)
            docs.append(d)
        pm.add(label, docs)
    return pm


@lru_cache(maxsize=1)
def _matcher():
    from spacy.matcher import Matcher

    _phrase_matcher()  # registers the extension the patterns use
    m = Matcher(vocab())
    for label, patterns in load("patterns").items():
        if label != "phrases":
            m.add(label, patterns, greedy="LONGEST")
    return m


def match(doc: Document, sent: Span) -> list[tuple[str, int, int]]:
    """(pattern label, start token, end token) of every match in the sentence's Doc."""
    sdoc = sentence_doc(doc, sent)
    pm = _phrase_matcher()
    for tok in sdoc:
        tok._.phrase = ""
    for mid, s, _e in pm(sdoc):
        sdoc[s]._.phrase = sdoc.vocab.strings[mid]
    return [(sdoc.vocab.strings[mid], s, e) for mid, s, e in _matcher()(sdoc)]
