"""`kyket bench CORPUS`: the speed and memory figures of a batch run, printed.

0. The floor: one core reads, parses and normalises every article and runs one regex over
   it; the full run's wall time is printed as a ratio to it (same run, same machine).
1. The whole corpus with N workers (default all cores): articles/s, MB/s of article text,
   wall time, CPU seconds of all processes (as a ratio to the floor's CPU seconds: other
   users' load on a shared machine inflates wall time, not CPU time), peak memory of all processes (sampled RSS of this process and its children),
   agreements, errors. `--repeat K` streams the corpus K times (a K× larger input) to show
   that memory stays flat.
2. Scaling: a sample run with 1 worker and with N workers, and the ratio of throughputs.
3. Against a plain underthesea pass (sent_tokenize + word_tokenize + ner over every
   sentence, what a naive pipeline does) on a small sample: the ratio of their times.

It is a script, not a test: the figures depend on the machine. The README's performance
section quotes its output with the command line.
"""
from __future__ import annotations

import itertools
import json
import os
import tempfile
import threading
import time
from pathlib import Path

import regex

from pipeline.batch import run_batch
from pipeline.engines import default_workers
from pipeline.ingest import open_text


class PeakMemory:
    """Peak summed RSS of this process and all its descendants, sampled every 0.1 s."""

    def __init__(self, interval: float = 0.1):
        import psutil

        self.proc = psutil.Process()
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        import psutil

        total = 0
        for p in [self.proc, *self.proc.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._sample())


def _sample_file(corpus: Path, n: int, dest: Path) -> Path:
    with open_text(corpus) as src, dest.open("w", encoding="utf-8") as out:
        for line in itertools.islice(src, n):
            out.write(line)
    return dest


def _text_mb(corpus: Path) -> tuple[int, float]:
    n, size = 0, 0
    with open_text(corpus) as fh:
        for line in fh:
            try:
                size += len((json.loads(line).get("text") or "").encode("utf-8"))
            except (ValueError, AttributeError):
                pass
            n += 1
    return n, size / 1e6


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and of its children that have ended (the
    workers of a finished run): other users' load on a shared machine does not count."""
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _timed_run(inputs: list[str], out: Path, workers: int, cpu: list | None = None) -> tuple[float, int, object]:
    with PeakMemory() as mem:
        t, c = time.perf_counter(), cpu_seconds()
        summary = run_batch(inputs, out, workers=workers, force=True, quiet=True)
        wall = time.perf_counter() - t
        if cpu is not None:
            cpu.append(cpu_seconds() - c)
    return wall, mem.peak, summary


def plain_underthesea(texts: list[str]) -> float:
    """Seconds for sent_tokenize + word_tokenize + ner over every sentence of `texts`."""
    from underthesea import ner, sent_tokenize, word_tokenize

    t = time.perf_counter()
    for text in texts:
        for sent in sent_tokenize(text):
            word_tokenize(sent)
            ner(sent)
    return time.perf_counter() - t


_FLOOR_REGEX = regex.compile(r"(?i)(?<!\p{L})k[ýí]\s+kết(?!\p{L})")


def floor_pass(path: Path) -> float:
    """Seconds for the least any pipeline does, on one core: read the corpus, parse each
    line, normalise its text, run one regular expression over it. Measured in the same run
    as the figures it is the unit of (the machine is shared and noisy)."""
    from pipeline.textnorm import normalize_unicode

    t = time.perf_counter()
    with open_text(path) as fh:
        for line in fh:
            if line.strip():
                _FLOOR_REGEX.search(normalize_unicode(json.loads(line).get("text") or ""))
    return time.perf_counter() - t


def bench(corpus: str, workers: int | None = None, sample: int = 4000, repeat: int = 1,
          plain_sample: int = 500, out: str | None = None) -> dict:
    path = Path(corpus)
    workers = workers or default_workers()
    tmp = Path(out) if out else Path(tempfile.mkdtemp(prefix="kyket-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    figures: dict = {"corpus": str(path), "workers": workers, "cpu_count": os.cpu_count()}
    print(f"corpus: {path}  workers: {workers}  cores: {os.cpu_count()}", flush=True)

    n_articles, mb = _text_mb(path)
    c = cpu_seconds()
    floor = floor_pass(path) * repeat
    floor_cpu = (cpu_seconds() - c) * repeat
    figures["floor_s"] = floor  # unrounded: a tiny corpus reads in well under a millisecond
    figures["floor_cpu_s"] = floor_cpu
    print(f"floor (one core: read, parse, normalise, one regex over every article): {floor:.2f} s", flush=True)
    cpu: list[float] = []
    wall, peak, summary = _timed_run([str(path)] * repeat, tmp / "full", workers, cpu)
    arts = n_articles * repeat
    figures["full"] = {"articles": arts, "text_mb": round(mb * repeat, 1), "wall_s": round(wall, 2),
                       "articles_per_s": round(arts / wall, 1), "mb_per_s": round(mb * repeat / wall, 2),
                       "peak_memory_mb": round(peak / 2**20), "agreements": summary.agreements,
                       "errors": summary.errors, "records": summary.records_out}
    f = figures["full"]
    f["floor_ratio"] = round(wall / floor, 1) if floor else None
    f["cpu_s"] = round(cpu[0], 2)
    f["cpu_floor_ratio"] = round(cpu[0] / floor_cpu, 1) if floor_cpu else None
    print(f"full run (x{repeat}): {f['articles']} articles, {f['text_mb']} MB text in {f['wall_s']} s = "
          f"{f['articles_per_s']} articles/s, {f['mb_per_s']} MB/s; peak memory (all processes) "
          f"{f['peak_memory_mb']} MB; agreements {f['agreements']}; errors {f['errors']}; "
          f"records {f['records']}; x{f['floor_ratio']} the floor", flush=True)
    # CPU seconds do not grow with other users' load the way wall time does on a shared machine
    print(f"CPU (all processes): {f['cpu_s']} s against the floor's {floor_cpu:.2f} s: x{f['cpu_floor_ratio']}; "
          f"over {workers} workers: x{f['cpu_floor_ratio'] / workers:.1f} the floor if every core were the run's",
          flush=True)

    if sample:
        sfile = _sample_file(path, sample, tmp / "sample.jsonl")
        w1, _p1, _s1 = _timed_run([str(sfile)], tmp / "w1", 1)
        wn, _pn, _sn = _timed_run([str(sfile)], tmp / f"w{workers}", workers)
        figures["scaling"] = {"articles": sample, "wall_1_s": round(w1, 2), f"wall_{workers}_s": round(wn, 2),
                              "speedup": round(w1 / wn, 2)}
        print(f"scaling on {sample} articles: 1 worker {w1:.2f} s ({sample / w1:.0f} art/s), {workers} workers "
              f"{wn:.2f} s ({sample / wn:.0f} art/s): x{w1 / wn:.2f}", flush=True)

    if plain_sample:
        pfile = _sample_file(path, plain_sample, tmp / "plain.jsonl")
        texts = [json.loads(line)["text"] for line in pfile.open(encoding="utf-8")]
        ours, _p, _s = _timed_run([str(pfile)], tmp / "plain-ours", 1)
        plain = plain_underthesea(texts)
        figures["plain"] = {"articles": plain_sample, "kyket_s": round(ours, 2), "plain_underthesea_s": round(plain, 2),
                            "ratio": round(plain / ours, 1)}
        print(f"plain underthesea pass on {plain_sample} articles (1 core): {plain:.1f} s "
              f"({plain_sample / plain:.1f} art/s); kyket, 1 worker, same articles: {ours:.2f} s "
              f"({plain_sample / ours:.0f} art/s): kyket is x{plain / ours:.0f} faster", flush=True)
    (tmp / "bench.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(f"figures: {tmp / 'bench.json'}", flush=True)
    return figures
