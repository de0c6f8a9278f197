"""Emit stage: a record as one JSON line (the batch runner writes the files: pipeline/batch.py)."""
from __future__ import annotations

import json

from pipeline.records import ArticleRecord


def record_json(rec: ArticleRecord) -> str:
    return json.dumps(rec.model_dump(mode="json", by_alias=True), ensure_ascii=False)
