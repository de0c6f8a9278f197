"""Execution engines for batch runs: the same per-chunk function, here or on a cluster.

Every engine offers `map_ordered(fn, chunks)`, which yields `(chunk, fn(chunk))` in input
order while keeping at most `in_flight` chunks submitted, so a corpus of any size streams
through in flat memory.

- `InProcessEngine` (workers=1): runs in this process.
- `LocalEngine`: a `ProcessPoolExecutor` on this machine. A worker that dies (killed, out of
  memory, a crash in native code) breaks the pool: the pool is rebuilt and the chunks in
  flight are retried once; a chunk that breaks it again is split and its articles retried
  one by one, and an article that still kills its worker becomes an error record.
- `DaskEngine`: `dask.distributed` — a `LocalCluster` of worker processes, or the cluster of
  a running scheduler (`--scheduler tcp://host:8786`). Workers need kyket installed.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


PR_SET_PDEATHSIG = 1  # linux/prctl.h
WATCHDOG_INTERVAL_S = 1.0


def _die_with_parent(parent_pid: int) -> None:
    """Make this worker process end when the process that started it ends, however it ends
    (SIGKILL, the OOM killer, a cluster preemption): on Linux the kernel sends SIGKILL on the
    parent's death (prctl PR_SET_PDEATHSIG); everywhere a daemon thread checks every second
    that the parent is still the one that started us and exits the process if not."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watchdog below still applies
    if os.getppid() != parent_pid:  # the parent died before the death signal was armed
        os._exit(1)

    def watch() -> None:
        while True:
            threading.Event().wait(WATCHDOG_INTERVAL_S)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="kyket-parent-watchdog", daemon=True).start()


def _worker_init(parent_pid: int) -> None:
    """Initializer of every local worker process."""
    _die_with_parent(parent_pid)
    # The parent's SIGTERM handler (stop cleanly, keep the partial file) is inherited by the
    # fork; a worker has nothing to save, so SIGTERM ends it at once. Ctrl-C (SIGINT, sent to
    # the whole process group) is left to the parent, which shuts the pool down.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _refiller(chunks: Iterable[list], pending: deque, in_flight: int, submit: Callable) -> Callable[[], None]:
    """A function that tops `pending` up to `in_flight` submitted chunks (bounded memory)."""
    it = iter(chunks)
    state = {"done": False}

    def refill() -> None:
        while not state["done"] and len(pending) < in_flight:
            try:
                chunk = next(it)
            except StopIteration:
                state["done"] = True
                return
            pending.append(submit(chunk))

    return refill


class InProcessEngine:
    name = "local"

    def map_ordered(self, fn: Callable, chunks: Iterable[list]) -> Iterator[tuple[list, list]]:
        for chunk in chunks:
            yield chunk, fn(chunk)

    def close(self, abort: bool = False) -> None:
        pass


def _worker_died(item, exc: BaseException):
    """The record of an article whose worker process died twice while processing it."""
    from pipeline.batch import Result
    from pipeline.ingest import RawArticle
    from pipeline.records import ArticleRecord, ErrorEntry, Source
    from pipeline.sinks import record_json

    if isinstance(item, Result):
        return item
    raw: RawArticle = item
    rec = ArticleRecord(article_id=raw.article_id, source=Source(path=raw.source_path, url=raw.url, site=raw.site,
                                                                 content_sha256=raw.content_sha256()),
                        title=None, published_at=raw.published_at, authors=[], text="", text_sha256="",
                        status="error", errors=[ErrorEntry(stage="worker", type="WorkerDied",
                                                           message=f"the worker process died twice on this article: {exc}")],
                        agreements=[])
    return Result(raw.article_id, rec.source.content_sha256 or "", record_json(rec), 0, False)


class LocalEngine:
    name = "local"

    def __init__(self, workers: int, in_flight: int | None = None):
        self.workers = workers
        self.in_flight = in_flight or workers * 4
        self._ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        self.pool = self._new_pool()
        self.restarts = 0

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=self._ctx,
                                   initializer=_worker_init, initargs=(os.getpid(),))

    def _rebuild(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = self._new_pool()
        self.restarts += 1

    def _isolated(self, fn: Callable, chunk: list) -> list:
        """A chunk that broke the pool twice: each article alone, dying twice = error record."""
        out = []
        for item in chunk:
            for attempt in (1, 2):
                try:
                    out.extend(self.pool.submit(fn, [item]).result())
                    break
                except BrokenProcessPool as exc:
                    self._rebuild()
                    if attempt == 2:
                        out.append(_worker_died(item, exc))
        return out

    def map_ordered(self, fn: Callable, chunks: Iterable[list]) -> Iterator[tuple[list, list]]:
        pending: deque = deque()
        refill = _refiller(chunks, pending, self.in_flight, lambda c: [c, self.pool.submit(fn, c), 0])
        while True:
            refill()
            if not pending:
                return
            entry = pending[0]
            try:
                result = entry[1].result()
            except BrokenProcessPool:
                # a worker died and took the pool, and every chunk in flight, with it
                self._rebuild()
                entry[2] += 1
                if entry[2] >= 2:  # this chunk broke it twice: its articles one by one
                    pending.popleft()
                    isolated = self._isolated(fn, entry[0])
                    for other in pending:
                        other[1] = self.pool.submit(fn, other[0])
                    yield entry[0], isolated
                    continue
                for other in pending:
                    other[1] = self.pool.submit(fn, other[0])
                continue
            pending.popleft()
            yield entry[0], result

    def close(self, abort: bool = False) -> None:
        """Shut the pool down; `abort` (Ctrl-C, SIGTERM, an error: the chunks in flight will
        not be written) ends the workers at once instead of letting them finish their chunks."""
        if abort:
            procs = list((getattr(self.pool, "_processes", None) or {}).values())
            self.pool.shutdown(wait=False, cancel_futures=True)
            for p in procs:
                if p.is_alive():
                    p.terminate()  # SIGTERM: a worker's default action is to end
            for p in procs:
                p.join(timeout=5)
                if p.is_alive():
                    p.kill()
                    p.join(timeout=5)
            return
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskEngine:
    name = "dask"

    def __init__(self, workers: int, scheduler: str | None = None, in_flight: int | None = None):
        from dask.distributed import Client, LocalCluster

        self.cluster = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout="20s")
            except (OSError, TimeoutError) as exc:
                from pipeline.ingest import InputError

                raise InputError(f"cannot reach the dask scheduler at {scheduler} ({exc.__class__.__name__}) — "
                                 "start it (`dask scheduler`) or check the address") from None
        else:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None, silence_logs=40)
            self.client = Client(self.cluster)
        n = len(self.client.scheduler_info().get("workers", {})) or workers
        self.in_flight = in_flight or max(2, n * 4)

    def map_ordered(self, fn: Callable, chunks: Iterable[list]) -> Iterator[tuple[list, list]]:
        pending: deque = deque()
        refill = _refiller(chunks, pending, self.in_flight,
                           lambda c: (c, self.client.submit(fn, c, pure=False, retries=1)))
        while True:
            refill()
            if not pending:
                return
            chunk, fut = pending.popleft()
            yield chunk, fut.result()
            fut.release()

    def close(self, abort: bool = False) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_engine(engine: str = "local", workers: int | None = None, scheduler: str | None = None):
    workers = workers or default_workers()
    if engine == "dask":
        return DaskEngine(workers, scheduler)
    if engine != "local":
        raise ValueError(f"unknown engine {engine!r} (local or dask)")
    return InProcessEngine() if workers == 1 else LocalEngine(workers)
