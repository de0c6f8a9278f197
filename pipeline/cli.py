"""kyket command line: run, schema, eval."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from tqdm import tqdm


def _cmd_run(args) -> int:
    from pipeline.ingest import read_articles
    from pipeline.runner import process_all
    from pipeline.sinks import write_jsonl

    out = Path(args.out)
    stats = {"records": 0, "ok": 0, "errors": 0, "agreements": 0}
    t0 = time.time()

    def counted():
        for rec in tqdm(process_all(read_articles(args.inputs)), unit="art", disable=args.quiet or None,
                        file=sys.stderr):
            stats["records"] += 1
            stats["ok" if rec.status == "ok" else "errors"] += 1
            stats["agreements"] += len(rec.agreements)
            yield rec

    write_jsonl(counted(), out / "records.jsonl")
    stats["wall_s"] = round(time.time() - t0, 2)
    print(f"records: {stats['records']}  ok: {stats['ok']}  errors: {stats['errors']}  "
          f"agreements: {stats['agreements']}  wall: {stats['wall_s']} s  -> {out / 'records.jsonl'}",
          file=sys.stderr)
    return 0


def _cmd_schema(args) -> int:
    from pipeline.records import json_schema

    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return 0


def _cmd_eval(args) -> int:
    from pipeline.config import COMPONENTS, DISABLED
    from pipeline.evaluate import evaluate, format_report

    for name in filter(None, (args.disable or "").split(",")):
        if name not in COMPONENTS:
            print(f"kyket eval: unknown component {name!r} (known: {', '.join(COMPONENTS)})", file=sys.stderr)
            return 2
        DISABLED.add(name)
    report = evaluate(Path(args.gold), Path(args.articles))
    print(format_report(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kyket", description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("run", help="extract agreements from articles into DIR/records.jsonl")
    p.add_argument("inputs", nargs="+", help="files or folders (.txt, .jsonl, .jsonl.gz)")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(fn=_cmd_run)
    p = sub.add_parser("schema", help="print the record's JSON Schema")
    p.set_defaults(fn=_cmd_schema)
    p = sub.add_parser("eval", help="score the pipeline against a gold folder")
    p.add_argument("--gold", required=True)
    p.add_argument("--articles", required=True)
    p.add_argument("--json", help="write the figures to this file")
    p.add_argument("--disable", help="comma-separated components to leave out (ablation): people.matcher, parties.ner")
    p.set_defaults(fn=_cmd_eval)
    args = parser.parse_args(argv)
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
