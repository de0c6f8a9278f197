"""kyket command line: run, diff, review, load, events, bench, schema, eval."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def _columns(args):
    from pipeline.ingest import Columns

    return Columns(id=args.id_col, text=args.text_col, html=args.html_col, url=args.url_col,
                   published_at=args.published_col, source=args.source_col)


def _on_sigterm(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def _cmd_run(args) -> int:
    import signal

    from pipeline.batch import run_batch
    from pipeline.ingest import InputError

    signal.signal(signal.SIGTERM, _on_sigterm)  # stop as cleanly as on Ctrl-C
    counts: dict[str, int] = {}

    def warehouse(eng) -> None:
        from pipeline.tables import build_warehouse

        # event linking compares its blocks on the cluster's workers when the run has one
        counts.update(build_warehouse(args.out, engine=eng if eng.name == "dask" else None))

    try:
        summary = run_batch(args.inputs, args.out, workers=args.workers, engine=args.engine,
                            scheduler=args.scheduler, force=args.force, columns=_columns(args),
                            chunk_size=args.chunk_size, quiet=args.quiet,
                            finish=None if args.no_warehouse else warehouse)
    except InputError as exc:  # found before any work started: nothing was processed or written
        print(f"kyket run: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"kyket run: interrupted; the records written so far are kept in {Path(args.out) / 'records.jsonl.partial'}"
              " — run the same command again to resume", file=sys.stderr)
        # The partial file is closed and the workers are ended (run_batch's cleanup). Leave at
        # once: a worker ended in the middle of sending a result leaves half a message in the
        # process pool's result pipe, and the pool's thread reading it — which Python joins at
        # exit — would wait for the rest for ever.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)
    except OSError as exc:
        import errno

        if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            raise
        print(f"kyket run: cannot write to {args.out}: {exc.strerror} — stopped. {Path(args.out) / 'records.jsonl'} "
              "was not touched; free some space and run the same command again to resume", file=sys.stderr)
        return 74
    print(summary.line(), file=sys.stderr)
    if summary.errors:
        print(f"errors by type ({summary.errors} articles; each record's `errors` says more):", file=sys.stderr)
        print("\n".join(summary.error_lines()), file=sys.stderr)
    if counts:
        print("tables: " + ", ".join(f"{t} {n}" for t, n in counts.items())
              + f" -> {Path(args.out) / 'tables'}, {Path(args.out) / 'kyket.duckdb'}", file=sys.stderr)
    if summary.duplicate_ids:
        shown = ", ".join(summary.duplicate_ids[:10])
        print(f"warning: {len(summary.duplicate_ids)} article ids occur more than once (all kept, in input order; "
              f"repeats renamed ID#2, ID#3 …): {shown}{' …' if len(summary.duplicate_ids) > 10 else ''}", file=sys.stderr)
    if summary.records_out and not summary.ok:
        print(f"kyket run: every article failed ({summary.errors} of {summary.records_out}) — see the error types above; "
              "check the input format and the --*-col options", file=sys.stderr)
        return 1
    if summary.errors and args.fail_on_error:
        print(f"kyket run: {summary.errors} of {summary.records_out} articles failed (--fail-on-error)", file=sys.stderr)
        return 1
    return 0


def _cmd_bench(args) -> int:
    from pipeline.bench import bench

    bench(args.corpus, workers=args.workers, sample=args.sample, repeat=args.repeat,
          plain_sample=args.plain_sample, out=args.out)
    return 0


def _cmd_schema(args) -> int:
    from pipeline.records import json_schema
    from pipeline.tables import bigquery_schema, duckdb_ddl

    if args.format == "duckdb-sql":
        print(duckdb_ddl(), end="")
    elif args.format == "bigquery":
        print(json.dumps(bigquery_schema(), ensure_ascii=False, indent=2))
    else:
        print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return 0


def _write(text: str, out: str | None) -> None:
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _selection(args):
    """The articles the pages show (--all, --only-errors, --ids, --limit), or a one-line error."""
    from pipeline.review import Selection

    ids = None
    if args.ids:
        if args.ids.startswith("@"):
            path = Path(args.ids[1:])
            if not path.is_file():
                raise ValueError(f"--ids {args.ids}: {path} is not a file (give ids separated by commas, or @FILE with one a line)")
            ids = {x.strip() for x in path.read_text(encoding="utf-8").splitlines() if x.strip()}
        else:
            ids = {x.strip() for x in args.ids.split(",") if x.strip()}
    if args.limit is not None and args.limit < 1:
        raise ValueError(f"--limit must be 1 or more (got {args.limit})")
    if args.page_size < 1:
        raise ValueError(f"--page-size must be 1 or more (got {args.page_size})")
    out = getattr(args, "out", None)
    if out and Path(out).suffix.lower() in (".html", ".htm") and not Path(out).is_dir() and (
            args.cmd == "review" or args.format == "html"):
        raise ValueError(f"--out {out}: give a folder (index.html and pages/ are written into it), not an .html file")
    return Selection(all=args.all, only_errors=args.only_errors, ids=ids, limit=args.limit)


def _label(path: str) -> str:
    """A records file named with its folder: run35k/records.jsonl."""
    p = Path(path).resolve()
    return f"{p.parent.name}/{p.name}" if p.parent.name else p.name


def _cmd_diff(args) -> int:
    import itertools

    from pipeline.diff import Summary, format_text, has_changes, iter_file_diff
    from pipeline.tables import NotRecords

    if args.format == "html":
        from pipeline.review import write_site

        if not args.out:
            print("kyket diff: --format html writes a folder: give it with --out DIR", file=sys.stderr)
            return 2
        try:
            summary = Summary()
            stream = iter_file_diff(args.old, args.new, summary)
            first = next(stream, None)  # both files are checked before the first entry comes
            sel = _selection(args)
        except (OSError, ValueError, KeyError, NotRecords) as exc:
            print(f"kyket diff: {exc}", file=sys.stderr)
            return 2
        items = ((b, a, art) for art, a, b in itertools.chain([first] if first else [], stream) if sel.wants(b, a, art))
        counts = write_site(args.out, items, f"kyket diff — {_label(args.old)} → {_label(args.new)}",
                            str(Path(args.new).resolve()), diff_mode=True, page_size=args.page_size, summary=summary)
        print(f"{counts['articles']} articles on {counts['pages']} pages -> {Path(args.out) / 'index.html'}", file=sys.stderr)
        report = {"summary": summary.as_dict()}
        return 1 if args.fail_on_change and has_changes(report) else 0
    try:  # streamed like the pages: the report keeps each article's changes, not its records
        summary = Summary()
        articles = [art for art, _a, _b in iter_file_diff(args.old, args.new, summary)]
    except (OSError, ValueError, KeyError) as exc:
        print(f"kyket diff: {exc}", file=sys.stderr)
        return 2
    report = {"summary": summary.as_dict(), "articles": articles}
    if args.format == "json":
        _write(json.dumps(report, ensure_ascii=False, indent=2) + "\n", args.out)
    else:
        _write(format_text(report), args.out)
    return 1 if args.fail_on_change and has_changes(report) else 0


def _cmd_review(args) -> int:
    from pipeline.tables import NotRecords, iter_records

    if args.export:
        from pipeline.verdicts import export

        try:
            n, problems = export(args.records, args.verdicts or None, args.export)
        except (OSError, ValueError, NotRecords) as exc:
            print(f"kyket review: {exc}", file=sys.stderr)
            return 2
        for p in problems:
            print(f"warning: {p}", file=sys.stderr)
        print(f"{n} annotations -> {args.export}", file=sys.stderr)
        return 0
    try:
        records = iter_records(args.records)
        first = next(records, None)  # a path that is no records file is told first, then the options
        sel = _selection(args)
        if args.serve:  # the whole file is checked before anything is served (the site links its events as it starts)
            for _ in records:
                pass
        else:  # the first pass checks the whole file before anything is written and links its agreements into events
            import itertools
            from dataclasses import replace

            from pipeline.review_events import index_events

            events = index_events(itertools.chain([first] if first else [], records), replace(sel).wants,
                                  args.page_size)
    except (OSError, ValueError, KeyError, NotRecords) as exc:
        print(f"kyket review: {exc}", file=sys.stderr)
        return 2
    title = f"kyket review — {_label(args.records)}"
    if args.serve:
        from pipeline.review_serve import serve

        return serve(args.records, sel, title, port=args.port, page_size=args.page_size)
    if not args.out:
        print("kyket review: give --out DIR (the folder to write), --serve or --export FILE", file=sys.stderr)
        return 2
    from pipeline.review import write_site

    items = ((rec, None, None) for rec in iter_records(args.records) if sel.wants(rec))
    counts = write_site(args.out, items, title, str(Path(args.records).resolve()), diff_mode=False,
                        page_size=args.page_size, events=events)
    print(f"{counts['articles']} articles on {counts['pages']} pages -> {Path(args.out) / 'index.html'}", file=sys.stderr)
    return 0


def _cmd_load(args) -> int:
    from pipeline.tables import load_duckdb

    try:
        counts = load_duckdb(args.records, args.duckdb)
    except (ValueError, OSError) as exc:  # not records, another schema, a locked or foreign database
        print(f"kyket load: {exc}", file=sys.stderr)
        return 2
    print("loaded: " + ", ".join(f"{t} {n}" for t, n in counts.items()) + f" -> {args.duckdb}", file=sys.stderr)
    return 0


def _event_rows_of(path: Path) -> list[dict]:
    """The events of a run folder (its kyket.duckdb, else its records.jsonl), a DuckDB database
    made by kyket, or a records file (linked here)."""
    from pipeline.tables import NotRecords, event_rows, link_records

    if path.is_dir():
        if (path / "kyket.duckdb").exists():
            path = path / "kyket.duckdb"
        elif (path / "records.jsonl").exists():
            path = path / "records.jsonl"
        else:
            raise NotRecords(f"{path} holds neither kyket.duckdb nor records.jsonl: give a `kyket run` output folder, "
                             "its records.jsonl or a database made by `kyket load`")
    if path.suffix == ".duckdb":
        import duckdb

        if not path.exists():
            raise FileNotFoundError(f"{path} does not exist: give a database made by `kyket run` or `kyket load`")
        try:
            con = duckdb.connect(str(path), read_only=True)
        except duckdb.Error as exc:
            raise NotRecords(f"{path} cannot be opened as a DuckDB database ({str(exc).splitlines()[0]}): give a "
                             "database made by `kyket run` or `kyket load`") from None
        try:
            tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
            if "events" not in tables:
                raise NotRecords(f"{path} has no events table (made by an older kyket): run `kyket load` on it again")
            cur = con.execute("SELECT * FROM events")
            cols = [d[0] for d in cur.description]
            return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
        finally:
            con.close()
    return event_rows(link_records(path))["events"]


def _cmd_events(args) -> int:
    from pipeline.linking import format_summary

    try:
        rows = _event_rows_of(Path(args.path))
    except (OSError, ValueError) as exc:
        print(f"kyket events: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(format_summary(rows, top=args.top))
    return 0


def _cmd_eval(args) -> int:
    from pipeline.config import COMPONENTS, DISABLED
    from pipeline.evaluate import evaluate, format_report

    for flag, names in (("--disable", args.disable), ("--enable", args.enable)):
        for name in filter(None, (names or "").split(",")):
            if name not in COMPONENTS:
                print(f"kyket eval: unknown component {name!r} in {flag} (known: {', '.join(COMPONENTS)})",
                      file=sys.stderr)
                return 2
            (DISABLED.add if flag == "--disable" else DISABLED.discard)(name)
    only = None
    if args.set:
        sets = json.loads((Path(args.gold).parent / "sets.json").read_text(encoding="utf-8"))
        if args.set not in sets or args.set.startswith("_"):
            print(f"kyket eval: no set {args.set!r} in {Path(args.gold).parent / 'sets.json'} "
                  f"(sets: {', '.join(k for k in sets if not k.startswith('_'))})", file=sys.stderr)
            return 2
        only = set(sets[args.set])
    if args.cv and args.extra:
        print("kyket eval: --extra is scored by a plain eval, not with --cv (train with it: kyket train --extra)",
              file=sys.stderr)
        return 2
    if args.cv:
        from pipeline.evaluate import pool, score
        from pipeline.train import repeated_cross_validation

        if args.cv < 2:
            print("kyket eval: --cv needs at least 2 folds", file=sys.stderr)
            return 2
        if args.repeat < 1:
            print(f"kyket eval: --repeat must be 1 or more (got {args.repeat})", file=sys.stderr)
            return 2
        problem = _labelled_problem(args.gold, args.articles)
        if problem:
            print(f"kyket eval: {problem}", file=sys.stderr)
            return 2
        disabled = [n.removesuffix(".model") for n in DISABLED if n.endswith(".model")]
        try:
            runs, golds = repeated_cross_validation(Path(args.gold), Path(args.articles), args.cv, args.repeat,
                                                    disabled=disabled, annotations=_annotations(args),
                                                    shared=_shared(args))
        except ValueError as exc:  # an annotations file that cannot be read, or its corpus missing
            print(f"kyket eval: {exc}", file=sys.stderr)
            return 2
        if only is not None:
            golds = {a: g for a, g in golds.items() if a in only}
        reports = [score(records, golds) for records in runs]
        report = pool(reports) if len(reports) > 1 else reports[0]
        report["cv_folds"] = args.cv
        splits = f", pooled over {args.repeat} splits" if args.repeat > 1 else ""
        print(f"{args.cv}-fold cross-validation (split by article; every trained part retrained per fold{splits})")
    else:
        try:
            report = evaluate(Path(args.gold), Path(args.articles), only=only,
                              extra=Path(args.extra) if args.extra else None)
        except ValueError as exc:  # an annotations file that cannot be read or no longer fits its run
            print(f"kyket eval: {exc}", file=sys.stderr)
            return 2
    print(format_report(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def _annotation_args(p) -> None:
    p.add_argument("--annotations", metavar="FILE",
                   help="stand-off signing annotations that train the date and mention models beside the gold (default: the "
                        "repository's data/annotations/signings.jsonl when present; 'none' for none)")
    p.add_argument("--shared", metavar="DIR", help="the shared data folder the annotations' corpus paths are relative "
                                                   "to (default: the gold folder's grandparent, ../shared)")


def _annotations(args) -> Path | None:
    """The annotations file to train with: the one given, else the repository's when its corpus
    is there (a gold folder outside ../shared trains without it, and says so)."""
    from pipeline import annotations as annotations_x

    if args.annotations == "none":
        return None
    if args.annotations:
        return Path(args.annotations)
    path = annotations_x.default_path()
    if path is None:
        return None
    missing = annotations_x.missing_corpus(path, _shared(args))
    if missing is not None:
        print(f"kyket {args.cmd}: training without the repository's signing annotations ({missing} is absent; "
              "give --shared DIR)", file=sys.stderr)
        return None
    return path


def _shared(args) -> Path:
    from pipeline import annotations as annotations_x

    return Path(args.shared) if args.shared else annotations_x.shared_root(args.gold)


def _labelled_problem(gold: str, articles: str) -> str | None:
    """Why a gold/articles pair cannot train models, or None: both folders, gold files, and
    articles with those ids."""
    from pipeline.evaluate import load_golds

    for d in (gold, articles):
        if not Path(d).is_dir():
            return f"{d} is not a folder (give the labelled gold and articles folders)"
    golds = load_golds(Path(gold))
    if not golds:
        return f"{gold} holds no gold files (*.json, one per article, as ../shared/dev/GUIDELINES.md describes)"
    if not any((Path(articles) / f"{a}.txt").exists() for a in golds):
        return f"no article of {gold} is in {articles} (articles are matched to gold files by file name)"
    return None


def _cmd_train(args) -> int:
    from pipeline import models
    from pipeline.train import train

    problem = _labelled_problem(args.gold, args.articles)
    if problem:
        print(f"kyket train: {problem}", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else models.MODEL_DIR
    try:
        fitted = train(Path(args.gold), Path(args.articles), out, extra=Path(args.extra) if args.extra else None,
                       annotations=_annotations(args), shared=_shared(args))
    except ValueError as exc:  # an annotations file that cannot be read, or an article that cannot be
        print(f"kyket train: {exc}", file=sys.stderr)
        return 2
    for m in fitted.values():
        print(f"{m.name}: {m.meta['examples']} examples from {m.meta['articles']} articles, "
              f"{m.meta['features']} features, classes {m.meta['counts']} -> {out / (m.name + '.json')}")
    return 0


def _page_options(p, default: str) -> None:
    p.add_argument("--all", action="store_true", help=f"every article (default: {default} only)")
    p.add_argument("--only-errors", action="store_true", help="only articles whose extraction failed")
    p.add_argument("--ids", help="only these article ids: ID,ID,… or @FILE (one a line)")
    p.add_argument("--limit", type=int, help="at most this many articles")
    p.add_argument("--page-size", type=int, default=50, help="articles per page (default 50)")


def main(argv: list[str] | None = None) -> int:
    from pipeline.records import KYKET_VERSION, SCHEMA_VERSION

    parser = argparse.ArgumentParser(prog="kyket", description=__doc__)
    parser.add_argument("--version", action="version", version=f"kyket {KYKET_VERSION} (record schema {SCHEMA_VERSION})")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("run", help="extract agreements from articles into DIR/records.jsonl")
    p.add_argument("inputs", nargs="+", help="files or folders: .txt, .html/.htm, .jsonl, .csv, .parquet "
                                             "(.gz or not), .warc/.warc.gz")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    p.add_argument("--engine", choices=("local", "dask"), default="local")
    p.add_argument("--scheduler", help="dask scheduler address (tcp://host:8786); without it a local cluster")
    p.add_argument("--force", action="store_true", help="redo every article, ignore what DIR holds")
    p.add_argument("--chunk-size", type=int, default=64, help="articles per task")
    for col, default in (("id", "id"), ("text", "text"), ("html", "html"), ("url", "url"),
                         ("published", "published_at"), ("source", "source")):
        p.add_argument(f"--{col}-col", default=default, help=f"table column with the {col} (default {default})")
    p.add_argument("--quiet", action="store_true", help="no progress bar or log lines")
    p.add_argument("--no-warehouse", action="store_true", help="write records.jsonl only (no tables/, no kyket.duckdb)")
    p.add_argument("--fail-on-error", action="store_true",
                   help="exit 1 when any article failed (a run in which every article failed always exits 1)")
    p.set_defaults(fn=_cmd_run)
    p = sub.add_parser("bench", help="throughput, memory and speed-up figures on a corpus (a script, not a test)")
    p.add_argument("corpus", help="a JSONL(.gz) corpus, e.g. ../shared/bench/baomoi-35k.jsonl.gz")
    p.add_argument("--workers", type=int, default=None, help="workers for the full run (default: all cores)")
    p.add_argument("--sample", type=int, default=4000, help="articles for the 1-vs-N worker scaling run")
    p.add_argument("--plain-sample", type=int, default=500, help="articles for the plain underthesea comparison")
    p.add_argument("--repeat", type=int, default=1, help="stream the corpus this many times (memory check)")
    p.add_argument("--out", default=None, help="output folder (default: a temporary one)")
    p.set_defaults(fn=_cmd_bench)
    p = sub.add_parser("schema", help="print the record's JSON Schema, the tables' DuckDB DDL or a BigQuery schema")
    p.add_argument("--format", choices=("json-schema", "duckdb-sql", "bigquery"), default="json-schema")
    p.set_defaults(fn=_cmd_schema)
    p = sub.add_parser("diff", help="what changed between two records files, article by article")
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--format", choices=("text", "json", "html"), default="text",
                   help="html writes a folder of pages (index.html + pages/) to --out")
    p.add_argument("--out", help="write here instead of stdout (a folder for --format html)")
    p.add_argument("--fail-on-change", action="store_true", help="exit 1 when anything changed (for CI)")
    _page_options(p, "changed articles")
    p.set_defaults(fn=_cmd_diff)
    p = sub.add_parser("review", help="pages to review a records file, mark verdicts and export them")
    p.add_argument("records", help="a records.jsonl written by kyket run")
    p.add_argument("--out", help="the folder to write (index.html + pages/)")
    p.add_argument("--serve", action="store_true",
                   help="serve the pages on 127.0.0.1 instead; verdicts are saved to verdicts.jsonl beside the records")
    p.add_argument("--port", type=int, default=8765, help="port for --serve (0: any free one)")
    p.add_argument("--export", metavar="FILE",
                   help="write the verdicts as stand-off annotations (JSONL) for kyket train/eval --extra")
    p.add_argument("--verdicts", action="append", metavar="FILE",
                   help="verdicts file(s) to export (default: verdicts.jsonl beside the records; a file "
                        "downloaded from the static pages too)")
    _page_options(p, "articles with agreements")
    p.set_defaults(fn=_cmd_review)
    p = sub.add_parser("load", help="upsert a records file into a DuckDB database (idempotent, by article)")
    p.add_argument("records", help="a records.jsonl written by kyket run")
    p.add_argument("--duckdb", required=True, help="database file (created if missing)")
    p.set_defaults(fn=_cmd_load)
    p = sub.add_parser("events", help="signings linked across articles: counts, the largest events, events per month")
    p.add_argument("path", help="a `kyket run` output folder, its records.jsonl, or a DuckDB database made by kyket")
    p.add_argument("--top", type=int, default=10, help="how many of the largest events to list")
    p.set_defaults(fn=_cmd_events)
    p = sub.add_parser("eval", help="score the pipeline against a gold folder")
    p.add_argument("--gold", required=True)
    p.add_argument("--articles", required=True)
    p.add_argument("--json", help="write the figures to this file")
    p.add_argument("--disable", help="comma-separated components to leave out (ablation): people.matcher, "
                                     "mentions.model, parties.model, dates.model, locations.model, signers.model, "
                                     "clauses.model")
    p.add_argument("--enable", help="comma-separated optional components to add: parties.ner (underthesea's CRF "
                                    "NER, off by default)")
    p.add_argument("--cv", type=int, default=0, metavar="K",
                   help="K-fold cross-validation by article: retrain every trained part on K-1 folds, score the "
                        "held-out one, report the pooled figures")
    p.add_argument("--repeat", type=int, default=1, metavar="N",
                   help="with --cv: repeat it over N different splits into folds and pool the figures (the spread "
                        "between splits is printed too)")
    p.add_argument("--set", help="score only this group of sets.json beside the gold folder (dev65, bench126, bench250)")
    p.add_argument("--extra", metavar="FILE", help="editors' verdicts exported by `kyket review --export`: scored as "
                                                  "extra gold (agreements only)")
    _annotation_args(p)
    p.set_defaults(fn=_cmd_eval)
    p = sub.add_parser("train", help="rebuild the trained models from labelled articles (deterministic)")
    p.add_argument("--gold", required=True, help="gold folder, e.g. ../shared/dev/gold")
    p.add_argument("--articles", required=True, help="articles folder, e.g. ../shared/dev/articles")
    p.add_argument("--out", default=None, help="model folder (default: the package's extractors/models)")
    p.add_argument("--extra", metavar="FILE", help="editors' verdicts exported by `kyket review --export`: extra "
                                                  "labelled articles (text from the run's records)")
    _annotation_args(p)
    p.set_defaults(fn=_cmd_train)
    args = parser.parse_args(argv)
    return _dispatch(args)


def _dispatch(args) -> int:
    """Run a subcommand; whatever it did not foresee becomes one line and a hint, not a traceback
    (KYKET_DEBUG=1 shows the traceback)."""
    import os

    try:
        return args.fn(args)
    except KeyboardInterrupt:
        print(f"kyket {args.cmd}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `kyket diff … | head`: quiet, and no second error when Python flushes at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # noqa: BLE001 — the last line of defence
        if os.environ.get("KYKET_DEBUG"):
            raise
        if isinstance(exc, OSError) and (exc.strerror or str(exc)):
            what = (f"{exc.strerror}" + (f": {exc.filename}" if exc.filename else "")) if exc.strerror else str(exc)
            print(f"kyket {args.cmd}: {what} — check the path and its permissions, then run the command again",
                  file=sys.stderr)
            return 2 if isinstance(exc, (FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError)) else 74
        text = str(exc).splitlines()[0] if str(exc) else ""
        print(f"kyket {args.cmd}: unexpected error ({type(exc).__name__}{': ' + text[:300] if text else ''}) — "
              "rerun with KYKET_DEBUG=1 to see where, and report it with that output", file=sys.stderr)
        return 70


if __name__ == "__main__":
    sys.exit(main())
