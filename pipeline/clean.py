"""Clean stage: strip page furniture from a text dump and pull out the article metadata.

Input: the normalised raw text. Output (on the Document): `text` (the article body, the
string every span indexes), `title`, `authors`, `site`, and `published_at` when the page
prints a publication time.

1. Every line is decided body or furniture by `pipeline.lines` (length, sentence
   punctuation, Vietnamese function-word share, digits and symbols, capitals, link/label
   look, dates, hotlines, script remnants, the seed patterns, the neighbours' classes, the
   main block).
2. The headline is the best title candidate among the lines above the body (short, no
   final period, close to the body, sharing words with its first sentences; never a site
   name, section label, date, hotline or remnant).
3. Inside the kept lines, inline furniture (a bracketed related headline, a "Bấm xem >>"
   teaser, rules) and trailing bylines/credits are cut out.

`text` never rewrites what it keeps: it is the kept pieces of the raw text, verbatim, one
kept line per line (two pieces of one line are joined by a space). Every removed span is
in `removed` (raw offsets, a reason, the text), so `kept` + `removed` account for every
non-space character of the raw text. Patterns live in `extractors/lexicons/boilerplate.yaml`.
"""
from __future__ import annotations

import dataclasses
import difflib
import itertools
from dataclasses import dataclass, field
from functools import lru_cache

import regex

from extractors.dates import parse_printed_datetime
from extractors.lexicons import load
from pipeline.lines import MD_LINK, Line, decide, stoplist

_TERMINAL = regex.compile(r"[.!?…:;]['\"”’)\]]*$")
_TITLE_END = regex.compile(r"(?<!\.\.)[.…:;,]['\"”’)\]]*$")
_SENT_END = regex.compile(r"(?<![.!?…])[.!?…]++['\"”’)\]]*+\s+")  # one try per run of marks


@dataclass(frozen=True)
class Removed:
    start: int    # offsets in the raw text
    end: int
    reason: str   # the evidence: "title", "date", "byline", "seed:bp.image_file", "outside-main-block", ...
    text: str


@dataclass
class CleanResult:
    text: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    site: str | None = None
    published_at: str | None = None
    removed: list[Removed] = field(default_factory=list)
    kept: list[list[tuple[int, int]]] = field(default_factory=list)  # per kept line, its raw pieces


def _compile(entries, key="pattern"):
    return [(e["id"], regex.compile(e[key], regex.IGNORECASE | regex.V1)) for e in entries]


@lru_cache(maxsize=1)
def _rules():
    lex = load("boilerplate")
    inline = []
    for e in lex["inline"]:
        pat = e["marker"] if e["kind"] == "teaser" else e["pattern"]
        inline.append((e["id"], e["kind"], regex.compile(pat, regex.IGNORECASE), tuple(e["needs"])))
    return {
        "lines": _compile(lex["furniture_lines"]),
        "tails": _compile(lex["tail_headings"]),
        "inline": inline,
        "credits": _compile(lex["trailing_credits"]),
        "byline": _compile(lex["byline_prefixes"]),
        "site": regex.compile(lex["site_prefix"]),
        "section": [(e["id"], regex.compile(e["pattern"]), e["max_words"]) for e in lex["section_labels"]],
    }


def _full(pats, line: str) -> str | None:
    for rule_id, pat in pats:
        if pat.fullmatch(line):
            return rule_id
    return None


# ---- author names ---------------------------------------------------------------------
_NAME_WORD = r"(?:\p{Lu}[\p{Ll}\p{Lu}]*\.?(?:\p{Lu}[\p{Ll}]*)?|\p{Lu}{1,3}(?:\.\p{Lu}{1,3})*\.?)"
_NAME = regex.compile(rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,4}}")
_AUTHOR_SEP = regex.compile(r"\s{0,8}(?:[-–—,&]|\bvà\b)\s{0,8}")
_AUTHOR_TAIL = regex.compile(
    r"(?:\s{0,3}/\s{0,3}[\p{L}.+ ]{2,20}|\s{0,3}\((?:theo|từ|tổng hợp|nguồn|ttxvn|tts)[^()]{0,80}\)|\s{0,3}\([^()]{2,20}\)"
    r"|\s{0,3}[\p{Lu}.]{2,30}\.VN){1,6}$",  # bounded: no backtracking blow-up on a huge line
    regex.IGNORECASE,
)


_GLUED_SITE = regex.compile(r"(?<=\p{Ll})(?=\p{Lu}{2,}\.VN\b)")
_THEO = regex.compile(r"^(theo)\s+", regex.IGNORECASE)
_INITIALLED = regex.compile(r"\p{Lu}{1,3}\.\p{Lu}\p{Ll}+|\p{Lu}\p{Ll}\.\p{Lu}\p{Ll}+")
_SEE_MORE = regex.compile(r"(?i)^(xem thêm|đọc thêm)\s*:\s*(.*)$")
_SLASH_SITE = regex.compile(r"/[\p{L}.+ -]{2,24}$")
_DASH_SENTENCE = regex.compile(r"(?<!\s)\s+[-–—]\s+(?=\p{Lu}\p{Ll}+\s+\p{Ll})")


_AGENCIES = frozenset({"TTXVN", "VOV", "VNA", "PV", "CTV", "TIN TỨC", "VTV", "BTV", "TTO", "VOV.VN", "NLĐO"})


def parse_authors(fragment: str) -> list[str]:
    """Names in a byline fragment ("Đ.Khanh - M.ThắngVOV.VN", "Vũ Dũng/VOV") → ["Đ.Khanh", ...]."""
    frag = fragment.strip().strip(".;:")
    # each pattern needs a literal the `in` tests look for first: ".VN" (case-sensitive),
    # and "/", ")" or "." in every alternative of the tail
    if ".VN" in frag:
        frag = _GLUED_SITE.sub(" ", frag)
    if "/" in frag or ")" in frag or "." in frag:
        frag = _AUTHOR_TAIL.sub("", frag)
    frag = frag.strip()
    frag = _THEO.sub("", frag)
    out = []
    for part in _AUTHOR_SEP.split(frag):
        part = part.strip()
        if not part or part.upper() in _AGENCIES:
            continue
        if not _NAME.fullmatch(part) or len(part) > 40:
            return []
        first, _, rest = part.partition(" ")
        if rest and _INITIALLED.fullmatch(first):
            out.extend([first, rest])  # "Tr.Hoàng Hồng Đào": an initialled name ends at its word
        else:
            out.append(part)
    return out


# ---- pieces: the kept parts of a line, as raw offsets ---------------------------------
class _Pieces:
    """The kept pieces of one raw line; cutting a span records it as removed."""

    def __init__(self, raw: str, ln: Line, removed: list[Removed]):
        self.raw, self.removed = raw, removed
        self.parts = [(ln.start, ln.end)]

    def cut(self, a: int, b: int, reason: str) -> None:
        raw = self.raw
        while a < b and raw[a].isspace():
            a += 1
        while b > a and raw[b - 1].isspace():
            b -= 1
        if a >= b:
            return
        out = []
        for s, e in self.parts:
            if e <= a or s >= b:
                out.append((s, e))
                continue
            if s < a:
                out.append((s, a))
            if b < e:
                out.append((b, e))
        self.removed.append(Removed(a, b, reason, raw[a:b]))
        self.parts = []
        for s, e in out:  # no piece starts or ends with a space; a piece of spaces only is dropped
            while s < e and raw[s].isspace():
                s += 1
            while e > s and raw[e - 1].isspace():
                e -= 1
            if s < e:
                self.parts.append((s, e))

    def text(self) -> str:
        return " ".join(self.raw[s:e] for s, e in self.parts)


# ---- inline furniture -----------------------------------------------------------------
_LATER_END = regex.compile(r"\p{L}{2}[.!…]['\"”’)]*(\s|$)")


def _remove_markdown(p: _Pieces) -> None:
    """A Markdown link keeps its text: "[" and "](url)" are cut; an image goes whole."""
    for s, e in list(p.parts):
        seg = p.raw[s:e]
        if "](" not in seg:
            continue
        for m in MD_LINK.finditer(seg):
            if m.group(1):
                p.cut(s + m.start(), s + m.end(), "markdown-image")
            else:
                p.cut(s + m.start(), s + m.start() + 1, "markdown-link")
                p.cut(s + m.start(2) + len(m.group(2)), s + m.end(), "markdown-link")


def _remove_inline(p: _Pieces) -> None:
    _remove_markdown(p)
    bounds: dict[tuple[int, int], list[tuple[int, int]]] = {}  # sentence bounds of a piece, found once
    folded: dict[tuple[int, int], str] = {}
    for rule_id, kind, pat, needs in _rules()["inline"]:
        for s, e in list(p.parts):
            f = folded.get((s, e))
            if f is None:
                f = folded[(s, e)] = p.raw[s:e].casefold()
            if not any(map(f.__contains__, needs)):
                continue
            seg = p.raw[s:e]
            if kind == "teaser":
                floor = 0
                for m in pat.finditer(seg):
                    core = seg[floor: m.start()].rstrip().rstrip(".…!? ")
                    ends = list(_SENT_END.finditer(core))
                    cut = floor + (ends[-1].end() if ends else 0)
                    p.cut(s + cut, s + m.end(), rule_id)
                    floor = m.end()
            elif kind == "pattern":
                for m in pat.finditer(seg):
                    p.cut(s + m.start(), s + m.end(), rule_id)
            else:
                if (s, e) not in bounds:
                    starts = [0] + [m.end() for m in _SENT_END.finditer(seg)]
                    bounds[(s, e)] = list(zip(starts, starts[1:] + [len(seg)], strict=False))
                # the needs are tested per sentence too, on the piece's casefold when it
                # keeps the piece's offsets (no character folds to two)
                _sentence_rule(p, s, seg, rule_id, kind, pat, bounds[(s, e)], needs, f if len(f) == len(seg) else None)


def _sentence_rule(p: _Pieces, s: int, seg: str, rule_id: str, kind: str, pat,
                   bounds: list[tuple[int, int]], needs: tuple[str, ...] = (), folded: str | None = None) -> None:
    """Rules that read sentences of a kept piece: a whole sentence that matches, a match
    at a sentence start (up to its end), or a match at a sentence start after which no
    sentence ends (a related-news heading and its headlines, to the end of the piece).
    With `folded` (the piece's casefold, offset for offset), a sentence holding none of the
    rule's `needs` is not tried."""
    for a, b in bounds:
        if folded is not None and not any(map(folded[a:b].__contains__, needs)):
            continue
        sent = seg[a:b]
        if kind == "sentence":
            if pat.search(sent):
                p.cut(s + a, s + b, rule_id)
        elif kind == "sentence_start":
            m = pat.match(sent)
            if m:
                p.cut(s + a, s + a + m.end(), rule_id)
        elif kind == "to_end":
            for m in pat.finditer(sent):
                if not _LATER_END.search(seg, a + m.end()):
                    p.cut(s + a + m.start(), s + len(seg), rule_id)
                    return
        elif kind == "headline":
            m = pat.match(sent)
            if m:
                end = _glued_headline_end(sent, m.end(), bracketed=sent.startswith("["), last=b == len(seg))
                if end is not None:
                    p.cut(s + a, s + a + end, rule_id)


_TOKEN = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}'’&./-]*")
HEADLINE_MAX_WORDS = 25


def _glued_headline_end(sent: str, start: int, bracketed: bool, last: bool) -> int | None:
    """Where a headline that follows a media marker ("Video", "Xem video", "[VIDEO]") at a
    sentence start ends, in a dump that glued it to the next sentence with no mark: before
    the first capitalised word after two spaces (the page's elements as the dump left
    them), else before the first word that opens a sentence — a capitalised common syllable
    (jusText's stoplist) after a lower-case word, before two words that are not capitalised
    ("… vô địch Thị trường tài trợ …", not "… Vệ binh Cách mạng Hồi giáo …") — or at the
    end of an all-caps headline. With no such word: a bracketed
    marker's item is the whole sentence (a related item: headline and lead), an item that
    ends the text runs to its end less its last two words when they are capitalised (the
    byline: two words in 252 of the dev set's 291 bylines, three in 8); otherwise None."""
    words = list(itertools.islice(_TOKEN.finditer(sent, start), HEADLINE_MAX_WORDS + 1))
    if len(words) < 3 or not words[0].group()[0].isupper():
        return None
    for j in range(2, len(words)):  # the page's two elements, still parted by two spaces
        if sent.count(" ", words[j - 1].end(), words[j].start()) >= 2 and not words[j].group()[0].islower():
            return words[j].start()
    caps = 0
    while caps < len(words) and words[caps].group().upper() == words[caps].group() \
            and any(c.isalpha() for c in words[caps].group()):
        caps += 1
    if caps >= 3 and caps < len(words) and words[caps].group()[0].isupper():
        return words[caps].start()  # "[VIDEO]: HLV HOÀNG ANH TUẤN NÓI VỀ … Sau một buổi sáng, …"
    stop = stoplist()
    for j in range(2, min(len(words) - 2, HEADLINE_MAX_WORDS)):
        w, prev = words[j].group(), words[j - 1].group()
        if w[0].isupper() and prev[0].islower() and w.lower() in stop and sent[words[j].start() - 1] == " " \
                and not any(words[k].group()[0].isupper() for k in (j + 1, j + 2)):
            return words[j].start()
    if bracketed:
        return len(sent)
    if last and len(words) <= HEADLINE_MAX_WORDS:
        k = len(words)
        while k > 0 and words[k - 1].group()[0].isupper() and len(words) - k < 2:
            k -= 1
        return words[k].start() if 0 < k < len(words) else None
    return None


_LAST_END = regex.compile(r"(?<![.!?…])[.!?…]++['\"”’)]*+\s+")


def _last_end(seg: str, window: int = 400):
    """The last sentence end of `seg`: looked for in its last `window` characters first (a
    match there is the last one of a scan from the start: a match starts at the first mark
    of a run, which the lookbehind sees even before the window), in the whole of it when
    none is there."""
    found = list(_LAST_END.finditer(seg, max(0, len(seg) - window)))
    if not found and len(seg) > window:
        found = list(_LAST_END.finditer(seg))
    return found[-1] if found else None


def _strip_trailer(p: _Pieces, authors: list[str]) -> None:
    """Trailing bylines and source credits after the last sentence of the last line."""
    rules = _rules()
    for _ in range(4):
        if not p.parts:
            return
        s, e = p.parts[-1]
        seg = p.raw[s:e]
        end = _last_end(seg)
        if end is not None:
            cut = end.end()
        elif len(p.parts) > 1:
            cut = 0  # the piece left after a cut teaser ("… Bấm xem >> Q.D (Tổng hợp)")
        else:
            return
        tail = seg[cut:].strip()
        if not tail or len(tail) > 160:
            return
        if len(tail) > 90:  # only a byline with its site, time and an embed's intro is that long
            by = _trailer_names(tail)
            if by is None:
                return
            authors.extend(n for n in by if n not in authors)
            p.cut(s + cut, e, "byline")
            continue
        sub = _SEE_MORE.match(tail)
        if sub:
            authors.extend(n for n in parse_authors(sub.group(2)) if n not in authors)
            p.cut(s + cut, e, "see-more")
        elif _full(rules["lines"], tail):
            p.cut(s + cut, e, "furniture")
        else:
            by = _byline(tail)
            if by is None:
                by = _trailer_names(tail)
            if by is None:
                return
            authors.extend(n for n in by if n not in authors)
            p.cut(s + cut, e, "byline")


_TRAIL_TIME = regex.compile(r"\s*\|?\s*\d{1,2}:\d{2}\s+\d{1,2}/\d{1,2}/\d{4}\s*$")
_TRAIL_MARK = regex.compile(
    r"(?i)\((?:còn nữa|còn tiếp|hết|tổng hợp)\)|\((?:ảnh|nguồn)\s*:[^()]{1,60}\)"
    r"|^(?:xem (?:video|clip|thêm|ảnh)|video|clip)(?:\s[^:]{0,100})?:|(?<!\p{L})(?:tổng hợp|thực hiện)(?!\p{L})"
    r"|^(?!(?:theo|nguồn)(?!\p{L}))[^:.!?]{3,100}:\s"  # the intro of an embedded video or gallery
)
_TRAIL_SPLIT = regex.compile(r"(?<!\s)(?:\s+[-–—|]\s+|\s*\|\s*|\s+(?=(?:theo|nguồn)\s*:?\s+\p{Lu}))", regex.IGNORECASE)
_TRAIL_CREDIT = regex.compile(r"(?i)^(?:theo|nguồn)\s*:?\s+\S.{0,40}$")


def _trailer_names(tail: str) -> list[str] | None:
    """Bylines of the end of a text whose parts are names, source credits, a site name, a
    printed time and markers ("Bình An - Thể thao Việt Nam | 21:25 09/06/2017", "Hoàng Điệp
    Theo Tuổi trẻ", "(Còn nữa) Thống Nhất", "Xem video: T.H", "Thùy Vân/VOV-Paris"): the
    names when every part is one of those and at least one part is a name, else None."""
    t = _TRAIL_TIME.sub("", tail) if ":" in tail else tail  # the pattern's clock holds a ":"
    t = _TRAIL_MARK.sub(" ", t).strip(" .:-")
    names: list[str] = []
    credit = False
    for part in _TRAIL_SPLIT.split(t):
        part = part.strip(" .:")
        if not part:
            continue
        if _TRAIL_CREDIT.match(part):
            credit = True
            continue
        got = parse_authors(_SLASH_SITE.sub("", part))
        if got and len(part.split()) <= 6:
            names += got
        elif names and len(part.split()) <= 5 and not _TERMINAL.search(part):
            continue  # the site after a name: "- Thể thao Việt Nam"
        else:
            return None
    return names if names or credit else None  # a source credit alone is cut too, with no name


def _byline(fragment: str) -> list[str] | None:
    frag = _UNMARK.sub("", fragment).strip()
    for _rule_id, pat in _rules()["byline"]:
        m = pat.match(frag)
        if m and m.end() < len(frag):
            rest = frag[m.end():].strip()
            rest = _DASH_SENTENCE.split(rest)[0]
            names = parse_authors(rest)
            if names:
                return names
    if len(frag.split()) <= 10:
        names = parse_authors(frag)
        if names:
            return names
        if _full(_rules()["credits"], frag):
            return []
    return None


_UNMARK = regex.compile(r"\*\*|__|(?<!\p{L})_(?=\S)|(?<=\S)_(?!\p{L})|\\(?=[-*_#.])")


def _is_byline_line(text: str) -> list[str] | None:
    if len(text.split(None, 15)) > 14 or _TERMINAL.search(text.rstrip(" ./)")):
        return None
    return _byline(text)


# ---- the headline -----------------------------------------------------------------------
_LEAD_END = regex.compile(r"[.!?…]['\"”’)\]]*$")
_SITE_LIKE = regex.compile(r"(?i)\.(vn|com|net|org)\b|^(báo|tạp chí|trang|cổng)\s|online$|\bnews\b")
_TITLE_SEP = regex.compile(r"(?<!\s)\s+[-–—|:]\s+")


# pure function syllables (jusText's stoplist also holds content syllables such as "năng",
# "lượng", "trung": a headline shares those with its body, so they count here)
_FUNCTION = frozenset("các của và là những với cho trong được có từ này đã sẽ khi thì mà một không về tại ở để như đến theo cũng".split())


_LETTERS = regex.compile(r"\p{L}+")


def _content(text: str) -> set[str]:
    return {w for w in set(map(str.lower, _LETTERS.findall(text))) - _FUNCTION if len(w) > 1}


def _title_candidate(ln: Line) -> bool:
    if ln.bullet:
        return False
    if ln.signal and not ln.signal.startswith("outside") and ln.signal not in ("caption", "menu"):
        return False
    if not 3 <= ln.words <= 40 or _TITLE_END.search(ln.plain):
        return False
    if _SITE_LIKE.search(ln.plain) and ln.words <= 6:
        return False
    return not (ln.plain.upper() == ln.plain and ln.words <= 8)


def _paragraph_view(lines: list[Line]) -> list[tuple[Line, list[Line]]]:
    """Lines with each hard-wrapped paragraph merged into one: (the merged line, its member
    lines). A headline wrapped over two lines is one candidate."""
    out, k = [], 0
    while k < len(lines):
        grp = [lines[k]]
        while lines[k].wrapped and k + len(grp) < len(lines) and lines[k + len(grp)].para == lines[k].para:
            grp.append(lines[k + len(grp)])
        if len(grp) == 1:
            out.append((grp[0], grp))
        else:
            plain = " ".join(m.plain for m in grp)
            out.append((dataclasses.replace(grp[0], text=plain, plain=plain, end=grp[-1].end,
                                            words=sum(m.words for m in grp), end_punct=grp[-1].end_punct), grp))
        k += len(grp)
    return out


def _choose_title(lines: list[Line], first: int) -> tuple[Line, list[Line]] | None:
    """The headline among the lines above the body (and the body's first line, when the
    body starts right at the top): the best title candidate by shared words with the first
    body lines, closeness to the body and repetition; the very first line of a short text
    is the headline of a plain article dump. Returns the (merged) headline and its lines."""
    view = _paragraph_view(lines)
    top = [(ln, grp) for ln, grp in view if first - 30 <= ln.i < first and _title_candidate(ln)]
    if not top:  # the body starts at the top: its first line may be the headline
        top = [(ln, grp) for ln, grp in view if ln.i == first and _title_candidate(ln) and ln.words <= 25]
    if not top:
        return None
    body = [(b, _content(b.plain[:600])) for b in [ln for ln, _g in view if ln.i >= first and ln.cls == "good"][:4]]
    counts: dict[str, int] = {}
    longest = 3 * max(len(ln.plain) for ln, _g in top)  # case folding at most triples a length
    for ln, _g in view:
        if len(ln.plain) <= longest:
            key = ln.plain.casefold()
            counts[key] = counts.get(key, 0) + 1
    best, best_score = None, 0.0
    for ln, grp in top:
        words = _content(ln.plain)
        body_words = set().union(set(), *(w for b, w in body if b.i != ln.i))
        overlap = len(words & body_words) / max(1, len(words))
        score = overlap * min(1.0, ln.words / 8)  # a two-word menu entry shares its words too easily
        score += 0.3 * max(0.0, 1 - (first - ln.i) / 15)
        if counts.get(ln.plain.casefold(), 0) > 1:
            score += 0.15
        if ln.i == view[0][0].i:
            score += 0.25
        if ln.words <= 4:
            score -= 0.3
        # "Headline - Site name" (the page's <title>) loses to the bare headline printed beside it
        for other, _g in top:
            if other is not ln and len(other.plain) < len(ln.plain) and ln.plain.startswith(other.plain) \
                    and _TITLE_SEP.match(ln.plain[len(other.plain):]):
                score -= 1.0
        if score > best_score:
            best, best_score = (ln, grp), score
    return best if best_score >= 0.35 else None


# ---- the stage ------------------------------------------------------------------------
def clean_text(raw: str, find_title: bool = True, known_title: str | None = None) -> CleanResult:
    """Strip furniture; pull out title (unless `find_title` is False — HTML extraction gives
    the title separately, as `known_title`: its repetition at the top is dropped), authors,
    site and a printed publication time."""
    rules = _rules()
    lines = decide(raw)
    if known_title:
        key = regex.sub(r"\s+", " ", known_title).strip().casefold()
        for ln in lines[:5]:
            if ln.plain.casefold() == key:
                ln.cls, ln.signal = "bad", "title"
    removed: list[Removed] = []
    authors: list[str] = []
    if not lines:
        return CleanResult(text="")
    good = [ln.i for ln in lines if ln.cls == "good"]
    first, last = (good[0], good[-1]) if good else (len(lines), len(lines) - 1)

    chosen = _choose_title(lines, min(first, len(lines) - 1)) if find_title else None
    title_ln, title_lines = chosen if chosen else (None, [])
    title_ids = {m.i for m in title_lines}
    title_end = title_lines[-1].i if title_lines else -1
    if title_ln is not None and title_end >= first:
        first = title_end + 1
        good = [k for k in good if k > title_end]
    elif title_ln is not None:
        # the lead between the headline and the body: sentences, whatever their length
        for ln in lines[title_end + 1: first]:
            if ln.signal in (None, "menu") and ln.words >= 5 and (_LEAD_END.search(ln.plain) or ln.words >= 15):
                ln.cls = "good"
                first = min(first, ln.i)

    # the headline printed again (a title tag, an og:title variant, a share box): furniture
    if title_ln is not None:
        key = title_ln.plain.casefold()
        for ln in lines:
            if ln.i in title_ids or ln.cls != "good" or not 0.7 * len(key) <= len(ln.plain) <= 1.3 * len(key):
                continue
            other = ln.plain.casefold()
            if other == key or difflib.SequenceMatcher(None, key, other).ratio() >= 0.85:
                ln.cls, ln.signal = "bad", "title-repeat"

    # a printed publication time: the first dateline from the headline on, else the first above the body
    published = None
    zone = [ln for ln in lines if ln.i <= last + 1 and len(ln.text) < 80 and ln.cls != "good"]
    if title_ln is not None:
        zone = [ln for ln in zone if ln.i > title_end] + [ln for ln in zone if ln.i < title_ln.i]
    for ln in zone:
        # below the headline a dateline may print its day alone ("Thứ Hai, 05/06/2023"); above
        # it such a line is as often the site's today as the article's day
        parsed = parse_printed_datetime(ln.plain, day_alone=title_ln is not None and ln.i > title_end)
        if parsed is not None:
            published, (s, _e) = parsed
            lead = ln.plain[:s].strip(" ,-|\\")
            if lead:
                authors.extend(n for n in parse_authors(lead) if n not in authors)
            break

    # a byline between the headline and the body: a short line of names ("Tri Túc", "NHẬT XUÂN")
    if title_ln is not None:
        for ln in lines[title_end + 1: first]:
            if ln.signal in (None, "label", "link") and not ln.bullet and ln.words <= 6 and not ln.text.startswith("#") \
                    and not _TERMINAL.search(ln.plain):
                authors.extend(n for n in parse_authors(ln.plain) if n not in authors)
    # bylines just below the body ("Hà Thu (tổng hợp)", "Tin và ảnh: …"), before any list
    for ln in lines[last + 1: last + 4]:
        if ln.tail or ln.text.startswith("#"):
            break
        by = _is_byline_line(ln.plain)
        if by:
            authors.extend(n for n in by if n not in authors)

    kept: list[_Pieces] = []
    for ln in lines:
        if ln.i in title_ids:
            removed.append(Removed(ln.start, ln.end, "title", ln.text))
        elif ln.cls != "good" or ln.i < first:
            removed.append(Removed(ln.start, ln.end, ln.signal or ln.cf, ln.text))
        else:
            p = _Pieces(raw, ln, removed)
            _remove_inline(p)
            if p.parts:
                kept.append(p)

    # bylines and credits that end the kept lines
    while kept:
        last_p = kept[-1]
        txt = last_p.text()
        by = _is_byline_line(txt)
        if by is not None or _full(rules["credits"], txt):
            authors.extend(n for n in (by or []) if n not in authors)
            for s, e in last_p.parts:
                removed.append(Removed(s, e, "byline" if by else "credit", raw[s:e]))
            kept.pop()
            continue
        break
    if kept:
        _strip_trailer(kept[-1], authors)

    site = None
    if kept:
        m = rules["site"].match(kept[0].text())
        if m and regex.search(r"\.(vn|com|net)|TTĐT|\p{Lu}{2,}", m.group(1)):
            site = m.group(1).strip()
    text = "\n".join(p.text() for p in kept if p.parts)
    removed.sort(key=lambda r: r.start)
    return CleanResult(text=text, title=title_ln.plain if title_ln else None, authors=authors, site=site,
                       published_at=published, removed=removed, kept=[p.parts for p in kept if p.parts])
