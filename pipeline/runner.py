"""The orchestrator: one article in, one record out, stage by stage.

Stages, top-down (STYLE: one place names them):
  1. ingest   — decode bytes, Unicode NFC, spaces and zero-width cleanup   (pipeline.ingest)
  2. clean    — strip page furniture; title, authors, site, printed time    (pipeline.clean)
  3. extract  — a cheap first pass (a signing verb in form, on the folded text) decides
                whether the article needs the expensive stages; if so:
     segment  — sentences; words/POS lazily, once per sentence               (pipeline.segment)
     extract  — signing mentions suggested and decided by the mention model, then
                parties, people (extractors.*), each a layer
  5. assemble — agreements from the layers; party, date and venue models     (pipeline.assemble)
  6. emit     — the pydantic record                                          (pipeline.records)

Every stage runs inside a guard: an exception becomes an error entry (stage, type,
message) on that article's record and the batch goes on. `raise_errors=True` re-raises,
for tests and notebooks.
"""
from __future__ import annotations

import hashlib
import os
import signal
import threading

from extractors import events as events_x
from extractors.parties import extract_orgs
from extractors.people import extract_people
from pipeline.assemble import assemble
from pipeline.clean import clean_text
from pipeline.document import Document, StageError
from pipeline.html import extract_html, looks_like_html
from pipeline.ingest import MAX_ARTICLE_BYTES, DecodeError, RawArticle, decode
from pipeline.records import ArticleRecord, ErrorEntry, Source
from pipeline.segment import split_sentences
from pipeline.textnorm import fold, normalize_unicode


class StageFailed(Exception):
    pass


def _guard(doc: Document, stage: str, fn, raise_errors: bool):
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 — per-article isolation is the point
        if raise_errors:
            raise
        doc.errors.append(StageError(stage, type(exc).__name__, str(exc)[:500]))
        raise StageFailed(stage) from exc


def _ingest(doc: Document, raw: RawArticle) -> None:
    if raw.error:
        raise ValueError(f"{raw.error[0]}: {raw.error[1]}")
    data = raw.data if raw.data is not None else b""
    if raw.fmt == "html":
        if len(data) > MAX_ARTICLE_BYTES:
            raise DecodeError(f"page is {len(data)} bytes, over the {MAX_ARTICLE_BYTES}-byte limit")
        page = extract_html(data)  # trafilatura reads the page's own charset
        doc.raw = normalize_unicode(page.text)
        doc.meta["html"] = page
    else:
        doc.raw = decode(data)
        if looks_like_html(doc.raw):
            # a .txt or a JSONL/CSV text field that is really a saved page: the HTML path
            page = extract_html(doc.raw)
            doc.raw = normalize_unicode(page.text)
            doc.meta["html"] = page
    if not doc.raw.strip():
        raise ValueError("empty article: no text after decoding")


def _clean(doc: Document) -> None:
    page = doc.meta.get("html")
    res = clean_text(doc.raw, find_title=page is None, known_title=page.title if page else None)
    doc.text = res.text
    doc.title = (normalize_unicode(page.title) if page and page.title else None) or res.title
    doc.authors = res.authors if not page else list(dict.fromkeys(page.authors + res.authors))
    doc.site = doc.site or (page.site if page else None) or res.site
    doc.url = doc.url or (page.url if page else None)
    doc.published_at = doc.published_at or res.published_at or (page.date if page else None) or doc.meta.get("fallback_published_at")
    doc.meta["removed"] = res.removed
    doc.folded = fold(doc.text)
    if len(doc.folded) != len(doc.text):
        raise AssertionError("folding changed the text length")


def _extract(doc: Document) -> None:
    events = events_x.extract(doc)
    doc.layers["events"] = events
    if not events:
        return
    sentences = {e.value.sentence for e in events}
    by_span = {(s.start, s.end): s for s in doc.layer("sentences")}
    # sentences with pairing relations ("A giúp đỡ B") also need their organisations
    for s in doc.layer("sentences"):
        if any(w in doc.folded[s.start:s.end] for w in (" giúp ", " giúp đỡ ", " hỗ trợ ")) and s.end - s.start < 400:
            sentences.add((s.start, s.end))
    chosen = [by_span[key] for key in sorted(sentences)]
    budget, kept = MAX_ANALYZED_CHARS, []
    for c in chosen:
        if len(kept) >= MAX_ANALYZED_SENTENCES or budget < c.end - c.start:
            break
        kept.append(c)
        budget -= c.end - c.start
    if len(kept) < len(chosen):
        # a run-on or machine-made text with hundreds of signing sentences: bounded work,
        # and the truncation is recorded on the record
        doc.errors.append(StageError("extract", "LimitReached",
                                     f"{len(chosen)} sentences to analyse; only the first {len(kept)} were "
                                     f"(limits: {MAX_ANALYZED_SENTENCES} sentences, {MAX_ANALYZED_CHARS} characters)"))
        chosen = kept
        keep = {(c.start, c.end) for c in chosen}
        doc.layers["events"] = [e for e in events if e.value.sentence in keep]
    doc.layers["orgs"] = [o for sent in chosen for o in extract_orgs(doc, sent)]
    doc.layers["people"] = [p for sent in chosen for p in extract_people(doc, sent)]


# The dev set's largest article sends 15 sentences / 2,300 characters to word segmentation
# and tagging; these limits are several times that.
MAX_ANALYZED_SENTENCES = 40
MAX_ANALYZED_CHARS = 12_000
TIME_BUDGET_S = 60.0  # per article; 0 disables; the KYKET_TIME_BUDGET_S environment variable overrides it


class ArticleTimeout(TimeoutError):
    pass


def _budget_s() -> float:
    try:
        return float(os.environ.get("KYKET_TIME_BUDGET_S", TIME_BUDGET_S))
    except ValueError:
        return TIME_BUDGET_S


class _ThreadTimeout(ArticleTimeout):
    """Raised asynchronously in a thread past its budget (an async exception is instantiated
    without arguments, so the message is the class's)."""
    seconds = 0.0

    def __init__(self, *args):
        super().__init__(*(args or (f"article took longer than its {self.seconds:g} s budget",)))


def _async_raise(thread_id: int, exc_type: type | None) -> None:
    import ctypes

    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                               ctypes.py_object(exc_type) if exc_type else ctypes.c_void_p(0))


REPEAT_S = 0.05  # past the budget the timeout is raised again this often, until it ends the article


class _Budget:
    """A per-article time budget that holds on every engine: in a process's main thread by
    SIGALRM (the local engines); in any other thread (dask's worker threads, a caller's thread
    pool) by a watcher thread that raises ArticleTimeout in the thread. Both interrupt Python
    code between two bytecodes, which is where an article's time goes (the tokenizer's and
    tagger's feature extraction, the rules); a single call into native code runs to its end.
    A timeout that library code swallows (a broad `except Exception`) is raised again every
    REPEAT_S, and an article whose budget ran out is an error even if it then finished.
    `stop()` is idempotent: process_article calls it again when a timeout escaped early."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.message = f"article took longer than its {seconds:g} s budget"
        self.fired = False
        self.on = False
        self.lock = threading.Lock()
        self.main = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()

    def _alarm(self, signum, frame) -> None:
        if not self.on:
            return  # a late alarm after the article: nothing to stop
        self.fired = True
        signal.setitimer(signal.ITIMER_REAL, REPEAT_S)  # again, should this one be swallowed
        raise ArticleTimeout(self.message)

    def _watch(self) -> None:
        wait = self.seconds
        while not self.done.wait(wait):
            with self.lock:
                if not self.on:
                    return
                self.fired = True
                _async_raise(self.tid, self.exc_type)
            wait = REPEAT_S

    def __enter__(self):
        if self.seconds <= 0:
            return self
        self.on = True
        if self.main:
            self.old = signal.signal(signal.SIGALRM, self._alarm)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        else:
            self.tid = threading.get_ident()
            self.exc_type = type("ArticleTimeout", (_ThreadTimeout,), {"seconds": self.seconds})
            self.done = threading.Event()
            threading.Thread(target=self._watch, name="kyket-time-budget", daemon=True).start()
        return self

    def stop(self) -> None:
        if not self.on:
            return
        if self.main:
            self.on = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.old)
            return
        with self.lock:
            self.on = False
            self.done.set()
            if self.fired:
                _async_raise(self.tid, None)  # a timeout not yet delivered must not hit the caller

    def __exit__(self, exc_type, exc, tb) -> bool:
        self.stop()
        if exc_type is None and self.fired:
            raise ArticleTimeout(self.message)
        return False


def _time_budget(seconds: float) -> _Budget:
    return _Budget(seconds)


def _timeout_record(raw: RawArticle, exc: BaseException) -> ArticleRecord:
    """The record of an article stopped by its budget outside any stage's guard."""
    return ArticleRecord(
        article_id=raw.article_id,
        source=Source(path=raw.source_path, url=raw.url, site=raw.site, content_sha256=raw.content_sha256()),
        published_at=raw.published_at, status="error",
        errors=[ErrorEntry(stage="run", type="ArticleTimeout", message=str(exc) or "article took too long")])


def prepare_document(raw: RawArticle) -> Document:
    """Ingest, clean and split one article into sentences, raising on failure: what the
    trainers read candidates from (pipeline/train.py)."""
    doc = Document(article_id=raw.article_id, source_path=raw.source_path, url=raw.url,
                   published_at=raw.published_at, site=raw.site)
    doc.meta["fallback_published_at"] = raw.fallback_published_at
    _ingest(doc, raw)
    _clean(doc)
    doc.layers["sentences"] = split_sentences(doc)
    return doc


def process_article(raw: RawArticle, raise_errors: bool = False) -> ArticleRecord:
    """One article → its record; never raises (unless `raise_errors`), never runs past the
    time budget by more than the current native call."""
    budget = _Budget(_budget_s())
    try:
        with budget:
            return _process(raw, raise_errors)
    except ArticleTimeout as exc:
        for _ in range(3):  # a timeout that escaped before the budget was stopped: stop it now
            try:
                budget.stop()
                break
            except ArticleTimeout:
                continue
        if raise_errors:
            raise
        return _timeout_record(raw, exc)


def _process(raw: RawArticle, raise_errors: bool) -> ArticleRecord:
    doc = Document(article_id=raw.article_id, source_path=raw.source_path, url=raw.url,
                   published_at=raw.published_at, site=raw.site)
    doc.meta["fallback_published_at"] = raw.fallback_published_at
    agreements = []
    try:
        _guard(doc, "ingest", lambda: _ingest(doc, raw), raise_errors)
        _guard(doc, "clean", lambda: _clean(doc), raise_errors)
        # the cheap first pass: no signing trigger near a document word → nothing to segment
        if events_x.might_report_signing(doc.folded):
            doc.layers["sentences"] = _guard(doc, "segment", lambda: split_sentences(doc), raise_errors)
            _guard(doc, "extract", lambda: _extract(doc), raise_errors)
            agreements = _guard(doc, "assemble", lambda: assemble(doc), raise_errors)
    except StageFailed:
        pass
    return ArticleRecord(
        article_id=doc.article_id,
        source=Source(path=doc.source_path, url=doc.url, site=doc.site, content_sha256=raw.content_sha256()),
        title=doc.title,
        published_at=doc.published_at,
        authors=doc.authors,
        text=doc.text,
        text_sha256=hashlib.sha256(doc.text.encode("utf-8")).hexdigest(),
        status="error" if doc.errors else "ok",
        errors=[ErrorEntry(stage=e.stage, type=e.type, message=e.message) for e in doc.errors],
        agreements=agreements,
    )
