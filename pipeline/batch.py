"""Batch runs: stream the inputs through the per-article pipeline, in parallel, resumably.

    inputs ─ read_articles (streaming) ─ chunks ─ engine.map_ordered ─ writer (input order)

- **Per-article function**: `process_chunk` runs `process_article` on each article of a chunk
  and returns its JSON line; a failure anywhere is already an error record (runner guard),
  so a chunk never fails for one article.
- **Engines** (`pipeline/engines.py`): `local` (a process pool on this machine, default
  all cores) and `dask` (a `dask.distributed` cluster, local or at `--scheduler`). Both map
  the same function over the same chunks and yield results in input order with a bounded
  number of chunks in flight, so memory stays flat however large the corpus.
- **Output**: `DIR/records.jsonl`, one line per input article in input order. While a run is
  going the lines go to `DIR/records.jsonl.partial`, flushed chunk by chunk; the finished
  file replaces `records.jsonl` in one rename, so it is never half-written.
- **Resume / incremental**: a rerun into the same DIR reads what is there. Records of
  `records.jsonl.partial` (an interrupted run: a prefix of the output in input order) are
  kept as they are when the input at that position has the same id and content hash; a
  torn last line is dropped. Records of a previous complete `records.jsonl` are copied for
  unchanged articles (same id, same `source.content_sha256`). Everything else is processed.
  `force=True` ignores both.
"""
from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.ingest import DEFAULT_COLUMNS, Columns, RawArticle, read_articles

RECORDS = "records.jsonl"
PARTIAL = RECORDS + ".partial"


@dataclass(frozen=True)
class Result:
    article_id: str
    content_sha256: str
    line: str  # the record as one JSON line, without the newline
    agreements: int
    ok: bool


def process_chunk(items: list[RawArticle | Result]) -> list[Result]:
    """The per-article function every engine runs (in a worker process). Items that are
    already `Result`s (reused from a previous run) pass through unchanged."""
    from pipeline.runner import process_article
    from pipeline.sinks import record_json

    out = []
    for item in items:
        if isinstance(item, Result):
            out.append(item)
            continue
        rec = process_article(item)
        out.append(Result(rec.article_id, rec.source.content_sha256 or "", record_json(rec),
                          len(rec.agreements), rec.status == "ok"))
    return out


@dataclass
class Summary:
    articles_in: int = 0
    records_out: int = 0
    processed: int = 0
    reused: int = 0
    ok: int = 0
    errors: int = 0
    agreements: int = 0
    wall_s: float = 0.0
    out: str = ""
    duplicate_ids: list[str] = field(default_factory=list)

    def line(self) -> str:
        dup = f"  duplicate ids: {len(self.duplicate_ids)}" if self.duplicate_ids else ""
        return (f"articles in: {self.articles_in}  records out: {self.records_out}  ok: {self.ok}  "
                f"errors: {self.errors}  agreements: {self.agreements}  processed: {self.processed}  "
                f"reused: {self.reused}{dup}  wall: {self.wall_s:.2f} s  -> {self.out}")


def _key(article_id: str, sha: str) -> str:
    return f"{article_id}\x00{sha}"


def _record_key(line: str) -> tuple[str, str, int, bool] | None:
    """(id, content hash, agreements, ok) of a stored record line, None when torn or foreign."""
    try:
        rec = json.loads(line)
        return (rec["article_id"], (rec.get("source") or {}).get("content_sha256") or "",
                len(rec.get("agreements") or []), rec.get("status") == "ok")
    except (ValueError, KeyError, TypeError):
        return None


class _Previous:
    """Lines of a previous complete run, by (id, content hash): an offset index, not the lines."""

    def __init__(self, path: Path):
        self.path = path
        self.index: dict[str, tuple[int, int]] = {}
        self.fh = None
        if not path.exists():
            return
        with path.open("rb") as fh:
            offset = 0
            for raw in fh:
                if raw.endswith(b"\n"):
                    k = _record_key(raw.decode("utf-8", "replace"))
                    if k:
                        self.index.setdefault(_key(k[0], k[1]), (offset, len(raw) - 1))
                offset += len(raw)
        self.fh = path.open("rb")

    def get(self, article_id: str, sha: str) -> str | None:
        where = self.index.get(_key(article_id, sha))
        if where is None or self.fh is None:
            return None
        self.fh.seek(where[0])
        return self.fh.read(where[1]).decode("utf-8")

    def close(self) -> None:
        if self.fh:
            self.fh.close()


def _read_prefix(path: Path) -> tuple[list[tuple[str, str, int, bool]], list[int]]:
    """Keys and end offsets of the complete lines of an interrupted run's partial file."""
    keys, ends = [], []
    if not path.exists():
        return keys, ends
    with path.open("rb") as fh:
        offset = 0
        for raw in fh:
            if not raw.endswith(b"\n"):
                break  # a torn last line: the article is done again
            k = _record_key(raw.decode("utf-8", "replace"))
            if k is None:
                break
            offset += len(raw)
            keys.append(k)
            ends.append(offset)
    return keys, ends


def _open_partial(path: Path):
    """The in-progress output file (a seam for the disk-full test)."""
    return path.open("r+b" if path.exists() else "w+b")


def _chunks(items: Iterable[RawArticle], size: int) -> Iterator[list[RawArticle]]:
    chunk: list[RawArticle] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Progress:
    """A tqdm bar on a terminal (articles/s, ETA when the total is known, agreements, errors);
    elsewhere a log line every `every` seconds."""

    def __init__(self, total: int | None, quiet: bool, stream=None, every: float = 10.0):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.every = every
        self.t0 = self.last = time.time()
        self.n = self.agreements = self.errors = 0
        self.bar = None
        if not quiet and self.tty:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="art", file=self.stream, smoothing=0.1)

    def update(self, n: int, agreements: int, errors: int) -> None:
        self.n += n
        self.agreements += agreements
        self.errors += errors
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.set_postfix(agreements=self.agreements, errors=self.errors, refresh=False)
            self.bar.update(n)
            return
        now = time.time()
        if now - self.last >= self.every:
            self.last = now
            rate = self.n / max(now - self.t0, 1e-9)
            print(f"[kyket] {self.n} articles  {rate:.0f} art/s  agreements: {self.agreements}  "
                  f"errors: {self.errors}", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run_batch(inputs: list[str], out_dir: str | os.PathLike, *, workers: int | None = None,
              engine: str = "local", scheduler: str | None = None, force: bool = False,
              columns: Columns = DEFAULT_COLUMNS, chunk_size: int = 64, quiet: bool = False,
              total: int | None = None) -> Summary:
    from pipeline.engines import make_engine

    t0 = time.time()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    final, partial = out / RECORDS, out / PARTIAL
    if force:
        partial.unlink(missing_ok=True)
    prefix_keys, prefix_ends = _read_prefix(partial)
    previous = _Previous(final if not force else out / ".none")
    summary = Summary(out=str(final))
    seen_in: dict[str, int] = {}
    progress = Progress(total, quiet)

    def account(article_id: str, agreements: int, ok: bool, reused: bool) -> None:
        summary.records_out += 1
        summary.agreements += agreements
        summary.ok += int(ok)
        summary.errors += int(not ok)
        summary.reused += int(reused)
        summary.processed += int(not reused)
        progress.update(1, agreements, int(not ok))

    fh = _open_partial(partial)
    kept = {"n": 0}

    def items() -> Iterator[RawArticle | Result]:
        """The inputs after the kept prefix: reusable results, or articles to process."""
        matching = True
        for raw in read_articles(inputs, columns):
            summary.articles_in += 1
            n_seen = seen_in.get(raw.article_id, 0) + 1
            seen_in[raw.article_id] = n_seen
            if n_seen > 1:
                # the same id again: both kept; this one is told apart by its occurrence number
                if n_seen == 2:
                    summary.duplicate_ids.append(raw.article_id)
                raw.article_id = f"{raw.article_id}#{n_seen}"
            sha = raw.content_sha256()
            n = kept["n"]
            if matching and n < len(prefix_keys) and prefix_keys[n][:2] == (raw.article_id, sha):
                kept["n"] += 1  # already in the partial file, in place
                account(raw.article_id, prefix_keys[n][2], prefix_keys[n][3], True)
                continue
            if matching:
                matching = False
                fh.seek(prefix_ends[n - 1] if n else 0)
                fh.truncate()
            line = previous.get(raw.article_id, sha)
            k = _record_key(line) if line is not None else None
            yield Result(k[0], k[1], line, k[2], k[3]) if k else raw
        if matching:  # every input was in the prefix: drop whatever followed it
            fh.seek(prefix_ends[kept["n"] - 1] if kept["n"] else 0)
            fh.truncate()

    eng = make_engine(engine, workers=workers, scheduler=scheduler)
    try:
        for chunk_in, chunk_out in eng.map_ordered(process_chunk, _chunks(items(), chunk_size)):
            for item, res in zip(chunk_in, chunk_out, strict=True):
                fh.write(res.line.encode("utf-8") + b"\n")
                account(res.article_id, res.agreements, res.ok, isinstance(item, Result))
            fh.flush()
        os.fsync(fh.fileno())
        fh.close()
        os.replace(partial, final)  # the finished file appears whole, in one step
    finally:
        if not fh.closed:
            fh.flush()
            fh.close()
        eng.close()
        previous.close()
        progress.close()
    summary.wall_s = time.time() - t0
    return summary
