"""Clauses: what the parties agreed to.

Two shapes (GUIDELINES): dash/bullet/numbered items after a lead-in ending in ":" — one
clause each, marker dropped; and prose commitments — sentences (split at ";") that state
what the parties will do ("Theo đó, hai bên…", "hai Sở sẽ…"), with the whole paragraph
they open when it is a paragraph of commitments.
"""
from __future__ import annotations

import regex

from extractors.features import bucket
from pipeline.document import Document, Span
from pipeline.textnorm import fold

NAME = "clauses"
REQUIRES = ["sentences"]
ASSIGNS = "clauses"

_ITEM = regex.compile(r"^[ \t]*(?:[-–—•+*▪●]|\d{1,2}[.)]|[a-zđ]\))\s+(?P<body>\S.*)$", regex.MULTILINE)
_SUBJECTS = (r"hai bên|các bên|ba bên|mỗi bên|hai sở|các sở|hai đơn vị|mỗi đơn vị|hai ngành|hai nước|"
             r"hai hãng|hai cơ quan|hai địa phương|hai trường|hai tỉnh")
_COMMIT = (r"sẽ|cùng|thống nhất|nhất trí|cam kết|đồng ý|phối hợp|tiếp tục|tăng cường|có trách nhiệm|hỗ trợ|"
           r"giúp|chia sẻ|trao đổi|xây dựng|triển khai|tổ chức|thực hiện|có thể|đẩy mạnh|lựa chọn|ưu tiên|xác định|"
           r"tạo điều kiện|bảo đảm|đảm bảo")
_CUE = regex.compile(
    rf"(?<!\p{{L}})(?:(?:{_SUBJECTS})(?:\s+[\p{{L}}\d&-]+){{0,6}}?\s+(?:{_COMMIT})|theo đó|cam kết|(?:đã|cùng|đều|bên|nước)\s+thống nhất|nội dung hợp tác|"
    r"biên bản hợp tác|thỏa thuận (?:này )?(?:quy định|nêu)|sẽ phối hợp|cùng nhau|"
    r"(?:thỏa thuận|ghi nhớ|biên bản|hiệp định|hợp đồng|chương trình|quy chế)(?:\s+[\p{L}\d]+){0,3}?\s+(?:này|trên)\s+(?:sẽ|bao gồm|gồm|cho phép|quy định|nêu|dành cho|tập trung)|"
    r"(?:thỏa thuận|ghi nhớ|biên bản|hiệp định|chương trình|quy chế)(?:\s+[\p{L}\d]+){0,8}?\s+nhằm|"
    r"nội dung(?:\s+\p{L}+){0,3}?\s+của (?:thỏa thuận|biên bản|hiệp định|chương trình))(?!\p{L})",
    regex.IGNORECASE,
)
_ANTI = regex.compile(
    r"(?<!\p{L})(phát biểu|bày tỏ|đánh giá cao|cảm ơn|chứng kiến|tham dự|\(ảnh|ảnh:|trao quà|trao tặng|"
    r"cho biết|nhấn mạnh rằng|khẳng định|chia sẻ với|theo ông|theo bà|tổ chức lễ|lễ ký|ký kết|kí kết|đã ký|thay mặt|"
    r"đề nghị|lưu ý|mong muốn|hoan nghênh|nhất trí với ý kiến)(?!\p{L})",
    regex.IGNORECASE,
)
_LEAD_IN = regex.compile(r":\s*$")
_ROSTER = regex.compile(r"(?<!\p{L})danh sách(?!\p{L})")
_LINE = regex.compile(r"[^\n]+")
_DASH_ITEM = regex.compile(r"^\s*[-–—•+*▪●]\s")
_ITEM_LINE = regex.compile(r"^\s*(?:[-–—•+*▪●]|\d{1,2}[.)])\s")  # a list item's line: not prose
_SEMICOLON = regex.compile(r";\s*")
_THEO_DO = regex.compile(r",\s*(theo đó\b.*)$", regex.IGNORECASE)
_SENTENCE_END = regex.compile(r"[.!?]\s")


def list_items(doc: Document) -> list[tuple[Span, int]]:
    """(item span, start of its lead-in line) for item runs that follow a line ending in ':'."""
    out = []
    lines = [(m.start(), m.end()) for m in _LINE.finditer(doc.text)]
    i = 0
    while i < len(lines):
        s, e = lines[i]
        if _LEAD_IN.search(doc.text[s:e]):
            roster = bool(_ROSTER.search(doc.folded[s:e]))  # "Danh sách các đơn vị …:" lists names
            j = i + 1
            while j < len(lines) and _ITEM.match(doc.text[lines[j][0]:lines[j][1]]):
                m = _ITEM.match(doc.text, lines[j][0], lines[j][1])
                bs, be = m.start("body"), m.end("body")
                body = doc.text[bs:be].rstrip()
                nxt = doc.text[lines[j + 1][0]:lines[j + 1][1]] if j + 1 < len(lines) else ""
                # "1. Đối với các trường THPT" over dash items is a sub-heading, not an item
                heading = m.group(0).lstrip()[:1].isdigit() and _DASH_ITEM.match(nxt)
                if not roster and not heading:
                    out.append((Span(bs, bs + len(body), "clause", "clauses.item"), s))
                j += 1
            i = j if j > i + 1 else i + 1
        else:
            i += 1
    return out


# "Ngoài ra, …", "Đồng thời, …": a sentence that adds to what came before
_ADDING = r"ngoài ra|đồng thời|bên cạnh đó"
_OPENER = regex.compile(
    rf"^\W*(?:(?:{_ADDING})\s*,?\s+)?theo\s+(?:(?:các|những|bản)\s+)?(?:đó|thỏa thuận|biên bản|ghi nhớ|hiệp định|hợp đồng|chương trình|quy chế|nội dung)"
    r"[^,.;:]{0,40},", regex.IGNORECASE)
_CONTINUES = regex.compile(rf"^\W*(?:{_ADDING}|trong đó)(?!\p{{L}})", regex.IGNORECASE)
_TERMS_AFTER = regex.compile(r"(?:nội dung|sau|như|gồm)\s*:\s+(\S.*)$", regex.IGNORECASE)
_INLINE_LEAD = regex.compile(r"(?:,\s*(?:gồm|bao gồm|cụ thể|như)(?!\p{L})[^,;:]{0,40})?:\s+(?=\S[^:]*;)")


def _split_semicolons(doc: Document, s: int, e: int) -> list[Span]:
    """One clause per ';'-part; an inline lead-in ("…, gồm các công việc sau: A; B") is
    split from its items."""
    lead = _INLINE_LEAD.search(doc.text, s, e)
    if lead:
        return _split_semicolons(doc, s, lead.start()) + _split_semicolons(doc, lead.end(), e)
    out = []
    cursor = s
    for m in _SEMICOLON.finditer(doc.text[s:e]):
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


# after a party name: up to six more words (its partners), then a commitment verb; possessive and
# anchored after a non-space, so a long run of spaces is read once (tests/test_regex_budget.py)
_PARTY_COMMIT = regex.compile(rf"(?<!\s)(?:,?\s++[\p{{L}}\d&.-]++){{0,6}}?\s++(?:{_COMMIT})(?!\p{{L}})")


def _party_commits(folded: str, s: int, e: int, names: list[str]) -> bool:
    """The sentence opens with one of the agreement's parties committing: "Vinalines và NYK
    Line sẽ cùng …", "TTXVN cam kết …"."""
    head = folded[s:min(e, s + 90)]
    for name in names:
        i = head.find(name)
        if i >= 0 and _PARTY_COMMIT.match(folded, s + i + len(name), min(e, s + i + len(name) + 80)):
            return True
    return False


def _sentences_in_line(text: str, start: int) -> int:
    """The sentence ends ('.', '!' or '?' and a space) in the line that starts at `start`."""
    nl = text.find("\n", start)
    return len(_SENTENCE_END.findall(text, start, nl if nl >= 0 else len(text)))


def prose_commitments(doc: Document, after: int, skip: set[tuple[int, int]],
                      parties: list[str] = ()) -> list[Span]:
    """Commitment sentences after offset `after` (signing sentences in `skip` are left out);
    `parties`: the agreement's party names, whose commitments count as its terms. The rules'
    choice among `prose_candidates`."""
    return [sp for sp, feats in prose_candidates(doc, after, skip, parties) if feats.get("rule")]


# a sentence told of the past, or of the future: background against terms
_PAST = regex.compile(r"(?<!\p{L})(?:đã|vừa qua|trước đó|trước đây|năm ngoái|năm qua|từ năm|thời gian qua)(?!\p{L})")
_FUTURE = regex.compile(r"(?<!\p{L})(?:sẽ|thời gian tới|sắp tới|năm tới|tiếp tục|trong tương lai)(?!\p{L})")
_QUOTE = regex.compile(r"[“”\"«»]")
_CAPTION = regex.compile(r"\((?:bên )?(?:phải|trái|giữa)\)|\(ảnh|ảnh:")
_AMOUNT = regex.compile(r"\d|(?<!\p{L})(?:tỷ|triệu|usd|đồng|phần trăm)(?!\p{L})")
_TOKENS = regex.compile(r"[\p{L}\d]+")


def _sentence_features(doc: Document, s: int, e: int, base: dict[str, float], names: list[str]) -> dict[str, float]:
    """What a sentence's words say of it, shared by its ';'-parts."""
    f = dict(base)
    folded = doc.folded[s:e]
    toks = _TOKENS.findall(folded)
    if toks:
        f["w0=" + toks[0]] = 1.0
        f["w01=" + " ".join(toks[:2])] = 1.0
    for t in set(toks):  # the sentence's words (folded syllables): what it is about
        f["bw=" + t] = 0.5
    f["len=" + bucket(len(toks), (8, 20, 40))] = 1.0
    for name, pat in (("past", _PAST), ("future", _FUTURE), ("quote", _QUOTE), ("caption", _CAPTION), ("amount", _AMOUNT)):
        if pat.search(folded):
            f[name] = 1.0
    if names and any(n in folded for n in names):
        f["party_named"] = 1.0
    return f


def _parts(doc: Document, s: int, e: int, feats: dict[str, float]) -> list[tuple[Span, dict[str, float]]]:
    return [(sp, {**feats, "part": 1.0} if i else feats) for i, sp in enumerate(_split_semicolons(doc, s, e))]


def prose_candidates(doc: Document, after: int, skip: set[tuple[int, int]],
                     parties: list[str] = (), until: int | None = None) -> list[tuple[Span, dict[str, float]]]:
    """Every sentence (or ';'-part) after offset `after` as a candidate clause, with its
    features: the rules' cues and their choice (`rule`: opener, commitment verbs, a party
    committing, a run of terms in a paragraph, remarks and speech), its distance from the
    signing, its first words, past or future tense, quotes and captions; up to the sentence
    that starts at `until` (the next signing's)."""
    names = sorted({fold(p) for p in parties if len(p) >= 3}, key=len, reverse=True)
    end = len(doc.text) if until is None else until
    sents = [s for s in doc.layer("sentences") if after <= s.start < end]
    out: list[tuple[Span, dict[str, float]]] = []
    para_open = None
    prev_line = None
    prev_clause = False
    paras = -1
    for k, sent in enumerate(sents):
        line_start = doc.text.rfind("\n", 0, sent.start) + 1
        text = doc.text[sent.start:sent.end]
        new_para = line_start != prev_line
        prev_line = line_start
        paras += new_para
        base = {"dist=" + bucket(k, (0, 1, 2, 4, 8)): 1.0, "para=" + bucket(paras, (0, 1, 2)): 1.0}
        if new_para:
            base["new_para"] = 1.0
        if _ITEM_LINE.match(doc.text[line_start:sent.end]):
            para_open = False
            continue
        opener = bool(_OPENER.match(text))  # "Theo thỏa thuận được ký kết, …" opens a run of terms
        # a signing sentence may carry the terms itself: "…, theo đó …" / "… các nội dung như: A; B"
        tail = _THEO_DO.search(text) or _TERMS_AFTER.search(text)
        anti = bool(_ANTI.search(text))
        signing = (sent.start, sent.end) in skip or anti
        if signing and not opener:
            if tail:
                ts = sent.start + tail.start(1)
                out.extend(_parts(doc, ts, sent.end, _sentence_features(doc, ts, sent.end, {**base, "tail": 1.0, "rule": 1.0}, names)))
            prev_clause = bool(tail)
            para_open = False  # a remark or another signing ends a run of terms
            continue
        cue = bool(_CUE.search(text))
        party = bool(names) and _party_commits(doc.folded, sent.start, sent.end, names)
        is_cue = opener or cue or party
        # "Đồng thời, …" / "Ngoài ra, …" right after a term adds another term
        follows = prev_clause and bool(_CONTINUES.match(text)) and not anti
        prev_clause = False
        if new_para:
            para_open = (is_cue or follows) and sent.start == line_start and _sentences_in_line(doc.text, line_start) <= 8
        if opener:
            para_open = True
        chosen = is_cue or follows or (para_open and not anti)
        flags = {"opener": opener, "cue": cue, "party": party, "follows": follows, "para_open": bool(para_open),
                 "rule": chosen}
        feats = {**base, **{name: 1.0 for name, on in flags.items() if on}}
        out.extend(_parts(doc, sent.start, sent.end, _sentence_features(doc, sent.start, sent.end, feats, names)))
        if chosen:
            prev_clause = True
        elif para_open:
            para_open = False  # a remark ends the run of terms
    return out
