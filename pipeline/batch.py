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
  `force=True` ignores both. A record made by another kyket release (`source.kyket_version`)
  or another schema version is never reused: the article is processed again.
- **Checks first**: inputs, output folder and table columns are checked before any work
  (`InputError`, one sentence saying what to do); nothing is created when they fail.
"""
from __future__ import annotations

import json
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.ingest import (
    DEFAULT_COLUMNS,
    Columns,
    InputError,
    RawArticle,
    check_inputs,
    read_articles,
)
from pipeline.records import KYKET_VERSION, SCHEMA_VERSION

RECORDS = "records.jsonl"
PARTIAL = RECORDS + ".partial"
MANIFEST = "run.json"
MODEL_PACKAGES = ("underthesea", "underthesea_core", "spacy", "scikit-learn", "trafilatura")


def manifest(summary: Summary, inputs: list[str], options: dict) -> dict:
    """What made DIR/records.jsonl: kyket release, schema, the packages whose models and
    rules decide the output (with their versions), the inputs, options and the summary."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    def ver(name: str) -> str | None:
        try:
            return version(name)
        except PackageNotFoundError:
            return None

    return {"kyket_version": KYKET_VERSION, "schema_version": SCHEMA_VERSION,
            "models": {name: ver(name) for name in MODEL_PACKAGES}, "python": platform.python_version(),
            "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "inputs": [str(Path(i).resolve()) for i in inputs],
            "options": options, "summary": {k: v for k, v in summary.__dict__.items() if k != "duplicate_ids"}}


@dataclass(frozen=True)
class Result:
    article_id: str
    content_sha256: str
    line: str  # the record as one JSON line, without the newline
    agreements: int
    ok: bool
    error: tuple[str, str] | None = None  # (kind, message) of the record's first error


def _error_kind(err: dict | None) -> tuple[str, str] | None:
    """What the run summary groups errors by: the error type, or for an input error that the
    reader found (raised as ValueError "Kind: message") its own kind."""
    if not err:
        return None
    kind, msg = str(err.get("type") or "Error"), str(err.get("message") or "")
    head = msg.split(":", 1)[0]
    if kind == "ValueError" and head.isidentifier() and head[:1].isupper():
        kind, msg = head, msg.split(":", 1)[1].strip()
    return kind, msg


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
        err = _error_kind(rec.errors[0].model_dump()) if rec.errors and rec.status != "ok" else None
        out.append(Result(rec.article_id, rec.source.content_sha256 or "", record_json(rec),
                          len(rec.agreements), rec.status == "ok", err))
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
    error_types: dict[str, list] = field(default_factory=dict)  # kind → [count, article id, message]

    def add_error(self, article_id: str, error: tuple[str, str] | None) -> None:
        kind, msg = error or ("Error", "")
        entry = self.error_types.setdefault(kind, [0, article_id, msg])
        entry[0] += 1

    def error_lines(self) -> list[str]:
        """Errors by kind, most frequent first, each with one example."""
        out = []
        for kind, (n, aid, msg) in sorted(self.error_types.items(), key=lambda kv: (-kv[1][0], kv[0])):
            short = msg if len(msg) <= 160 else msg[:157] + "…"
            out.append(f"  {n:>7}  {kind}  e.g. {aid}: {short}")
        return out

    def line(self) -> str:
        dup = f"  duplicate ids: {len(self.duplicate_ids)}" if self.duplicate_ids else ""
        return (f"articles in: {self.articles_in}  records out: {self.records_out}  ok: {self.ok}  "
                f"errors: {self.errors}  agreements: {self.agreements}  processed: {self.processed}  "
                f"reused: {self.reused}{dup}  wall: {self.wall_s:.2f} s  -> {self.out}")


def _key(article_id: str, sha: str) -> str:
    return f"{article_id}\x00{sha}"


def _record_key(line: str) -> tuple[str, str, int, bool, tuple[str, str] | None] | None:
    """(id, content hash, agreements, ok, first error) of a stored record line; None when torn,
    foreign, or made by another kyket release or schema version (to be redone)."""
    try:
        rec = json.loads(line)
        src = rec.get("source") or {}
        if rec.get("schema_version") != SCHEMA_VERSION or src.get("kyket_version") != KYKET_VERSION:
            return None
        ok = rec.get("status") == "ok"
        err = None if ok else _error_kind((rec.get("errors") or [None])[0])
        return (rec["article_id"], src.get("content_sha256") or "", len(rec.get("agreements") or []), ok, err)
    except (ValueError, KeyError, TypeError, AttributeError):
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


def _size(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


def _duration(s: float) -> str:
    s = int(round(s))
    return f"{s // 3600}h{s % 3600 // 60:02d}m" if s >= 3600 else (f"{s // 60}m{s % 60:02d}s" if s >= 60 else f"{s}s")


class Progress:
    """Progress by bytes of the inputs read (their size on disk is known before the run, the
    number of articles in a stream is not): a tqdm bar on a terminal (bytes, ETA, articles,
    articles/s, agreements, errors); elsewhere a log line every `every` seconds."""

    def __init__(self, total_bytes: int | None, quiet: bool, stream=None, every: float = 10.0):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.every = every
        self.total = total_bytes or None
        self.t0 = self.last = time.time()
        self.n = self.agreements = self.errors = 0
        self.pos = self.shown = 0
        self.bar = None
        if not quiet and self.tty:
            from tqdm import tqdm

            self.bar = tqdm(total=self.total, unit="B", unit_scale=True, file=self.stream, smoothing=0.1,
                            bar_format="{l_bar}{bar}| {n_fmt}B/{total_fmt}B [{elapsed}<{remaining}{postfix}]")

    def fraction(self) -> float | None:
        return min(1.0, self.pos / self.total) if self.total else None

    def eta(self) -> float | None:
        frac, spent = self.fraction(), time.time() - self.t0
        if not frac or frac >= 1.0:
            return None
        return spent / frac * (1 - frac)

    def update(self, n: int, agreements: int, errors: int, pos: int | None = None) -> None:
        self.n += n
        self.agreements += agreements
        self.errors += errors
        if pos is not None and pos > self.pos:
            self.pos = pos
        if self.quiet:
            return
        now = time.time()
        rate = self.n / max(now - self.t0, 1e-9)
        if self.bar is not None:
            self.bar.set_postfix_str(f"{self.n} art, {rate:.0f} art/s, agreements {self.agreements}, "
                                     f"errors {self.errors}", refresh=False)
            self.bar.update(self.pos - self.shown)
            self.shown = self.pos
            return
        if now - self.last >= self.every:
            self.last = now
            where = ""
            if self.total:
                eta = self.eta()
                where = (f"  {_size(self.pos)} of {_size(self.total)} ({100 * (self.fraction() or 0):.0f}%)"
                         + (f"  ETA {_duration(eta)}" if eta is not None else ""))
            print(f"[kyket] {self.n} articles{where}  {rate:.0f} art/s  agreements: {self.agreements}  "
                  f"errors: {self.errors}", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def check_output(out_dir: str | os.PathLike) -> Path:
    """The output folder, created if missing; InputError when it cannot be one."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} is an existing file, not a folder: give a folder name (it is created if missing)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the output folder {out}: {exc.strerror} — give a folder you can write to") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise InputError(f"cannot write to the output folder {out}: permission denied — give a folder you can write to")
    return out


def check_options(workers: int | None, chunk_size: int, engine: str) -> None:
    if workers is not None and workers < 1:
        raise InputError(f"--workers must be 1 or more (got {workers}); leave it out to use every core")
    if chunk_size < 1:
        raise InputError(f"--chunk-size must be 1 or more (got {chunk_size})")
    if engine not in ("local", "dask"):
        raise InputError(f"unknown engine {engine!r}: use local or dask")


def run_batch(inputs: list[str], out_dir: str | os.PathLike, *, workers: int | None = None,
              engine: str = "local", scheduler: str | None = None, force: bool = False,
              columns: Columns = DEFAULT_COLUMNS, chunk_size: int = 64, quiet: bool = False,
              finish: Callable | None = None) -> Summary:
    """Process every article of `inputs` into `out_dir/records.jsonl`. Bad inputs, options or
    output folder raise `InputError` before anything is created or processed. `finish(engine)`
    runs once records.jsonl is complete, before the workers stop (the warehouse build, whose
    event linking runs on a dask cluster's workers)."""
    from pipeline.engines import make_engine

    t0 = time.time()
    check_options(workers, chunk_size, engine)
    files = check_inputs(inputs, columns)
    out = check_output(out_dir)
    total_bytes = 0
    for f in files:
        try:
            total_bytes += f.stat().st_size
        except OSError:
            pass
    final, partial = out / RECORDS, out / PARTIAL
    if force:
        partial.unlink(missing_ok=True)
    prefix_keys, prefix_ends = _read_prefix(partial)
    previous = _Previous(final if not force else out / ".none")
    summary = Summary(out=str(final))
    seen_in: dict[str, int] = {}
    progress = Progress(total_bytes, quiet)
    positions: deque[int] = deque()  # input_pos of each article handed to the engine, in order

    def account(article_id: str, agreements: int, ok: bool, reused: bool, error=None, pos: int | None = None) -> None:
        summary.records_out += 1
        summary.agreements += agreements
        summary.ok += int(ok)
        summary.errors += int(not ok)
        if not ok:
            summary.add_error(article_id, error)
        summary.reused += int(reused)
        summary.processed += int(not reused)
        progress.update(1, agreements, int(not ok), pos)

    eng = make_engine(engine, workers=workers, scheduler=scheduler)  # first: a scheduler not found leaves no file
    try:
        fh = _open_partial(partial)
    except BaseException:
        eng.close(abort=True)
        raise
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
                account(raw.article_id, prefix_keys[n][2], prefix_keys[n][3], True, prefix_keys[n][4], raw.input_pos)
                continue
            if matching:
                matching = False
                fh.seek(prefix_ends[n - 1] if n else 0)
                fh.truncate()
            line = previous.get(raw.article_id, sha)
            k = _record_key(line) if line is not None else None
            positions.append(raw.input_pos)
            yield Result(k[0], k[1], line, k[2], k[3], k[4]) if k else raw
        if matching:  # every input was in the prefix: drop whatever followed it
            fh.seek(prefix_ends[kept["n"] - 1] if kept["n"] else 0)
            fh.truncate()

    stopped = True  # until the run completes: an interrupt or error stops the workers at once
    try:
        for chunk_in, chunk_out in eng.map_ordered(process_chunk, _chunks(items(), chunk_size)):
            for item, res in zip(chunk_in, chunk_out, strict=True):
                fh.write(res.line.encode("utf-8") + b"\n")
                account(res.article_id, res.agreements, res.ok, isinstance(item, Result), res.error,
                        positions.popleft() if positions else None)
            fh.flush()
        os.fsync(fh.fileno())
        fh.close()
        os.replace(partial, final)  # the finished file appears whole, in one step
        stopped = False
        summary.wall_s = time.time() - t0
        (out / MANIFEST).write_text(json.dumps(manifest(summary, inputs, {
            "engine": engine, "workers": workers, "force": force, "chunk_size": chunk_size,
            "columns": columns.__dict__}), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        if finish is not None:
            finish(eng)
    finally:
        if not fh.closed:
            fh.flush()
            fh.close()
        eng.close(abort=stopped)
        previous.close()
        progress.close()
    summary.wall_s = time.time() - t0
    return summary
