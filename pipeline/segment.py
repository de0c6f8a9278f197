"""Segment stage: sentences and words, aligned to `Document.text` offsets.

Sentences come from underthesea's `sent_tokenize` run per line (a line break always ends a
sentence). Words and POS tags come from underthesea's `pos_tag` (word segmentation + POS;
its `ner`, which adds chunking and CRF NER tags, only when the optional `parties.ner`
component is enabled), run lazily, once per sentence an extractor asks for, shared by every
extractor, and re-aligned to `text` with a cursor. A failed alignment raises `AlignmentError`.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import regex

from pipeline import config
from pipeline.document import Document, Span


class AlignmentError(RuntimeError):
    pass


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    pos: str
    ner: str  # BIO tag from underthesea (B-PER, I-ORG, O, ...)


_LINE = regex.compile(r"[^\n]+")
_NONSPACE = regex.compile(r"\S+")


@lru_cache(maxsize=1)
def _sent_tokenize():
    from underthesea import sent_tokenize

    return sent_tokenize


@lru_cache(maxsize=1)
def _ner():
    from underthesea import ner

    return ner


@lru_cache(maxsize=1)
def _pos_tag():
    """underthesea's `pos_tag`, with its features computed by underthesea_core's compiled
    `CRFFeaturizer` instead of the pure-Python template code (which rebuilds the sentence's
    columns for every feature of every word: quadratic, ~18 ms a sentence). The model, the
    template and the tags are underthesea's own; only `istitle` is recomputed with
    underthesea's Python function, whose answer differs from the compiled one on tokens that
    open with a digit or a mark. Falls back to `pos_tag` itself when those internals are not
    there (another underthesea release)."""
    from underthesea import pos_tag, word_tokenize

    try:
        from underthesea.pipeline.pos_tag.model_crf import CRFPOSTagPredictor
        from underthesea.pipeline.pos_tag.tagged_feature import text_istitle
        from underthesea_core import CRFFeaturizer

        predictor = CRFPOSTagPredictor.Instance()
        template = list(predictor.transformer.template)
        featurizer = CRFFeaturizer(template, set())
        titles = [(k, int(t[2:t.index("]")])) for k, t in enumerate(template)
                  if t.endswith(".istitle")]
    except (ImportError, AttributeError, ValueError, TypeError):
        return pos_tag

    def tag(text: str) -> list[tuple[str, str]]:
        words = word_tokenize(text)
        if not words:
            return []
        rows = featurizer.process([[[w, "X"] for w in words]])[0]
        n = len(words)
        for i, row in enumerate(rows):
            for k, offset in titles:
                if 0 <= i + offset < n:
                    row[k] = f"{template[k]}={text_istitle(words[i + offset])}"
        return list(zip(words, predictor.model.tag(rows), strict=True))

    return tag


def _tag(text: str) -> list[tuple]:
    """(word, POS, chunk, NER) rows for one sentence: underthesea's `ner` (word segmentation,
    POS, chunking and CRF NER) when the NER component is on, else `pos_tag` alone (word
    segmentation and POS, a third of the cost) with empty chunk and NER tags."""
    if "parties.ner" not in config.DISABLED:
        return _ner()(text)
    return [(w, p, "O", "O") for w, p in _pos_tag()(text)]


def align(text: str, pieces: list[str], offset: int = 0) -> list[tuple[int, int]]:
    """Character ranges of `pieces` in `text`, in order; whitespace between them is skipped."""
    spans = []
    cursor = 0
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        idx = text.find(piece, cursor)
        if idx < 0 or text[cursor:idx].strip():
            # tokenizers may normalise inner spacing; try a whitespace-insensitive search
            pat = regex.compile(r"\s*".join(regex.escape(c) for c in piece if not c.isspace()))
            m = pat.search(text, cursor)
            if m and not text[cursor:m.start()].strip():
                idx, end = m.start(), m.end()
            else:
                # the tokenizer also normalises spelling ("truờng" → "trường"): match the
                # letters without their marks, over the same number of characters
                idx = _skeleton_find(text, piece, cursor)
                if idx is None:
                    raise AlignmentError(f"cannot align {piece[:40]!r} at offset {offset + cursor}")
                end = idx + len(piece)
        else:
            end = idx + len(piece)
        spans.append((offset + idx, offset + end))
        cursor = end
    return spans


def _skeleton(s: str) -> str:
    """Each character's base letter, lower case, i/y merged (same length): "Trường" → "truong",
    "qui" and "quy" alike (the tokenizer rewrites old spellings)."""
    out = []
    for c in s:
        base = unicodedata.normalize("NFD", c)[0].lower()
        out.append({"đ": "d", "ð": "d", "y": "i"}.get(base, base))
    return "".join(out)


def _skeleton_find(text: str, piece: str, cursor: int) -> int | None:
    """Start of `piece` in `text` after `cursor` (only whitespace skipped), comparing base letters."""
    idx = cursor
    while idx < len(text) and text[idx].isspace():
        idx += 1
    if _skeleton(text[idx:idx + len(piece)]) == _skeleton(piece):
        return idx
    return None


_ACRONYM = regex.compile(r"^[\p{Lu}\d][\p{Lu}\d&.-]*\p{Lu}$")


@lru_cache(maxsize=1)
def _heads() -> frozenset[str]:
    from extractors.lexicons import load
    from pipeline.textnorm import fold

    return frozenset(fold(h["head"]) for h in load("organisations")["heads"])


_FUNCTION_WORDS = {"và", "với", "của", "cùng", "tại", "ở", "đã", "sẽ", "vừa"}


def _split_function_word(tok: Token) -> list[Token]:
    """ "Hoàng Gia và": a conjunction or preposition glued after a name is its own word."""
    words = tok.text.split(" ")
    if len(words) >= 2 and words[-1] in _FUNCTION_WORDS and words[-2][:1].isupper():
        cut = tok.start + len(tok.text) - len(words[-1])
        head = tok.text[:len(tok.text) - len(words[-1])].rstrip()
        return [Token(tok.start, tok.start + len(head), head, "Np", tok.ner),
                Token(cut, tok.end, words[-1], "C" if words[-1] == "và" else "E", "O")]
    return [tok]


def _split_case(tok: Token) -> list[Token]:
    """A lower-case word glued to a capitalised organisation head ("cao Quỹ" in "Đánh giá
    cao Quỹ và …"): split there, so the head opens its own word."""
    from pipeline.textnorm import fold

    words = list(_NONSPACE.finditer(tok.text))
    for k in range(1, len(words)):
        if not (words[k - 1].group(0)[:1].islower() and words[k].group(0)[:1].isupper() and fold(words[k - 1].group(0)) != "và"):
            continue
        rest = fold(tok.text[words[k].start():])  # folded only where the case test holds
        if any(rest == h or rest.startswith(h + " ") for h in _heads()):
            a = tok.start + words[k].start()
            left = Token(tok.start, tok.start + words[k - 1].end(), tok.text[:words[k - 1].end()], tok.pos, tok.ner)
            right = Token(a, tok.end, tok.text[words[k].start():], "Np" if len(words) - k > 1 else "N", tok.ner)
            return [left, *_split_case(right)]
    return [tok]


@lru_cache(maxsize=1)
def _surnames() -> frozenset[str]:
    from extractors.lexicons import load
    from pipeline.textnorm import fold

    return frozenset(fold(x) for x in load("people")["surnames"])


def _split_place_person(tok: Token) -> list[Token]:
    """underthesea sometimes glues a place to the person name after it ("Hà Tĩnh Dương Tất
    Thắng" in "UBND tỉnh Hà Tĩnh Dương Tất Thắng"): split at a known place followed by a
    Vietnamese surname and at least one more name word."""
    if tok.pos != "Np" or tok.text.count(" ") < 2:
        return [tok]
    from extractors import gazetteers
    from pipeline.textnorm import fold

    m = gazetteers.pattern().match(fold(tok.text))  # the longest place name opening the word
    if m and tok.text[m.end():m.end() + 1] == " ":
        n = m.end()
        rest = tok.text[n + 1:].split()
        person = bool(rest) and (fold(rest[0]) in _surnames() or (tok.ner or "").endswith("PER"))  # "Đức Angela Merkel"
        if len(rest) >= 2 and person and all(w[:1].isupper() for w in rest):
            cut = tok.start + n
            return [Token(tok.start, cut, tok.text[:n], "Np", tok.ner),
                    Token(cut + 1, tok.end, tok.text[n + 1:], "Np", tok.ner)]
    return [tok]


def _split_acronyms(text: str, tok: Token) -> list[Token]:
    """underthesea sometimes glues an acronym to its neighbours ("GD&ĐT và", "GD&ĐT Kỳ Sơn")."""
    parts = [(m.start() + tok.start, m.end() + tok.start) for m in _NONSPACE.finditer(tok.text)]
    if len(parts) < 2 or not any(_ACRONYM.match(text[a:b]) for a, b in parts):
        return [tok]
    out: list[Token] = []
    group: list[tuple[int, int]] = []

    def flush():
        if group:
            a, b = group[0][0], group[-1][1]
            word = text[a:b]
            pos = "Np" if word[:1].isupper() else ("C" if word in ("và", "&") else tok.pos)
            out.append(Token(a, b, word, pos, tok.ner))
            group.clear()

    for a, b in parts:
        if _ACRONYM.match(text[a:b]):
            flush()
            out.append(Token(a, b, text[a:b], "Ny", tok.ner))
        else:
            group.append((a, b))
    flush()
    return out


def split_sentences(doc: Document) -> list[Span]:
    """Sentence spans of `doc.text`: lines first, then underthesea's sentence splitter."""
    out: list[Span] = []
    sent_tokenize = _sent_tokenize()
    for line in _LINE.finditer(doc.text):
        chunk = line.group(0)
        if not chunk.strip():
            continue
        if len(chunk) > 20 * MAX_SENTENCE and not regex.search(r"[.!?…]", chunk):
            out.extend(_bounded(doc.text, line.start(), line.end()))  # no sentence to find: skip the splitter
            continue
        pieces = sent_tokenize(chunk)
        try:
            ranges = align(chunk, pieces, line.start())
        except AlignmentError:
            ranges = [(line.start() + len(chunk) - len(chunk.lstrip()), line.end())]
        for s, e in ranges:
            out.extend(_bounded(doc.text, s, e))
    return out


MAX_SENTENCE = 1500


def _bounded(text: str, s: int, e: int) -> list[Span]:
    """A "sentence" longer than MAX_SENTENCE characters (a run-on line with no punctuation)
    is cut at spaces into pieces of at most that size, so word segmentation and NER stay
    bounded in time and memory whatever the input."""
    out = []
    while e - s > MAX_SENTENCE:
        cut = text.rfind(" ", s + MAX_SENTENCE // 2, s + MAX_SENTENCE)
        cut = cut if cut > s else s + MAX_SENTENCE
        out.append(Span(s, cut, "sentence", "segment.bounded"))
        s = cut + (text[cut:cut + 1] == " ")
    if e > s:
        out.append(Span(s, e, "sentence", "segment.underthesea"))
    return out


def analyze(doc: Document, sent: Span) -> list[Token]:
    """Words with POS and NER tags for one sentence (cached on the document)."""
    cache = doc.meta.setdefault("_tokens", {})
    key = (sent.start, sent.end)
    if key in cache:
        return cache[key]
    text = doc.text[sent.start:sent.end]
    rows = _tag(text)
    words = [r[0] for r in rows]
    try:
        ranges = align(text, words, sent.start)
    except AlignmentError:
        # the tokenizer rewrote characters beyond recognition (control or symbol noise):
        # fall back to the whitespace words of the text itself, untagged
        ranges = [(sent.start + m.start(), sent.start + m.end()) for m in _NONSPACE.finditer(text)]
        rows = [(doc.text[a:b], "X", "O", "O") for a, b in ranges]
        doc.meta.setdefault("_fallback_sentences", []).append((sent.start, sent.end))
    tokens = []
    for (s, e), r in zip(ranges, rows, strict=True):
        for t in _split_acronyms(doc.text, Token(s, e, doc.text[s:e], r[1], r[3])):
            for u in _split_case(t):
                for w in _split_function_word(u):
                    tokens.extend(_split_place_person(w))
    cache[key] = tokens
    return tokens
