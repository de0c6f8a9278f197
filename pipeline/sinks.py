"""Emit stage: records to JSONL, written atomically (temp file + rename)."""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from pipeline.records import ArticleRecord


def record_json(rec: ArticleRecord) -> str:
    return json.dumps(rec.model_dump(mode="json", by_alias=True), ensure_ascii=False)


def write_jsonl(records: Iterable[ArticleRecord], path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    n = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for rec in records:
                fh.write(record_json(rec) + "\n")
                n += 1
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return n
