"""The one object every stage reads and writes: a cleaned text plus span layers.

Every `Span` is a character range into `Document.text` (end exclusive). `text` is fixed once
the clean stage has run; later stages only add layers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str
    source: str = ""
    value: Any = None
    score: float = 1.0

    def text_in(self, text: str) -> str:
        return text[self.start:self.end]


@dataclass
class StageError:
    stage: str
    type: str
    message: str


@dataclass
class Document:
    article_id: str
    raw: str = ""
    text: str = ""
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: str | None = None
    source_path: str | None = None
    url: str | None = None
    site: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    layers: dict[str, list[Any]] = field(default_factory=dict)
    errors: list[StageError] = field(default_factory=list)
    # lower-cased, tone-folded copy of `text` (same length, so offsets are shared)
    folded: str = ""

    def layer(self, name: str) -> list[Any]:
        return self.layers.get(name, [])

    def span_text(self, span: Span) -> str:
        return self.text[span.start:span.end]
