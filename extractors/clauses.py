"""Clauses: what the parties agreed to.

Two shapes (GUIDELINES): dash/bullet/numbered items after a lead-in ending in ":" — one
clause each, marker dropped; and prose commitments — sentences (split at ";") that state
what the parties will do ("Theo đó, hai bên…", "hai Sở sẽ…"), with the whole paragraph
they open when it is a paragraph of commitments.
"""
from __future__ import annotations

import regex

from pipeline.document import Document, Span

NAME = "clauses"
REQUIRES = ["sentences"]
ASSIGNS = "clauses"

_ITEM = regex.compile(r"^[ \t]*(?:[-–—•+*▪●]|\d{1,2}[.)]|[a-zđ]\))\s+(?P<body>\S.*)$", regex.MULTILINE)
_CUE = regex.compile(
    r"(?<!\p{L})(theo đó|hai bên|các bên|ba bên|hai sở|hai đơn vị|mỗi đơn vị|mỗi bên|hai ngành|hai nước|hai hãng|"
    r"hai cơ quan|cam kết|thống nhất|nội dung hợp tác|biên bản hợp tác|thỏa thuận (này )?(quy định|nêu)|"
    r"đồng thời|trong đó|hai địa phương|các sở|sẽ phối hợp|cùng nhau)(?!\p{L})",
    regex.IGNORECASE,
)
_ANTI = regex.compile(
    r"(?<!\p{L})(phát biểu|bày tỏ|đánh giá cao|cảm ơn|chứng kiến|tham dự|\(ảnh|ảnh:|trao quà|trao tặng|"
    r"cho biết|nhấn mạnh rằng|khẳng định|chia sẻ với|theo ông|theo bà|tổ chức lễ|lễ ký|ký kết|kí kết|đã ký|thay mặt)(?!\p{L})",
    regex.IGNORECASE,
)
_LEAD_IN = regex.compile(r":\s*$")


def list_items(doc: Document) -> list[tuple[Span, int]]:
    """(item span, start of its lead-in line) for item runs that follow a line ending in ':'."""
    out = []
    lines = [(m.start(), m.end()) for m in regex.finditer(r"[^\n]+", doc.text)]
    i = 0
    while i < len(lines):
        s, e = lines[i]
        if _LEAD_IN.search(doc.text[s:e]):
            j = i + 1
            while j < len(lines) and _ITEM.match(doc.text[lines[j][0]:lines[j][1]]):
                m = _ITEM.match(doc.text, lines[j][0], lines[j][1])
                bs, be = m.start("body"), m.end("body")
                body = doc.text[bs:be].rstrip()
                out.append((Span(bs, bs + len(body), "clause", "clauses.item"), s))
                j += 1
            i = j if j > i + 1 else i + 1
        else:
            i += 1
    return out


def _split_semicolons(doc: Document, s: int, e: int) -> list[Span]:
    out = []
    cursor = s
    for m in regex.finditer(r";\s*", doc.text[s:e]):
        out.append((cursor, s + m.start()))
        cursor = s + m.end()
    out.append((cursor, e))
    spans = []
    for a, b in out:
        seg = doc.text[a:b]
        a += len(seg) - len(seg.lstrip())
        b = a + len(doc.text[a:b].rstrip())
        if b - a >= 15:
            spans.append(Span(a, b, "clause", "clauses.prose"))
    return spans


def prose_commitments(doc: Document, after: int, skip: set[tuple[int, int]]) -> list[Span]:
    """Commitment sentences after offset `after` (signing sentences in `skip` are left out)."""
    sents = [s for s in doc.layer("sentences") if s.start >= after]
    out: list[Span] = []
    para_open = None
    prev_line = None
    for sent in sents:
        line_start = doc.text.rfind("\n", 0, sent.start) + 1
        text = doc.text[sent.start:sent.end]
        new_para = line_start != prev_line
        prev_line = line_start
        if regex.match(r"^\s*(?:[-–—•+*▪●]|\d{1,2}[.)])\s", doc.text[line_start:sent.end]):
            para_open = False
            continue
        if (sent.start, sent.end) in skip:
            m = regex.search(r",\s*(theo đó\b.*)$", text, regex.IGNORECASE)
            if m:
                a = sent.start + m.start(1)
                out.extend(_split_semicolons(doc, a, sent.end))
            para_open = False
            continue
        is_cue = bool(_CUE.search(text)) and not _ANTI.search(text)
        if new_para:
            para_open = is_cue and sent.start == line_start and len(regex.findall(r"[.!?]\s", doc.text[line_start:doc.text.find("\n", line_start) if "\n" in doc.text[line_start:] else len(doc.text)])) <= 8
        if is_cue or (para_open and not _ANTI.search(text)):
            out.extend(_split_semicolons(doc, sent.start, sent.end))
    return out
