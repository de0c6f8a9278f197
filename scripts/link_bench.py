"""Scale of event linking: the agreements of a run repeated 1x, 4x, 16x (ids made distinct).

    python scripts/link_bench.py RUN/records.jsonl [--repeat 1,4,16] [--copies same|reworded]
                                 [--engine local|dask] [--workers 2]

`--copies same` (default): the copies are the articles again under other ids, as a syndicated
story is; identical reports are merged before any comparison. `--copies reworded`: each copy's
evidence gets a word of its own, so no two reports are identical and every block holds k times
the reports — the worst case for blocking (its cost is then bounded by the sorted-neighbourhood
width, MAX_BLOCK, per report).

Each size runs in a fresh process (so its peak memory is its own). In that process a floor is
measured first: building the linker's mentions (party keys, dates, evidence words) from the
records, which any linking must do once per agreement; then `link` itself. Printed per size:
mentions, nodes after identical reports are merged, candidate pairs compared, events, the
floor, the linking time and its ratio to the floor, time per 1,000 mentions, and peak memory
(RSS of the process, and its growth over the baseline after imports). Linear growth shows as a
flat time per 1,000 mentions and a flat ratio to the floor. A benchmark, not a test.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _one(records: str, k: int, engine: str, workers: int, copies: str) -> dict:
    from pipeline.linking import Mention, link, mentions_from_record, party_keys

    party_keys("Hoa Kỳ")  # the gazetteers and word lists load once per process, before any timing
    base = _rss_mb()
    recs = []
    with open(records, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec.get("agreements"):
                recs.append(rec)
    t0 = time.perf_counter()
    mentions: list[Mention] = []
    for i in range(k):
        for rec in recs:
            copy = dict(rec, article_id=f"{rec['article_id']}#{i}" if i else rec["article_id"])
            copy["agreements"] = [dict(a, agreement_id=f"{a['agreement_id']}#{i}" if i else a["agreement_id"])
                                  for a in rec["agreements"]]
            if copies == "reworded" and i:
                for a in copy["agreements"]:
                    a["evidence"] = dict(a["evidence"], text=f"{a['evidence']['text']} bản{i}")
            mentions.extend(mentions_from_record(copy))
    floor = time.perf_counter() - t0
    eng = None
    if engine == "dask":
        from pipeline.engines import DaskEngine

        eng = DaskEngine(workers)
    try:
        t1 = time.perf_counter()
        linked = link(mentions, engine=eng)
        took = time.perf_counter() - t1
    finally:
        if eng is not None:
            eng.close()
    return {"repeat": k, "mentions": len(mentions), "events": len(set(linked.event_of.values())),
            "pairs": linked.pairs_compared, "floor_s": floor, "link_s": took,
            "peak_mb": _rss_mb(), "growth_mb": _rss_mb() - base}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("records")
    ap.add_argument("--repeat", default="1,4,16")
    ap.add_argument("--copies", choices=("same", "reworded"), default="same")
    ap.add_argument("--engine", choices=("local", "dask"), default="local")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if not Path(args.records).is_file():
        print(f"link_bench: {args.records} is not a file: give the records.jsonl of a `kyket run`", file=sys.stderr)
        return 2
    if args.child:
        print(json.dumps(_one(args.records, args.child, args.engine, args.workers, args.copies)))
        return 0
    rows = []
    for k in (int(x) for x in args.repeat.split(",")):
        out = subprocess.run([sys.executable, __file__, args.records, "--child", str(k), "--engine", args.engine,
                              "--workers", str(args.workers), "--copies", args.copies],
                             capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"copies {args.copies}, engine {args.engine}" + (f" ({args.workers} workers)" if args.engine == "dask" else ""))
    print(f"{'x':>3} {'mentions':>9} {'events':>7} {'pairs':>7} {'floor s':>8} {'link s':>8} {'link/floor':>10} "
          f"{'ms/1k':>8} {'peak MB':>8} {'+MB':>6}")
    for r in rows:
        print(f"{r['repeat']:>3} {r['mentions']:>9} {r['events']:>7} {r['pairs']:>7} {r['floor_s']:>8.2f} "
              f"{r['link_s']:>8.2f} {r['link_s'] / r['floor_s']:>10.2f} {1000 * r['link_s'] / r['mentions'] * 1000:>8.1f} "
              f"{r['peak_mb']:>8.0f} {r['growth_mb']:>6.0f}")
    first = rows[0]
    for r in rows[1:]:
        n = r["mentions"] / first["mentions"]
        print(f"x{r['repeat']}: {n:.0f}x the mentions took {r['link_s'] / first['link_s']:.1f}x the linking time "
              f"and {r['floor_s'] / first['floor_s']:.1f}x the floor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
