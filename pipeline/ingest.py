"""Ingest stage: find the articles in the inputs, decode them, normalise the Unicode.

Readers are chosen by file suffix from `READERS`; each yields `RawArticle`s in file order.
A reader never raises for one bad article: it yields a `RawArticle` carrying the error, so
the runner writes an error record for it and goes on (N articles in, N records out).
"""
from __future__ import annotations

import gzip
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.textnorm import normalize_unicode

MAX_ARTICLE_BYTES = 5_000_000


@dataclass
class RawArticle:
    article_id: str
    data: bytes | str | None
    source_path: str | None = None
    url: str | None = None
    published_at: str | None = None
    site: str | None = None
    error: tuple[str, str] | None = None  # (type, message) found while reading


class DecodeError(ValueError):
    pass


def decode(data: bytes | str) -> str:
    """Bytes → NFC text. UTF-8 (with or without BOM) and UTF-16 with a BOM are accepted."""
    if isinstance(data, str):
        text = data
    else:
        if len(data) > MAX_ARTICLE_BYTES:
            raise DecodeError(f"article is {len(data)} bytes, over the {MAX_ARTICLE_BYTES}-byte limit")
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise DecodeError(
                    f"not valid UTF-8 (byte {exc.start}: {data[exc.start:exc.start + 4]!r})"
                ) from exc
    if "\x00" in text:
        raise DecodeError("binary content (NUL bytes) in a text article")
    return normalize_unicode(text)


def _read_txt(path: Path) -> Iterator[RawArticle]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield RawArticle(path.stem, None, str(path), error=(type(exc).__name__, str(exc)))
        return
    yield RawArticle(path.stem, data, str(path))


def _open_maybe_gz(path: Path):
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", errors="strict")
    return path.open(encoding="utf-8")


def _read_jsonl(path: Path) -> Iterator[RawArticle]:
    with _open_maybe_gz(path) as fh:
        for line_no, line in enumerate(fh, 1):
            where = f"{path}:{line_no}"
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield RawArticle(f"{path.stem}:{line_no}", None, where, error=("JSONDecodeError", f"{where}: {exc}"))
                continue
            if not isinstance(obj, dict):
                yield RawArticle(f"{path.stem}:{line_no}", None, where, error=("InvalidRecord", f"{where}: not a JSON object"))
                continue
            art_id = str(obj.get("id") or f"{path.stem}:{line_no}")
            text = obj.get("text")
            if not isinstance(text, str):
                yield RawArticle(art_id, None, where, error=("MissingText", f"{where}: no 'text' string field"))
                continue
            yield RawArticle(
                art_id, text, where, url=obj.get("url"), published_at=obj.get("published_at"),
                site=obj.get("source"),
            )


READERS: dict[str, Callable[[Path], Iterator[RawArticle]]] = {
    ".txt": _read_txt,
    ".jsonl": _read_jsonl,
    ".jsonl.gz": _read_jsonl,
}


def _suffix(path: Path) -> str:
    name = path.name.lower()
    for suffix in sorted(READERS, key=len, reverse=True):
        if name.endswith(suffix):
            return suffix
    return ""


def iter_files(inputs: Iterable[str | os.PathLike]) -> Iterator[Path]:
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and _suffix(p))
        elif path.exists():
            yield path
        else:
            raise FileNotFoundError(f"input not found: {path}")


def read_articles(inputs: Iterable[str | os.PathLike]) -> Iterator[RawArticle]:
    """Every article of every input, in order (folders sorted by path)."""
    for path in iter_files(inputs):
        reader = READERS.get(_suffix(path))
        if reader is None:
            yield RawArticle(path.stem, None, str(path), error=("UnsupportedFormat", f"{path}: no reader for this file type"))
            continue
        yield from reader(path)
