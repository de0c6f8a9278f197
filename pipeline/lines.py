"""Body or page furniture for every line of a text dump: the clean stage's line decision.

A text dump of a web page (a browser's "save as text", html2text, BeautifulSoup's
get_text, lynx/w3m, a crawler's text field) is a sequence of lines; the article body is a
run of them somewhere in the middle, among menus, labels, dates, hotlines, related-news
lists, footers and script remnants. Each line is decided from evidence that holds on any
site, never from one site's wording:

- length in words and characters, and whether it ends like a sentence;
- the share of Vietnamese function words (jusText's Vietnamese stoplist, syllable-based);
- digits and symbols, capitalisation (menus Capitalise Every Item, labels are ALL CAPS);
- how it looks: a link or label (short, no sentence punctuation, a list bullet, a final
  colon), a date or clock, a hotline or imprint, an HTML/script remnant, a tag list, a
  breadcrumb or a pipe menu, an image file or placeholder; the seed patterns of
  `extractors/lexicons/boilerplate.yaml` are one such signal among these;
- the classes of its neighbours.

The classes are jusText's (Pomikálek, 2011), adapted from HTML paragraphs to text lines:
a context-free class (`bad`, `short`, `neargood`, `good`) from the evidence above, then
jusText's context revision (a short or near-good line takes the class of the lines around
it), then the article's main block: the heaviest cluster of good lines (small gaps
allowed); good lines far from it (related-news teasers, footers) are furniture too.
A tail heading ("Tin liên quan", "Đọc nhiều") makes the short lines after it a list.

Everything here is a few regular expressions and counts per line: no model, no NLP call.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import regex

from extractors.dates import parse_printed_datetime
from extractors.lexicons import load

# jusText's defaults, with the stopword thresholds set for Vietnamese syllables (on the dev
# set's body lines the 10th percentile of the density is 0.31, the 5th 0.23; menus and
# labels are mostly under 0.2)
LENGTH_LOW = 70
LENGTH_HIGH = 200
STOP_LOW = 0.20
STOP_HIGH = 0.30
LINK_MAX_WORDS = 25     # a line without sentence punctuation and shorter than this reads as a link or label
MAX_GAP_LINES = 6       # bad lines allowed inside the main block (a related box, a caption, an ad slot)

_END = regex.compile(r"[.!?…:;]['\"”’»)\]*_]*$")
_DECOR = regex.compile(r"^(?:[*+•·▪►»>–-]\s+|#{1,6}\s+|\\-\s*)+|(?:\*\*|__)|(?<!\p{L})_(?=\S)|(?<=\S)_(?!\p{L})|\\(?=[-*_#.])")
# Markdown of a renderer that keeps links and images (html2text's default): an image is
# nothing the evidence reads, a link is its text ("[Thời sự](/thoi-su)" reads "Thời sự")
_URL = r"\((?:[^()\s]|\([^()\s]{0,200}\)){0,2000}(?:\s{1,5}\"[^\"\n]{0,300}\")?\)"
MD_LINK = regex.compile(  # group 1: an image (or a linked image), group 2: a link's text
    rf"(\[!\[[^\[\]\n]{{0,300}}\]{_URL}\]{_URL}|!\[[^\[\]\n]{{0,300}}\]{_URL})|\[([^\[\]\n]{{0,300}})\]{_URL}"
)
LINK_DENSITY_MAX = 0.5  # jusText's link density, for a renderer that prints links: more of a line in links is a link


def _md_links(text: str) -> tuple[str, int]:
    """The text with Markdown images out and links reduced to their text; the characters in links."""
    linked = 0

    def sub(m):
        nonlocal linked
        if m.group(1):
            return ""
        linked += len(m.group(2))
        return m.group(2)

    return MD_LINK.sub(sub, text), linked


_DECOR_LEAD = frozenset("*+•·▪►»>–-#\\")
_CLOSERS = frozenset("'\"”’»)]*_")


def _may_decorate(text: str) -> bool:
    """Whether _DECOR can match: a leading bullet, heading mark or escape, or an emphasis
    mark or backslash anywhere (most lines hold none, and the pattern scans the whole line)."""
    return bool(text) and (text[0] in _DECOR_LEAD or "*" in text or "_" in text or "\\" in text)


def _ends_sentence(text: str) -> bool:
    """_END on the line's last 64 characters (the whole line when they are all closing marks)."""
    tail = text[-64:]
    if _END.search(tail):
        return True
    return len(text) > 64 and all(c in _CLOSERS for c in tail) and bool(_END.search(text))


_WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}'’&.-]*")
# the same words by the standard library's engine (a third faster on long lines): without an
# underscore in the text, \w less "_" is \p{L}\p{N}, and \w is \w less "_" (a plain \w is the
# cheaper class to test)
_WORD_RE = re.compile(r"\w[\w'’&.-]*")
_HASHTAG = regex.compile(r"#\s*\S")
_DIGIT = regex.compile(r"\d")
_CLOCK = regex.compile(r"\d{1,2}:\d{2}")
# HTML and script remnants: a line is markup when one of these alternatives matches. They
# are searched one by one (a match of their alternation is a match of one of them): the
# regex engine scans a line for each literal-led alternative far faster than for the
# alternation (4.5x on the bench's lines that reach the search).
_MARKUP_PARTS = tuple(regex.compile("(?i)" + alt) for alt in (
    r"^\s*<", r"<\s*/?\s*[a-z][a-z0-9]*[\s>/]", r"/>", r"<!--", r"-->", r"\[if\s", r"\[endif", r"\bfunction\s*\(",
    r"\bvar\s+\w+\s*=", r"\bwindow\.", r"\bdocument\.", r"googletag", r"gtag\(", r"datalayer", r"\(noscript\)",
    r"google tag manager", r"^\s*[{}]", r"(?-i:&(?:[a-z]{2,6}|#x?[0-9a-fA-F]{2,5});)", r"\bjavascript:", r"\bvoid\(0\)",
))
_MARKUP_BRACE_END = regex.compile(r"[{}]\s*$")  # the last alternative, searched on the line's end only
# every alternative needs one of these (casefolded): plain `in` tests rule out most lines
# before any pattern runs
_MARKUP_NEEDS = ("<", ">", "[", "{", "}", "&", "=", "function", "gtag", "noscript", "void", "window", "document",
                 "datalayer", "google tag", "javascript")


def _markup(text: str) -> bool:
    folded = text.casefold()
    if not any(map(folded.__contains__, _MARKUP_NEEDS)):
        return False
    if any(pat.search(text) for pat in _MARKUP_PARTS):
        return True
    # a brace followed by spaces only to the end starts in the last 64 characters unless
    # they are all spaces (then the whole text is searched)
    tail = text[-64:]
    return _MARKUP_BRACE_END.search(tail if tail.strip() else text) is not None


_DATE = regex.compile(  # possessive runs of spaces: linear on a line of thousands of them
    r"(?i)^(?:(?:thứ\s++\p{L}+|chủ\s++nhật|cập nhật|đăng|ngày đăng|xuất bản)[\s,:|-]*+)*+(?:ngày\s*+)?\d{1,2}\s*+(?:[/.-]|tháng)\s*+\d{1,2}"
    r"(?:\s*+(?:[/.-]|năm)\s*+\d{2,4})?(?:[\s,|-]*+(?:lúc\s*+)?\d{1,2}\s*+[:h]\s*+\d{2}(?:\s*+(?:\(?gmt\s*+\+\s*+\d+\)?|am|pm))?)?\s*+[,|-]?\s*+$"
    r"|^\d{1,2}\s*+[:h]\s*+\d{2}(?:\s*+(?:am|pm))?\s*+[,|-]?\s*+$"
)
_DATETIME = regex.compile(  # a date and a clock anywhere in a short line: "07-03-2026 - 00:01 AM | Chứng khoán"
    r"(?<!\d)\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?!\d).{0,12}?(?<!\d)\d{1,2}[:h]\d{2}(?!\d)"
    r"|(?<!\d)\d{1,2}[:h]\d{2}(?!\d).{0,12}?(?<!\d)\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?!\d)"
)
_CONTACT = regex.compile(
    r"(?i)(?<!\p{L})(?:hotline|đường dây nóng|liên hệ quảng cáo|giấy phép|tổng biên tập|phó tổng biên tập|tòa soạn|toà soạn"
    r"|chịu trách nhiệm|bản quyền|cơ quan chủ quản|ghi rõ nguồn)(?!\p{L})"
)
_CONTACT_FIELD = regex.compile(r"(?i)(?<!\p{L})(?:tel|fax|e-?mail|đt|dđ|zalo|điện thoại|địa chỉ|hotline)\s*:")
_PHONE = regex.compile(r"(?<!\d)(?:\+84|0)\d{2,3}[ .]?\d{3}[ .]?\d{3,4}(?!\d)|(?<!\d)1[89]00[ .]?\d{3,4}(?!\d)")
_IMAGE = regex.compile(
    r"(?i)^(?:ảnh|hình|photo|video|clip|infographic|minh họa|minh hoạ)(?:\s*\d+)?\s*[:.]?$"
    r"|(?:\s|^)[-–]\s*ảnh\s*\d+\s*\.?$"             # an image's alt text: "Tiêu đề bài - Ảnh 2."
    r"|^\[[^\[\]\s]{1,40}\]$"                       # a text browser's image placeholder: "[screenshot]"
    r"|^[^.!?]{0,80}\.(?:jpe?g|png|gif|webp|bmp|svg)$"  # an image file name, spaces and all
)
_CREDIT_TAIL = regex.compile(r"(?i)(?:\(|[.–-]\s*|\s)(?:ảnh|nguồn ảnh|video|đồ họa|đồ hoạ|clip)\s*:\s*[^.:]{1,60}[)]?\.?$")
_SEPS = regex.compile(r"\s[|›»>/]\s|\s[|›»]|[|›»]\s")


@lru_cache(maxsize=1)
def _rules():
    lex = load("boilerplate")
    flags = regex.IGNORECASE | regex.V1
    return {
        "lines": [(e["id"], regex.compile(e["pattern"], flags)) for e in lex["furniture_lines"]],
        "tails": [(e["id"], regex.compile(e["pattern"], flags)) for e in lex["tail_headings"]],
        "ui": [(e["id"], regex.compile(e["pattern"], flags), e["max_words"]) for e in lex["ui_labels"]],
    }


@lru_cache(maxsize=1)
def stoplist() -> frozenset[str]:
    """jusText's Vietnamese stoplist (lower-case syllables)."""
    import justext

    return frozenset(w.lower() for w in justext.get_stoplist("Vietnamese"))


@dataclass
class Line:
    i: int               # index among the non-empty lines
    start: int           # offsets of the stripped line in the raw text
    end: int
    text: str            # the line as in the raw text (stripped)
    plain: str           # list bullets, markdown emphasis and escapes removed: what the evidence reads
    words: int
    stop: float          # share of stoplist syllables
    caps: float          # share of words that start with a capital
    end_punct: bool      # ends like a sentence
    bullet: bool
    signal: str | None   # the furniture evidence that fired ("seed:bp.image_file", "markup", "date", ...)
    link: float = 0.0    # share of the line's characters in Markdown links
    tail: bool = False   # a heading after which a list of other articles follows
    para: int = -1       # the first line of the paragraph (a broken sentence, a wrapped paragraph) it belongs to
    wrapped: bool = False  # that paragraph is a hard-wrapped one
    cf: str = ""         # context-free class
    cls: str = ""        # final class: "good" (body) or "bad" (furniture)


_BULLET = regex.compile(r"[*+•·▪►»>–-]\s")
_PUNCT = regex.compile(r"[,.;:!?()\"“”]")


SHARE_WORDS = 80


def split_lines(raw: str) -> list[Line]:
    out: list[Line] = []
    pos = 0
    stop = stoplist()
    for chunk in raw.split("\n"):
        start = pos
        pos += len(chunk) + 1
        s = chunk.strip()
        if not s:
            continue
        lead = len(chunk) - len(chunk.lstrip())
        a = start + lead
        unlinked, linked = _md_links(s) if "](" in s else (s, 0)
        plain = (_DECOR.sub("", unlinked) if _may_decorate(unlinked) else unlinked).strip()
        toks = (_WORD if "_" in plain else _WORD_RE).findall(plain)
        n = len(toks)
        # the shares of function words and capitalised words, read on the first SHARE_WORDS
        # words: a long line's share is settled by then, and reading every word of every
        # body line was the clean stage's largest cost
        head = toks[:SHARE_WORDS]
        k = len(head)
        out.append(Line(
            i=len(out), start=a, end=a + len(s), text=s, plain=plain, words=n,
            stop=len([t for t in head if t.lower().strip(".") in stop]) / k if k else 0.0,
            caps=len([t for t in head if t[0].isupper()]) / k if k else 0.0,
            end_punct=_ends_sentence(plain.rstrip()),
            bullet=plain != s and bool(_BULLET.match(s)),
            signal=None,
            link=linked / len(plain) if plain else 0.0,
        ))
    return out


def _signal(ln: Line) -> str | None:
    """The furniture evidence a line carries by itself, or None."""
    rules = _rules()
    p = ln.plain
    if not p:
        return "image" if "![" in ln.text else "empty"  # a Markdown image: transparent, as a photo is
    for rid, pat in rules["tails"]:
        if pat.fullmatch(p.rstrip(" :")):
            ln.tail = True
            return "tail:" + rid
    for rid, pat in rules["lines"]:
        if pat.fullmatch(p):
            return "seed:" + rid
    if _markup(p if len(p) < 4000 else p[:2000] + " " + p[-2000:]):
        return "markup"
    if ln.link > LINK_DENSITY_MAX:
        return "link"  # a menu entry, a related headline: "### [Giá vàng giảm](https://…)"
    if ln.words == 0:
        return "symbols"
    if ln.words <= 12 and (_DATE.match(p) or parse_printed_datetime(p) is not None or _DATETIME.search(p)):
        return "date"
    if ln.words < 12 and sum(c.isalpha() for c in p) < 0.5 * len(p.replace(" ", "")):
        return "symbols"  # "A- A A+", "* * * __", "1 2 3 4 5", "(0)"
    for rid, pat, max_words in rules["ui"]:
        if ln.words <= max_words and pat.match(p):
            return "ui:" + rid
    if ln.words <= 25 and (_CONTACT_FIELD.search(p) or (_CONTACT.search(p) and (_PHONE.search(p) or not ln.end_punct))):
        return "contact"
    if ln.words <= 12 and _PHONE.search(p):
        return "contact"
    if ln.words <= 30 and _IMAGE.search(p):
        return "image"
    if p.count("#") >= 2 and _HASHTAG.match(p):
        return "tags"
    if not ln.end_punct and ln.words <= 80 and len(_SEPS.findall(" " + p + " ")) >= 2:
        return "menu"  # "Trang chủ | Tòa soạn | Liên hệ", "Kinh doanh › Quốc tế"
    if ln.words <= 4 and p.endswith(":"):
        return "label"  # "Tải ứng dụng:", "Từ khóa:"
    if not ln.end_punct and ln.words <= 10 and p.upper() == p and sum(c.isalpha() for c in p) >= 4:
        return "label"  # "BÁO ĐIỆN TỬ CHÍNH PHỦ", "TIN LIÊN QUAN"
    if not ln.bullet and not _PUNCT.search(p) and (
            (ln.words >= 12 and ln.caps >= 0.6 and ln.stop < STOP_LOW)
            or (ln.words >= 20 and ln.caps >= 0.4 and _max_lower_run(p) <= 2)):
        return "menu"  # "Thời sự Kinh doanh Thế giới Giải trí Thể thao Đời sống Sức khỏe …" on one line
    if ln.words <= 30 and _CREDIT_TAIL.search(p[-100:]):
        return "caption"  # "… Ảnh: Reuters", "(Ảnh: TTXVN)"
    return None


def _max_lower_run(text: str) -> int:
    """The longest run of words that do not start with a capital (menus: one or two)."""
    best = run = 0
    for t in _WORD.findall(text):
        run = 0 if t[0].isupper() or t[0].isdigit() else run + 1
        best = max(best, run)
    return best


def classify_context_free(lines: list[Line]) -> None:
    for ln in lines:
        ln.signal = _signal(ln)
        chars = len(ln.plain)
        if ln.signal == "caption":
            ln.cf = "short"  # a photo caption: kept with the body around it (it often names the signers)
        elif ln.signal:
            ln.cf = "bad"
        elif not ln.end_punct and ln.words < LINK_MAX_WORDS:
            ln.cf = "short"
        elif chars < LENGTH_LOW:
            ln.cf = "short"
        elif ln.stop >= STOP_HIGH:
            ln.cf = "good" if chars > LENGTH_HIGH else "neargood"
        elif ln.stop >= STOP_LOW:
            ln.cf = "good" if chars > 4 * LENGTH_HIGH else "neargood"  # a long paragraph is never a menu
        elif ln.words >= 30 and (ln.end_punct or _DIGIT.search(ln.plain)):
            ln.cf = "neargood"  # few function words but long, with figures or an end: a line-up, a price list
        else:
            ln.cf = "bad"


# furniture that sits inside a body (a photo, its file name, its caption) and says nothing
# about the lines around it: the context revision looks through it
TRANSPARENT = ("caption", "image", "seed:bp.image_file", "seed:bp.image_placeholder")


def _neighbour(classes: list[str], i: int, step: int, ignore_neargood: bool, skip=()) -> str:
    j = i + step
    while 0 <= j < len(classes):
        if j in skip:
            j += step
            continue
        c = classes[j]
        if c in ("good", "bad"):
            return c
        if c == "neargood" and not ignore_neargood:
            return c
        j += step
    return "bad"


def revise(lines: list[Line]) -> None:
    """jusText's context revision, line by line (no HTML headings in a text dump)."""
    cls = [ln.cf for ln in lines]
    # the lines after a tail heading are a list of other articles: its short items are bad
    in_list = False
    for k, ln in enumerate(lines):
        if ln.tail:
            in_list = True
        elif in_list and cls[k] == "short":
            cls[k] = "bad"
        elif in_list and cls[k] in ("good", "neargood") and not ln.bullet:
            in_list = False
    skip = {k for k, ln in enumerate(lines) if ln.signal in TRANSPARENT}
    if "good" not in cls:
        # no line is good by itself (a short article, a one-paragraph text): the near-good
        # lines are the best there is
        cls = ["good" if c == "neargood" else c for c in cls]
    new = {}
    for k, c in enumerate(cls):
        if c != "short":
            continue
        prev, nxt = _neighbour(cls, k, -1, True, skip), _neighbour(cls, k, 1, True, skip)
        ln = lines[k]
        if k > 0 and cls[k - 1] in ("good", "neargood") and (ln.signal in (None, "caption")) and ln.words >= 3 \
                and _SENT_STOP.search(ln.plain):
            new[k] = "good"  # a short sentence right after the body's text: its last line, a closing remark
        elif prev == "good" and nxt == "good":
            new[k] = "good"
        elif prev == "bad" and nxt == "bad":
            new[k] = "bad"
        elif (prev == "bad" and _neighbour(cls, k, -1, False, skip) == "neargood") or \
                (nxt == "bad" and _neighbour(cls, k, 1, False, skip) == "neargood"):
            new[k] = "good"
        else:
            new[k] = "bad"
    for k, c in new.items():
        cls[k] = c
    for k, c in enumerate(cls):
        if c == "neargood":
            prev, nxt = _neighbour(cls, k, -1, True, skip), _neighbour(cls, k, 1, True, skip)
            cls[k] = "bad" if (prev, nxt) == ("bad", "bad") else "good"
    # a list introduced by a sentence of the body ("Danh sách các đơn vị ký kết:", "gồm các
    # nội dung sau:") is body: the intro and its items take the class of the line above
    k = 0
    while k < len(lines):
        ln = lines[k]
        if ln.plain.endswith(":") and ln.words >= 5 and not ln.signal and k > 0:
            above = _neighbour(cls, k, -1, True, skip)
            j = k + 1
            while j < len(lines) and (lines[j].cf in ("short", "neargood") or lines[j].signal == "menu") \
                    and not lines[j].tail:
                j += 1
            if above == "good" and j > k + 1:
                for m in range(k, j):
                    cls[m] = "good"
            k = max(j, k + 1)
        else:
            k += 1
    if "good" not in cls:
        # nothing reads as body by these rules (a two-word text, a list of short lines): the
        # lines without furniture evidence are all the text there is
        cls = ["good" if not ln.signal else c for ln, c in zip(lines, cls, strict=True)]
    for ln, c in zip(lines, cls, strict=True):
        ln.cls = c


def main_block(lines: list[Line]) -> tuple[int, int] | None:
    """(first, last) index of the article's main block. Good lines form clusters (up to
    MAX_GAP_LINES furniture lines between two good ones; a tail heading always ends a
    cluster); the heaviest cluster is the body. A cluster just above it joins it (the
    lead above a related-news box), one just below only when no tail heading parts them."""
    clusters: list[list[int]] = []
    gaps: list[tuple[int, bool]] = []  # gap before each cluster after the first: (lines, tail heading inside)
    gap, tail_seen, para = 0, False, None
    for k, ln in enumerate(lines):
        if ln.cls == "good":
            if clusters and gap <= MAX_GAP_LINES and not tail_seen:
                clusters[-1].append(k)
            else:
                if clusters:
                    gaps.append((gap, tail_seen))
                clusters.append([k])
            gap, tail_seen, para = 0, False, None
        else:
            if ln.para < 0 or ln.para != para:  # a wrapped paragraph counts once
                gap += 1
            para = ln.para
            tail_seen = tail_seen or ln.tail
    if not clusters:
        return None

    def mass(c):
        return sum(len(lines[k].plain) * (0.5 + lines[k].stop) for k in c)

    best = max(range(len(clusters)), key=lambda j: mass(clusters[j]))
    a = b = best
    while a > 0 and gaps[a - 1][0] <= MAX_GAP_LINES:
        a -= 1
    while b + 1 < len(clusters) and gaps[b][0] <= MAX_GAP_LINES and not gaps[b][1]:
        b += 1
    return clusters[a][0], clusters[b][-1]


_CONT = regex.compile(r"[\p{Ll},.;:)\]”’%]")
_SENT_STOP = regex.compile(r"[.!?…]['\"”’)\]]*$")


def _fragments(lines: list[Line]) -> list[list[int]]:
    """Runs of lines that are one sentence broken by the renderer at inline links ("Chính
    phủ ban hành Nghị định số" / "357/2025/NĐ-CP" / "ngày 31/12/2025 quy định …"): a line
    that does not end a sentence, followed by one that starts in lower case or with
    punctuation (or by a short link text and then such a line)."""
    runs, k = [], 0
    while k < len(lines):
        run = [k]
        while run[-1] + 1 < len(lines) and not _SENT_STOP.search(lines[run[-1]].plain):
            j = run[-1] + 1
            if _CONT.match(lines[j].plain):
                run.append(j)
            elif j + 1 < len(lines) and lines[j].words <= 4 and not lines[j].end_punct and _CONT.match(lines[j + 1].plain) \
                    and not lines[j].tail:
                run += [j, j + 1]
            else:
                break
        runs.append(run)
        k = run[-1] + 1
    return runs


def _wrap_width(raw: str, lines: list[Line]) -> int | None:
    """The column a hard-wrapped dump (lynx, w3m, a mail or terminal copy at 72–100
    columns) breaks its paragraphs at, or None when the lines are not wrapped: many long
    lines end within a few characters of one width."""
    long = sorted(len(ln.text) for ln in lines if len(ln.text) >= 40)
    if len(long) < 8:
        return None
    width = long[int(0.95 * (len(long) - 1))]
    near = sum(1 for n in long if n >= width - 12)
    return width if width <= 160 and near >= 0.4 * len(long) else None


def _wrapped(raw: str, lines: list[Line]) -> list[list[int]]:
    """Paragraphs of a hard-wrapped dump: adjacent lines (no blank line between) where each
    but the last reaches the wrap width."""
    width = _wrap_width(raw, lines)
    if width is None:
        return []
    runs, k = [], 0
    while k < len(lines):
        run = [k]
        while run[-1] + 1 < len(lines):
            a, b = lines[run[-1]], lines[run[-1] + 1]
            if len(a.text) < width - 15 or raw.count("\n", a.end, b.start) != 1 or b.bullet \
                    or (b.signal and b.signal not in _PIECE_SIGNALS) \
                    or (b.signal == "date" and _CLOCK.search(b.plain)):  # a dateline, not a wrapped end
                break
            run.append(run[-1] + 1)
        runs.append(run)
        k = run[-1] + 1
    return runs


_PIECE_SIGNALS = ("symbols", "date", "label", "menu", "contact", "caption") + tuple("ui:" + x for x in ("bp.ui.share", "bp.ui.comment", "bp.ui.account", "bp.ui.navigation", "bp.ui.media", "bp.ui.ads"))


def _classify_fragments(lines: list[Line], raw: str = "") -> None:
    """A broken sentence or a hard-wrapped paragraph is classified as the whole it is: its
    lines take the class of the joined text (a remnant or a label among them keeps its own)."""
    runs = _wrapped(raw, lines)
    wrapped = bool(runs)
    for run in runs or _fragments(lines):
        if len(run) < 2:
            continue
        first, last = lines[run[0]], lines[run[-1]]
        plain = " ".join(lines[k].plain for k in run)
        words = sum(lines[k].words for k in run)  # the members' counts, weighted: no second pass over the text
        whole = Line(i=first.i, start=first.start, end=last.end, text=plain, plain=plain, words=words,
                     stop=sum(lines[k].stop * lines[k].words for k in run) / max(1, words),
                     caps=sum(lines[k].caps * lines[k].words for k in run) / max(1, words),
                     end_punct=last.end_punct, bullet=first.bullet, signal=None)
        classify_context_free([whole])
        for k in run:
            ln = lines[k]
            ln.para = run[0] if ln.para < 0 else ln.para
            ln.wrapped = wrapped
            if ln.signal is None or ln.signal in _PIECE_SIGNALS:  # evidence read on a piece of a sentence
                ln.signal, ln.cf = whole.signal, whole.cf


def decide(raw: str) -> list[Line]:
    """Every non-empty line of `raw` with its class: `good` (body) or `bad` (furniture)."""
    lines = split_lines(raw)
    classify_context_free(lines)
    _classify_fragments(lines, raw)
    revise(lines)
    block = main_block(lines)
    if block is not None:
        a, b = block
        # the lead (sapo) sits between the headline and the body, sometimes with a share bar,
        # a date or a related box between it and the body: the nearest sentence above joins
        seen = 0
        for ln in reversed(lines[:a]):
            members = [m for m in lines[:a] if m.para == ln.para] if ln.para >= 0 else [ln]
            if ln is members[-1]:
                seen += 1
            if seen > MAX_GAP_LINES:
                break
            if ln is members[-1] and ln.cf in ("neargood", "good") and not ln.signal and ln.end_punct \
                    and sum(m.words for m in members) >= 15:
                for m in members:
                    m.cls = "good"
                a = members[0].i
                break
        for ln in lines:
            if ln.cls == "good" and not a <= ln.i <= b:
                ln.cls = "bad"
                ln.signal = ln.signal or "outside-main-block"
    return lines
