"""Ingest stage: find the articles in the inputs, decode them, normalise the Unicode.

Readers are chosen by file suffix from `READERS`; each yields `RawArticle`s in file order,
streaming (a file is never read whole into memory, except a single .txt/.html article).
Formats: .txt and .html/.htm articles; JSONL, CSV and Parquet tables with an id and a text
or html column (names configurable with `Columns`), .gz or not; WARC (.warc, .warc.gz),
one article per HTML response record. HTML is turned into text by trafilatura in the
runner's ingest stage (pipeline/html.py), inside the per-article guard.

A reader never raises for one bad article: it yields a `RawArticle` carrying the error, so
the runner writes an error record for it and goes on (N articles in, N records out).
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import json
import os
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.encodings import DecodeError, decode_bytes, repair_double_utf8
from pipeline.textnorm import normalize_unicode

__all__ = ["DecodeError", "InputError", "RawArticle", "Columns", "check_inputs", "decode", "read_articles", "READERS",
           "MAX_ARTICLE_BYTES"]

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
    fmt: str = "text"  # "text" | "html"
    fallback_published_at: str | None = None  # e.g. a WARC record's date: used when the page prints none
    input_pos: int = 0  # bytes of the inputs (as stored) read up to this article: progress by size
    _sha: str | None = field(default=None, repr=False, compare=False)

    def content_sha256(self) -> str:
        """Hash of the input as read: what resuming compares to skip unchanged articles
        (computed once: the batch runner and the record both use it)."""
        if self._sha is None:
            self._sha = self._hash()
        return self._sha

    def _hash(self) -> str:
        data = self.data if self.data is not None else ""
        raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
        h = hashlib.sha256(raw)
        h.update(f"|{self.fmt}|{self.url}|{self.published_at}|{self.site}|{self.error}".encode("utf-8", "replace"))
        return h.hexdigest()


@dataclass(frozen=True)
class Columns:
    """Column names of a table input (JSONL, CSV, Parquet)."""
    id: str = "id"
    text: str = "text"
    html: str = "html"
    url: str = "url"
    published_at: str = "published_at"
    source: str = "source"


DEFAULT_COLUMNS = Columns()


def decode(data: bytes | str) -> str:
    """Bytes (or a string) → NFC text; see pipeline/encodings.py for what is accepted."""
    if isinstance(data, str):
        if len(data) > MAX_ARTICLE_BYTES:
            raise DecodeError(f"article is {len(data)} characters, over the {MAX_ARTICLE_BYTES}-character limit")
        text = repair_double_utf8(data)
    else:
        if len(data) > MAX_ARTICLE_BYTES:
            raise DecodeError(f"article is {len(data)} bytes, over the {MAX_ARTICLE_BYTES}-byte limit")
        text = decode_bytes(data)
    if "\x00" in text:
        raise DecodeError("binary content (NUL bytes) in a text article")
    return normalize_unicode(text)


def _read_file(path: Path, fmt: str) -> Iterator[RawArticle]:
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_ARTICLE_BYTES + 1)  # over the limit is an error anyway: never read more
        if len(data) > MAX_ARTICLE_BYTES:
            size = path.stat().st_size
            yield RawArticle(path.stem, None, str(path), fmt=fmt, error=(
                "InputTooLarge", f"{path}: {size} bytes, over the {MAX_ARTICLE_BYTES}-byte article limit"))
            return
    except OSError as exc:
        yield RawArticle(path.stem, None, str(path), error=(type(exc).__name__, str(exc)), fmt=fmt)
        return
    yield RawArticle(path.stem, data, str(path), fmt=fmt)


def _read_txt(path: Path, columns: Columns = DEFAULT_COLUMNS) -> Iterator[RawArticle]:
    yield from _read_file(path, "text")


def _read_html(path: Path, columns: Columns = DEFAULT_COLUMNS) -> Iterator[RawArticle]:
    yield from _read_file(path, "html")


_POS = threading.local()  # the binary file a reader is reading: its tell() is the progress


def _track(fh):
    """Register `fh` (a binary file of the input as stored) as the current reading position."""
    _POS.fh = fh
    return fh


def open_text(path: Path):
    """A text stream of a file, gunzipped when its name ends in .gz."""
    if path.name.lower().endswith(".gz"):
        fh = gzip.open(path, "rt", encoding="utf-8", errors="strict", newline="")
        _track(getattr(fh.buffer, "fileobj", None))  # the compressed file: bytes of it read so far
        return fh
    fh = path.open(encoding="utf-8", newline="")
    _track(fh.buffer)
    return fh


def _from_row(row: dict, where: str, fallback_id: str, columns: Columns) -> RawArticle:
    """One table row → RawArticle (or an error RawArticle naming the file and row)."""
    value = row.get(columns.id)
    art_id = str(value) if value not in (None, "") else fallback_id
    text, html = row.get(columns.text), row.get(columns.html)
    meta = {"url": _str_or_none(row.get(columns.url)), "published_at": _str_or_none(row.get(columns.published_at)),
            "site": _str_or_none(row.get(columns.source))}
    if isinstance(text, str) and text.strip():
        return RawArticle(art_id, text, where, **meta)
    if isinstance(html, (str, bytes)) and html:
        return RawArticle(art_id, html, where, fmt="html", **meta)
    if isinstance(text, str):
        return RawArticle(art_id, text, where, **meta)  # empty text: the runner reports it
    return RawArticle(art_id, None, where,
                      error=("MissingText", f"{where}: no '{columns.text}' or '{columns.html}' field"), **meta)


def _str_or_none(v) -> str | None:
    if v is None or (isinstance(v, float) and v != v):
        return None
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v) or None


MAX_LINE_CHARS = 2 * MAX_ARTICLE_BYTES  # one JSONL line: an article plus its metadata
MAX_FILE_CHARS = 8_000_000_000  # what one input file may expand to (a .gz bomb stops here)


class _TooLong(Exception):
    pass


def _lines(fh, path: Path) -> Iterator[str | None]:
    """Lines of a text stream; None for a line over MAX_LINE_CHARS (skipped without being
    held in memory). Raises _TooLong once the file has expanded past MAX_FILE_CHARS."""
    total = 0
    while True:
        line = fh.readline(MAX_LINE_CHARS)
        if not line:
            return
        total += len(line)
        if len(line) >= MAX_LINE_CHARS and not line.endswith("\n"):
            while True:  # drain the rest of the oversized line
                more = fh.readline(1 << 20)
                total += len(more)
                if total > MAX_FILE_CHARS:
                    raise _TooLong(f"{path}: expands past {MAX_FILE_CHARS} characters; stopped reading it")
                if not more or more.endswith("\n"):
                    break
            yield None
            continue
        if total > MAX_FILE_CHARS:
            raise _TooLong(f"{path}: expands past {MAX_FILE_CHARS} characters; stopped reading it")
        yield line


def _read_jsonl(path: Path, columns: Columns = DEFAULT_COLUMNS) -> Iterator[RawArticle]:
    try:
        fh = open_text(path)
        lines = _lines(fh, path)
    except OSError as exc:
        yield RawArticle(path.stem, None, str(path), error=(type(exc).__name__, f"{path}: {exc}"))
        return
    with fh:
        line_no = 0
        while True:
            line_no += 1
            where = f"{path}:{line_no}"
            try:
                line = next(lines)
            except StopIteration:
                break
            except _TooLong as exc:
                yield RawArticle(f"{path.stem}:{line_no}", None, where, error=("InputTooLarge", str(exc)))
                break
            except (OSError, EOFError, UnicodeDecodeError, gzip.BadGzipFile, zlib.error) as exc:
                yield RawArticle(f"{path.stem}:{line_no}", None, where, error=(type(exc).__name__, f"{where}: {exc}"))
                break
            if line is None:
                yield RawArticle(f"{path.stem}:{line_no}", None, where,
                                 error=("InputTooLarge", f"{where}: line longer than {MAX_LINE_CHARS} characters; skipped"))
                continue
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
            yield _from_row(obj, where, f"{path.stem}:{line_no}", columns)


def _csv_lines(fh, path: Path) -> Iterator[str]:
    """Lines for the csv module, within the same limits as JSONL: a line over MAX_LINE_CHARS or
    a file expanding past MAX_FILE_CHARS stops the file (a CSV line cannot be skipped safely:
    a quoted field may span lines)."""
    total = 0
    while True:
        line = fh.readline(MAX_LINE_CHARS)
        if not line:
            return
        total += len(line)
        if total > MAX_FILE_CHARS:
            raise _TooLong(f"{path}: expands past {MAX_FILE_CHARS} characters; stopped reading it")
        if len(line) >= MAX_LINE_CHARS and not line.endswith("\n"):
            raise _TooLong(f"{path}: a line longer than {MAX_LINE_CHARS} characters; stopped reading it")
        yield line


def _read_csv(path: Path, columns: Columns = DEFAULT_COLUMNS) -> Iterator[RawArticle]:
    csv.field_size_limit(MAX_LINE_CHARS)
    try:
        fh = open_text(path)
        reader = csv.DictReader(_csv_lines(fh, path))
    except OSError as exc:
        yield RawArticle(path.stem, None, str(path), error=(type(exc).__name__, f"{path}: {exc}"))
        return
    with fh:
        row_no = 0
        while True:
            row_no += 1
            where = f"{path}:row {row_no}"
            try:
                row = next(reader)
            except StopIteration:
                break
            except _TooLong as exc:
                yield RawArticle(f"{path.stem}:{row_no}", None, where, error=("InputTooLarge", str(exc)))
                break
            except (csv.Error, OSError, EOFError, UnicodeDecodeError, gzip.BadGzipFile, zlib.error) as exc:
                yield RawArticle(f"{path.stem}:{row_no}", None, where, error=(type(exc).__name__, f"{where}: {exc}"))
                break
            yield _from_row(row, where, f"{path.stem}:{row_no}", columns)


def _read_parquet(path: Path, columns: Columns = DEFAULT_COLUMNS) -> Iterator[RawArticle]:
    import pyarrow.parquet as pq

    try:
        fh = path.open("rb")
    except OSError as exc:
        yield RawArticle(path.stem, None, str(path), error=(type(exc).__name__, f"{path}: {exc}"))
        return
    with fh:
        try:
            pf = pq.ParquetFile(_track(fh))
        except Exception as exc:  # noqa: BLE001 — any unreadable file becomes one error record
            yield RawArticle(path.stem, None, str(path), error=(type(exc).__name__, f"{path}: {exc}"))
            return
        wanted = [c for c in (columns.id, columns.text, columns.html, columns.url, columns.published_at, columns.source)
                  if c in pf.schema_arrow.names]
        row_no = 0
        batches = pf.iter_batches(batch_size=256, columns=wanted)
        while True:
            try:
                batch = next(batches)
            except StopIteration:
                return
            except Exception as exc:  # noqa: BLE001 — a corrupt row group: one error record, the file stops
                yield RawArticle(f"{path.stem}:{row_no + 1}", None, f"{path}:row {row_no + 1}",
                                 error=(type(exc).__name__, f"{path}: after row {row_no}: {exc}"))
                return
            for row in batch.to_pylist():
                row_no += 1
                yield _from_row(row, f"{path}:row {row_no}", f"{path.stem}:{row_no}", columns)


def _read_warc(path: Path, columns: Columns = DEFAULT_COLUMNS) -> Iterator[RawArticle]:
    """Each HTML response record is one article: id = its target URI, published_at = the
    WARC-Date when the page prints no date of its own."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        fh = path.open("rb")
    except OSError as exc:
        yield RawArticle(path.stem, None, str(path), error=(type(exc).__name__, f"{path}: {exc}"))
        return
    _track(fh)
    with fh:
        n = 0
        expanded = 0  # decompressed bytes of every record so far: a WARC is capped like other inputs
        try:
            for rec in ArchiveIterator(fh):
                length = rec.rec_headers.get_header("Content-Length") or "0"
                expanded += int(length) if length.isdigit() else 0
                if expanded > MAX_FILE_CHARS:
                    yield RawArticle(f"{path.stem}:{n + 1}", None, str(path), error=(
                        "InputTooLarge", f"{path}: expands past {MAX_FILE_CHARS} bytes; stopped reading it"))
                    return
                if rec.rec_type != "response" or rec.http_headers is None:
                    continue
                ctype = (rec.http_headers.get_header("Content-Type") or "").lower()
                if "html" not in ctype:
                    continue
                n += 1
                uri = rec.rec_headers.get_header("WARC-Target-URI") or f"{path.stem}:{n}"
                where = f"{path}:record {n}"
                declared = rec.rec_headers.get_header("Content-Length") or "0"
                if declared.isdigit() and int(declared) > MAX_ARTICLE_BYTES + 65536:
                    # not read, not decompressed into memory: the iterator skips its payload
                    yield RawArticle(uri, None, where, url=uri, fmt="html", error=(
                        "InputTooLarge", f"{where}: record of {declared} bytes, over the {MAX_ARTICLE_BYTES}-byte article limit"))
                    continue
                try:
                    data = rec.content_stream().read(MAX_ARTICLE_BYTES + 1)
                except Exception as exc:  # noqa: BLE001
                    yield RawArticle(uri, None, where, url=uri, error=(type(exc).__name__, f"{where}: {exc}"), fmt="html")
                    continue
                yield RawArticle(uri, data, where, url=uri, fmt="html",
                                 fallback_published_at=rec.rec_headers.get_header("WARC-Date"))
        except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
            yield RawArticle(f"{path.stem}:{n + 1}", None, str(path), error=(type(exc).__name__, f"{path}: {exc}"))


READERS: dict[str, Callable[..., Iterator[RawArticle]]] = {
    ".txt": _read_txt,
    ".html": _read_html,
    ".htm": _read_html,
    ".jsonl": _read_jsonl,
    ".jsonl.gz": _read_jsonl,
    ".csv": _read_csv,
    ".csv.gz": _read_csv,
    ".parquet": _read_parquet,
    ".warc": _read_warc,
    ".warc.gz": _read_warc,
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


def read_articles(inputs: Iterable[str | os.PathLike], columns: Columns = DEFAULT_COLUMNS) -> Iterator[RawArticle]:
    """Every article of every input, in order (folders sorted by path). Each carries in
    `input_pos` how many bytes of the inputs (as stored, compressed or not) were read."""
    base = 0
    for path in iter_files(inputs):
        try:
            size = path.stat().st_size
        except OSError:
            size = 0
        reader = READERS.get(_suffix(path))
        if reader is None:
            base += size
            yield RawArticle(path.stem, None, str(path), error=("UnsupportedFormat", f"{path}: no reader for this file type"),
                             input_pos=base)
            continue
        _POS.fh = None
        for art in reader(path, columns):
            fh = getattr(_POS, "fh", None)
            try:
                at = fh.tell() if fh is not None and not fh.closed else size
            except (OSError, ValueError):
                at = size
            art.input_pos = base + min(at, size)
            yield art
        _POS.fh = None
        base += size


# --- checks before a run ---------------------------------------------------------------------

class InputError(ValueError):
    """An input that cannot be run, found before any work starts: one sentence saying what to do."""


KNOWN = ".txt .html/.htm .jsonl .csv .parquet (each also .gz for jsonl/csv), .warc, .warc.gz"
_TABLES = {".jsonl", ".jsonl.gz", ".csv", ".csv.gz", ".parquet"}


def input_files(inputs: Iterable[str | os.PathLike]) -> list[Path]:
    """The files a run will read, in order; InputError for a missing input, a folder with no
    article file, a file of an unknown type, or one that cannot be read."""
    files: list[Path] = []
    inputs = list(inputs)
    if not inputs:
        raise InputError("no input given: name one or more files or folders of articles")
    for item in inputs:
        path = Path(item)
        if not path.exists():
            raise InputError(f"input not found: {path} — check the path (nothing was processed)")
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and _suffix(p))
            if not found:
                raise InputError(f"{path} holds no article file ({KNOWN}) — check the folder")
            files.extend(found)
            continue
        if not _suffix(path):
            raise InputError(f"{path}: kyket cannot read this type of file; inputs are {KNOWN}")
        files.append(path)
    for path in files:
        if not os.access(path, os.R_OK):
            raise InputError(f"cannot read {path}: permission denied — fix its permissions or leave it out")
    return files


def _peek_columns(path: Path, suffix: str) -> list[str] | None:
    """The column names of a table input (for JSONL: of its first objects); None when they
    cannot be told up front (the reader then reports what is wrong, row by row)."""
    try:
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            return list(pq.read_schema(path).names)
        with open_text(path) as fh:
            if suffix.startswith(".csv"):
                header = next(csv.reader([fh.readline(MAX_LINE_CHARS)]), None)
                return [h for h in header or [] if h] or None
            keys: dict[str, None] = {}
            for _ in range(50):
                line = fh.readline(MAX_LINE_CHARS)
                if not line:
                    break
                try:
                    obj = json.loads(line)
                except ValueError:
                    continue
                if isinstance(obj, dict):
                    keys.update(dict.fromkeys(obj))
            return list(keys) or None
    except Exception:  # noqa: BLE001 — unreadable: the reader turns it into error records
        return None
    finally:
        _POS.fh = None


def check_columns(path: Path, columns: Columns) -> None:
    """InputError when a table input has neither the text nor the html column, or no id column."""
    suffix = _suffix(path)
    if suffix not in _TABLES:
        return
    names = _peek_columns(path, suffix)
    if names is None:
        return
    available = ", ".join(names[:20]) + (" …" if len(names) > 20 else "")
    if columns.text not in names and columns.html not in names:
        raise InputError(f"column '{columns.text}' not found in {path}; available: {available} — use --text-col "
                         f"(or --html-col for a column of HTML pages)")
    if columns.id and columns.id not in names:
        raise InputError(f"column '{columns.id}' not found in {path}; available: {available} — use --id-col "
                         "(--id-col '' numbers the rows: FILE:N)")


def check_inputs(inputs: Iterable[str | os.PathLike], columns: Columns = DEFAULT_COLUMNS) -> list[Path]:
    """Everything about the inputs that can be checked before a run: they exist, are readable
    and of a known type, and every table has the id and text columns. Returns the files."""
    files = input_files(inputs)
    for path in files:
        check_columns(path, columns)
    return files
