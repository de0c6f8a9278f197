"""Directed support pairs between units: "A giúp đỡ B", "A hỗ trợ B"."""
from __future__ import annotations

import regex

from pipeline.document import Span

NAME = "relations"
REQUIRES = ["orgs"]
ASSIGNS = "relations"

_VERB = regex.compile(r"^\s*(giúp đỡ|giúp|hỗ trợ|đỡ đầu|kèm cặp)\s+(các\s+)?$")
# an expanded list item's span is its place name: the shared head stands in the gap
_VERB_LIST = regex.compile(r"^\s*(giúp đỡ|giúp|hỗ trợ|đỡ đầu|kèm cặp)\s+(các\s+)?(?:[\p{Lu}][\p{L}&]*\s+){1,4}$")


def pair_orgs(text: str, orgs: list[Span]) -> list[tuple[Span, Span]]:
    """(supporter, supported) pairs: org, support verb, org — nothing else between them."""
    orgs = sorted(orgs, key=lambda s: s.start)
    pairs = []
    for i, a in enumerate(orgs):
        for b in orgs[i + 1:]:
            gap = text[a.end:b.start]
            if _VERB.match(gap) or (b.value.expanded and _VERB_LIST.match(gap)):
                pairs.append((a, b))
                # a list on the right: "A giúp các Phòng X và Y"
                for c in orgs[orgs.index(b) + 1:]:
                    if regex.fullmatch(r"\s*(,|và)\s*", text[b.end:c.start]) or (c.value.expanded and regex.fullmatch(r"\s*(,|và)\s*", text[pairs[-1][1].end:c.start])):
                        pairs.append((a, c))
                        b = c
                    else:
                        break
                break
            if len(gap) > 30:
                break
    return pairs
