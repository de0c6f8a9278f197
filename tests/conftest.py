from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RAW = ROOT / "data" / "raw"

needs_shared = pytest.mark.skipif(
    not (SHARED / "dev" / "gold").is_dir(),
    reason=f"../shared/dev is absent ({SHARED}): the dev-set tests need it (CI always has it)",
)


@pytest.fixture(scope="session")
def seed_records():
    from pipeline.ingest import read_articles
    from pipeline.runner import process_article

    return {r.article_id: r for r in (process_article(a, raise_errors=True) for a in read_articles([RAW]))}


def make_doc(text: str, published_at: str | None = None):
    """A Document ready for the extractors (cleaned text given as is)."""
    from pipeline.document import Document
    from pipeline.segment import split_sentences
    from pipeline.textnorm import fold

    doc = Document("t", text=text, published_at=published_at)
    doc.folded = fold(text)
    doc.layers["sentences"] = split_sentences(doc)
    return doc
