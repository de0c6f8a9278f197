"""The command line as a new user meets it: every mistake is one clear sentence with what to
do, a non-zero exit and no traceback; checks happen before any work; failures are visible."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.records import KYKET_VERSION, SCHEMA_VERSION
from tests.conftest import RAW, ROOT

SEED0 = RAW / "000_55cc4aec36ea11a4.txt"


def _cli(capsys, *argv: str) -> tuple[int, str]:
    rc = main(list(argv))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return rc, err


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _one_line(err: str) -> str:
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1, err
    return lines[0]


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"kyket {KYKET_VERSION} (record schema {SCHEMA_VERSION})"


def test_missing_input_is_one_sentence_and_creates_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    rc, err = _cli(capsys, "run", "/no/such.jsonl", "--out", str(out))
    assert rc == 2
    assert _one_line(err) == "kyket run: input not found: /no/such.jsonl — check the path (nothing was processed)"
    assert not out.exists()  # no empty .partial left behind


def test_missing_second_input_is_found_before_the_first_is_processed(tmp_path, capsys, monkeypatch):
    import pipeline.batch as batch

    first = _jsonl(tmp_path / "a.jsonl", [{"id": "a", "text": "Bài một."}])
    called = []
    monkeypatch.setattr(batch, "process_chunk", lambda items: called.append(items))
    out = tmp_path / "out"
    rc, err = _cli(capsys, "run", str(first), str(tmp_path / "b.jsonl"), "--out", str(out), "--workers", "1")
    assert rc == 2 and f"input not found: {tmp_path / 'b.jsonl'}" in err
    assert called == [] and not out.exists()


@pytest.mark.parametrize("n", ["-3", "0"])
def test_workers_must_be_positive(tmp_path, capsys, n):
    rc, err = _cli(capsys, "run", str(SEED0), "--out", str(tmp_path / "o"), "--workers", n)
    assert rc == 2
    assert _one_line(err) == f"kyket run: --workers must be 1 or more (got {n}); leave it out to use every core"


def test_out_naming_an_existing_file(tmp_path, capsys):
    existing = tmp_path / "notes.txt"
    existing.write_text("mine", encoding="utf-8")
    rc, err = _cli(capsys, "run", str(SEED0), "--out", str(existing))
    assert rc == 2
    assert _one_line(err) == (f"kyket run: --out {existing} is an existing file, not a folder: give a folder name "
                              "(it is created if missing)")
    assert existing.read_text(encoding="utf-8") == "mine"


def test_unknown_file_type(tmp_path, capsys):
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    rc, err = _cli(capsys, "run", str(pdf), "--out", str(tmp_path / "o"))
    assert rc == 2 and f"{pdf}: kyket cannot read this type of file; inputs are .txt" in err


def _table(tmp_path: Path, kind: str, cols: dict[str, list]) -> Path:
    if kind == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = tmp_path / "t.parquet"
        pq.write_table(pa.table(cols), path)
    elif kind == "csv":
        import csv

        path = tmp_path / "t.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(list(cols))
            w.writerows(zip(*cols.values(), strict=True))
    else:
        path = _jsonl(tmp_path / "t.jsonl", [dict(zip(cols, vals, strict=True)) for vals in zip(*cols.values(), strict=True)])
    return path


@pytest.mark.parametrize("kind", ["parquet", "csv", "jsonl"])
def test_table_without_the_text_column_fails_up_front(tmp_path, capsys, kind):
    path = _table(tmp_path, kind, {"doc_id": ["a", "b"], "body": ["Bài một.", "Bài hai."]})
    out = tmp_path / "out"
    rc, err = _cli(capsys, "run", str(path), "--out", str(out))
    assert rc == 2
    assert _one_line(err) == (f"kyket run: column 'text' not found in {path}; available: doc_id, body — use --text-col "
                              "(or --html-col for a column of HTML pages)")
    assert not out.exists()
    # with the right column names the same file runs
    rc, err = _cli(capsys, "run", str(path), "--out", str(out), "--id-col", "doc_id", "--text-col", "body",
                   "--workers", "1", "--quiet", "--no-warehouse")
    assert rc == 0 and "records out: 2  ok: 2" in err


def test_table_without_the_id_column(tmp_path, capsys):
    path = _table(tmp_path, "parquet", {"doc_id": ["a"], "text": ["Bài một."]})
    rc, err = _cli(capsys, "run", str(path), "--out", str(tmp_path / "o"))
    assert rc == 2
    assert _one_line(err) == (f"kyket run: column 'id' not found in {path}; available: doc_id, text — use --id-col "
                              "(--id-col '' numbers the rows: FILE:N)")
    rc, err = _cli(capsys, "run", str(path), "--out", str(tmp_path / "o"), "--id-col", "", "--workers", "1", "--quiet",
                   "--no-warehouse")
    assert rc == 0 and json.loads((tmp_path / "o" / "records.jsonl").read_text(encoding="utf-8"))["article_id"] == "t:1"


def test_error_types_are_summarised_and_fail_on_error(tmp_path, capsys):
    path = _jsonl(tmp_path / "a.jsonl", [{"id": "good", "text": "Một bài báo ngắn."}, {"id": "empty", "text": ""},
                                         {"id": "notext", "html": None}, {"id": "empty2", "text": "   "}])
    out = tmp_path / "out"
    args = ["run", str(path), "--out", str(out), "--workers", "1", "--quiet", "--no-warehouse"]
    rc, err = _cli(capsys, *args)
    assert rc == 0  # some failed, not all: the run itself succeeded
    assert "errors: 3" in err and "errors by type (3 articles" in err
    lines = err.splitlines()
    by_kind = [x for x in lines if x.startswith("  ")]
    assert by_kind[0].split()[:2] == ["2", "ValueError"] and "e.g. empty: empty article" in by_kind[0]
    assert by_kind[1].split()[:2] == ["1", "MissingText"] and "e.g. notext:" in by_kind[1]
    rc, err = _cli(capsys, *args, "--fail-on-error")
    assert rc == 1 and "3 of 4 articles failed (--fail-on-error)" in err


def test_a_run_in_which_every_article_failed_exits_non_zero(tmp_path, capsys):
    path = _jsonl(tmp_path / "a.jsonl", [{"id": "a", "text": ""}, {"id": "b", "text": " "}])
    rc, err = _cli(capsys, "run", str(path), "--out", str(tmp_path / "out"), "--workers", "1", "--quiet")
    assert rc == 1
    assert "kyket run: every article failed (2 of 2)" in err and "2  ValueError  e.g. a: empty article" in err


def test_an_unexpected_exception_is_one_line_with_a_hint(tmp_path, capsys, monkeypatch):
    import pipeline.batch as batch

    def broken(*a, **k):
        raise RuntimeError("something nobody foresaw")

    monkeypatch.setattr(batch, "run_batch", broken)
    rc, err = _cli(capsys, "run", str(SEED0), "--out", str(tmp_path / "o"))
    assert rc == 70
    assert _one_line(err) == ("kyket run: unexpected error (RuntimeError: something nobody foresaw) — rerun with "
                              "KYKET_DEBUG=1 to see where, and report it with that output")


@pytest.fixture(scope="module")
def records_file(tmp_path_factory) -> Path:
    from pipeline.batch import run_batch

    out = tmp_path_factory.mktemp("recs")
    run_batch([str(SEED0)], out, workers=1, quiet=True)
    return out / "records.jsonl"


def test_load_and_diff_refuse_a_file_that_is_not_records(tmp_path, capsys, records_file):
    raw = _jsonl(tmp_path / "articles.jsonl", [{"id": "a", "text": "Bài một."}])
    rc, err = _cli(capsys, "load", str(raw), "--duckdb", str(tmp_path / "w.duckdb"))
    assert rc == 2
    assert _one_line(err) == (f"kyket load: {raw}:1: not a kyket record (no 'article_id'/'schema_version'; found: id, "
                              "text) — give a records.jsonl written by `kyket run`; articles to extract are read by "
                              "`kyket run`")
    assert not (tmp_path / "w.duckdb").exists()  # checked before the database is created
    rc, err = _cli(capsys, "diff", str(records_file), str(raw))
    assert rc == 2 and f"kyket diff: {raw}:1: not a kyket record" in _one_line(err)
    binary = tmp_path / "x.parquet"
    binary.write_bytes(b"PAR1\xff\xfe\x00\x01" * 10)
    rc, err = _cli(capsys, "diff", str(binary), str(records_file))
    assert rc == 2 and _one_line(err) == (f"kyket diff: {binary} is not a UTF-8 JSONL file (compressed or binary?): "
                                          "give a records.jsonl written by `kyket run`")
    rc, err = _cli(capsys, "load", str(tmp_path / "nope.jsonl"), "--duckdb", str(tmp_path / "w.duckdb"))
    assert rc == 2 and "nope.jsonl does not exist: give a records.jsonl written by `kyket run`" in err


def test_load_into_a_locked_database(tmp_path, capsys, records_file):
    db = tmp_path / "w.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('ready', flush=True); time.sleep(60)", str(db)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        rc, err = _cli(capsys, "load", str(records_file), "--duckdb", str(db))
        assert rc == 2
        assert _one_line(err) == (f"kyket load: {db} is open in another program (DuckDB allows one writer at a "
                                  "time): close that program (a duckdb shell, a notebook) and run the command again")
    finally:
        holder.kill()
        holder.wait()
    rc, err = _cli(capsys, "load", str(records_file), "--duckdb", str(db))
    assert rc == 0 and "loaded: articles 1" in err


def test_load_into_a_file_that_is_not_a_database(tmp_path, capsys, records_file):
    db = tmp_path / "notes.duckdb"
    db.write_text("not a database " * 400, encoding="utf-8")
    rc, err = _cli(capsys, "load", str(records_file), "--duckdb", str(db))
    assert rc == 2 and f"kyket load: {db} cannot be opened as a DuckDB database" in _one_line(err)


def test_the_installed_command_prints_no_traceback(tmp_path):
    """The real entry point, in a fresh process: the same sentences, no traceback."""
    t = time.time()
    res = subprocess.run([sys.executable, "-m", "pipeline.cli", "run", "/no/such.jsonl", "--out", str(tmp_path / "o"),
                          "--workers", "-3"], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert res.stderr.strip() == "kyket run: --workers must be 1 or more (got -3); leave it out to use every core"
    assert time.time() - t < 60


def test_a_dask_scheduler_that_cannot_be_reached(tmp_path, capsys):
    out = tmp_path / "out"
    rc, err = _cli(capsys, "run", str(SEED0), "--out", str(out), "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9")
    assert rc == 2
    assert _one_line(err).startswith("kyket run: cannot reach the dask scheduler at tcp://127.0.0.1:9 (")
    assert "start it (`dask scheduler`) or check the address" in err
    assert not (out / "records.jsonl.partial").exists()


def test_a_missing_path_anywhere_is_one_line(tmp_path, capsys):
    rc, err = _cli(capsys, "eval", "--gold", str(tmp_path / "gold"), "--articles", str(tmp_path / "arts"))
    assert rc == 2 and _one_line(err).startswith("kyket eval: ") and str(tmp_path) in err
    rc, err = _cli(capsys, "review", str(tmp_path), "--out", str(tmp_path / "r.html"))
    assert rc == 2 and _one_line(err) == f"kyket review: {tmp_path} is a folder: give a records.jsonl written by `kyket run`"


def test_python_api(tmp_path):
    import kyket

    assert kyket.__version__ == KYKET_VERSION
    rec = kyket.extract(SEED0.read_text(encoding="utf-8"), published_at="2023-11", url="https://example.invalid/a")
    assert rec["schema_version"] == SCHEMA_VERSION and rec["source"]["kyket_version"] == KYKET_VERSION
    assert rec["source"]["url"] == "https://example.invalid/a" and rec["published_at"] == "2023-11"
    (ag,) = rec["agreements"]
    assert ag["date"]["value"] == "2023-11-11" and rec["text"][ag["evidence"]["start"]:ag["evidence"]["end"]] == ag["evidence"]["text"]
    assert kyket.extract(b"\x89PNG\r\n\x1a\n\x00\x00")["status"] == "error"  # never raises for a bad article
    summary = kyket.run(RAW, tmp_path / "out", workers=1)
    assert summary["articles_in"] == summary["records_out"] == 5 and summary["errors"] == 0
    assert summary["tables"]["agreements"] == 4 and (tmp_path / "out" / "kyket.duckdb").exists()
    with pytest.raises(kyket.InputError, match="input not found"):
        kyket.run([RAW, tmp_path / "missing"], tmp_path / "out2")
    assert not (tmp_path / "out2").exists()


def test_train_and_cv_refuse_folders_without_labelled_articles(capsys, tmp_path):
    gold, arts = tmp_path / "gold", tmp_path / "articles"
    gold.mkdir()
    arts.mkdir()
    out = tmp_path / "models"
    rc, err = _cli(capsys, "train", "--gold", str(gold), "--articles", str(arts), "--out", str(out))
    assert rc == 2 and "holds no gold files" in _one_line(err) and not out.exists()
    (gold / "a1.json").write_text('{"agreements": []}', encoding="utf-8")
    rc, err = _cli(capsys, "eval", "--gold", str(gold), "--articles", str(arts), "--cv", "5")
    assert rc == 2 and "no article of" in _one_line(err)
    rc, err = _cli(capsys, "train", "--gold", str(tmp_path / "nope"), "--articles", str(arts))
    assert rc == 2 and "is not a folder" in _one_line(err)


def test_cv_repeat_must_be_positive(capsys, tmp_path):
    rc, err = _cli(capsys, "eval", "--gold", str(tmp_path), "--articles", str(tmp_path), "--cv", "5", "--repeat", "0")
    assert rc == 2 and _one_line(err) == "kyket eval: --repeat must be 1 or more (got 0)"


def test_pooled_figures_sum_the_splits_counts_and_give_their_spread():
    from pipeline.evaluate import format_report, pool

    def rep(tp, fp, fn, ok, n):
        prf = {"precision": 0, "recall": 0, "f1": round(2 * tp / (2 * tp + fp + fn), 4), "tp": tp, "fp": fp, "fn": fn}
        acc = {"accuracy": round(ok / n, 4), "correct": ok, "total": n}
        r = {"articles": 10}
        for k in ("detection", "agreements", "parties", "signatories", "clauses", "relations"):
            r[k] = dict(prf)
        for k in ("date", "part_of_day", "status", "type", "location", "period", "title", "boilerplate",
                  "article_title", "authors", "published_at"):
            r[k] = dict(acc)
        return r

    pooled = pool([rep(8, 2, 2, 7, 10), rep(6, 0, 4, 9, 10)])
    assert pooled["detection"] == {"precision": 0.875, "recall": 0.7, "f1": 0.7778, "tp": 14, "fp": 2, "fn": 6}
    assert pooled["date"] == {"accuracy": 0.8, "correct": 16, "total": 20}
    assert pooled["spread"]["date"] == [0.7, 0.9] and pooled["spread"]["detection"] == [0.75, 0.8]
    assert "lowest and highest of the 2 splits: detection 0.750–0.800" in format_report(pooled)
