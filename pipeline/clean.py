"""Clean stage: strip page furniture from a text dump and pull out the article metadata.

Input: the normalised raw text. Output (on the Document): `text` (the article body, the
string every span indexes), `title`, `authors`, `site`, and `published_at` when the page
prints a publication time. What was removed is kept in the `boilerplate` layer of `meta`
for inspection. All patterns live in `extractors/lexicons/boilerplate.yaml`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import regex

from extractors.dates import parse_printed_datetime
from extractors.lexicons import load

_TERMINAL = regex.compile(r"[.!?…:;]['\"”’)\]]*$")
_TITLE_END = regex.compile(r"(?<!\.\.)[.!…:;]['\"”’)\]]*$")
_SENT_END = regex.compile(r"(?<![.!?…])[.!?…]++['\"”’)\]]*+\s+")  # one try per run of marks


@dataclass
class CleanResult:
    text: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    site: str | None = None
    published_at: str | None = None
    removed: list[str] = field(default_factory=list)


def _compile(entries, key="pattern"):
    return [(e["id"], regex.compile(e[key], regex.IGNORECASE | regex.V1)) for e in entries]


@lru_cache(maxsize=1)
def _rules():
    lex = load("boilerplate")
    inline = []
    for e in lex["inline"]:
        pat = e["marker"] if e["kind"] == "teaser" else e["pattern"]
        inline.append((e["id"], e["kind"], regex.compile(pat, regex.IGNORECASE)))
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


def _agencies() -> set[str]:
    return {"TTXVN", "VOV", "VNA", "PV", "CTV", "TIN TỨC", "VTV", "BTV", "TTO", "VOV.VN", "NLĐO"}


def parse_authors(fragment: str) -> list[str]:
    """Names in a byline fragment ("Đ.Khanh - M.ThắngVOV.VN", "Vũ Dũng/VOV") → ["Đ.Khanh", ...]."""
    frag = fragment.strip().strip(".;:")
    frag = regex.sub(r"(?<=\p{Ll})(?=\p{Lu}{2,}\.VN\b)", " ", frag)
    frag = _AUTHOR_TAIL.sub("", frag).strip()
    frag = regex.sub(r"^(theo)\s+", "", frag, flags=regex.IGNORECASE)
    out = []
    for part in _AUTHOR_SEP.split(frag):
        part = part.strip()
        if not part or part.upper() in _agencies():
            continue
        if not _NAME.fullmatch(part) or len(part) > 40:
            return []
        first, _, rest = part.partition(" ")
        if rest and regex.fullmatch(r"\p{Lu}{1,3}\.\p{Lu}\p{Ll}+|\p{Lu}\p{Ll}\.\p{Lu}\p{Ll}+", first):
            out.extend([first, rest])  # "Tr.Hoàng Hồng Đào": an initialled name ends at its word
        else:
            out.append(part)
    return out


def _looks_like_byline(line: str) -> bool:
    return bool(parse_authors(line)) and len(line.split()) <= 10 and not _TERMINAL.search(line.rstrip(" ./"))


# ---- inline furniture -----------------------------------------------------------------
def _remove_inline(line: str, removed: list[str]) -> str:
    for _rule_id, kind, pat in _rules()["inline"]:
        if kind == "teaser":
            while True:
                m = pat.search(line)
                if not m:
                    break
                before = line[: m.start()].rstrip()
                core = before.rstrip(".…!? ")
                ends = list(_SENT_END.finditer(core))
                cut = ends[-1].end() if ends else 0
                removed.append(line[cut: m.end()].strip())
                line = line[:cut].rstrip() + (" " if cut else "") + line[m.end():].lstrip()
        else:
            for m in list(pat.finditer(line)):
                removed.append(m.group(0))
            line = pat.sub(" ", line)
    return regex.sub(r"[ ]{2,}", " ", line).strip()


_LAST_END = regex.compile(r"(?<![.!?…])[.!?…]++['\"”’)]*+\s+")


def _strip_trailer(line: str, removed: list[str], authors: list[str]) -> str:
    """Trailing bylines and source credits after the last sentence of the last line."""
    rules = _rules()
    for _ in range(4):
        stripped = line.rstrip()
        ends = list(_LAST_END.finditer(stripped))
        if not ends:
            break
        cut = ends[-1].end()
        tail = stripped[cut:].strip()
        if not tail or len(tail) > 90:
            break
        sub = regex.match(r"(?i)^(xem thêm|đọc thêm)\s*:\s*(.*)$", tail)
        if sub:
            removed.append(sub.group(1) + ":")
            authors.extend(n for n in parse_authors(sub.group(2)) if n not in authors)
        elif _full(rules["lines"], tail):
            removed.append(tail)
        else:
            by = _byline(tail)
            if by is None:
                break
            removed.append(tail)
            authors.extend(n for n in by if n not in authors)
        line = stripped[:cut].rstrip()
    return line


def _byline(fragment: str) -> list[str] | None:
    frag = fragment.strip()
    for _rule_id, pat in _rules()["byline"]:
        m = pat.match(frag)
        if m and m.end() < len(frag):
            rest = frag[m.end():].strip()
            rest = regex.split(r"\s+[-–—]\s+(?=\p{Lu}\p{Ll}+\s+\p{Ll})", rest)[0]
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


# ---- the stage ------------------------------------------------------------------------
def clean_text(raw: str, find_title: bool = True) -> CleanResult:
    """Strip furniture; pull out title (first line, unless `find_title` is False — HTML
    extraction gives the title separately), authors, site and a printed publication time."""
    rules = _rules()
    removed: list[str] = []
    lines = [ln.strip() for ln in raw.split("\n")]
    kept: list[str] = []
    published = None
    authors: list[str] = []
    for line in lines:
        if not line:
            continue
        if _full(rules["tails"], line.rstrip(":")):
            removed.append(line)
            break
        if _full(rules["lines"], line):
            removed.append(line)
            continue
        if published is None and len(line) < 80:
            parsed = parse_printed_datetime(line)
            if parsed is not None:
                published, (s, e) = parsed
                lead = line[:s].strip(" ,-|")
                if lead:
                    authors.extend(parse_authors(lead))
                removed.append(line)
                continue
        line = _remove_inline(line, removed)
        if line:
            kept.append(line)

    title = None
    # section label lines above the headline
    while find_title and len(kept) > 2 and len(kept[0].split()) <= 3 and not _TERMINAL.search(kept[0]):
        removed.append(kept.pop(0))
    if find_title and len(kept) >= 2 and not _TITLE_END.search(kept[0]) and 3 <= len(kept[0].split()) <= 40:
        title = kept.pop(0)

    # bylines and credits at the end
    while kept:
        last = kept[-1]
        by = _byline(last) if len(last.split()) <= 14 and not _TERMINAL.search(last.rstrip(" ./)")) else None
        if by is not None:
            authors.extend(n for n in by if n not in authors)
            removed.append(kept.pop())
            continue
        if _full(rules["credits"], last):
            removed.append(kept.pop())
            continue
        break
    if kept:
        kept[-1] = _strip_trailer(kept[-1], removed, authors)

    site = None
    if kept:
        m = rules["site"].match(kept[0])
        if m and regex.search(r"\.(vn|com|net)|TTĐT|\p{Lu}{2,}", m.group(1)):
            site = m.group(1).strip()
    text = "\n".join(kept)
    return CleanResult(text=text, title=title, authors=authors, site=site,
                       published_at=published, removed=removed)
