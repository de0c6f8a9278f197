"""Warehouse output: Parquet tables, DuckDB, idempotent loads, schemas, README queries, notebook."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from pipeline.batch import run_batch
from pipeline.records import SCHEMA_VERSION
from pipeline.tables import (
    ALL_TABLES,
    TABLES,
    SchemaMismatch,
    build_warehouse,
    duckdb_ddl,
    load_duckdb,
)
from tests.conftest import RAW, ROOT, SHARED, needs_shared


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds")
    run_batch([str(RAW)], out, workers=1, quiet=True)
    build_warehouse(out)
    return out


def _records(out: Path) -> list[dict]:
    return [json.loads(x) for x in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]


def _dump(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}
    finally:
        con.close()


def test_parquet_tables_match_the_records(seeds_out):
    recs = _records(seeds_out)
    t = {name: pq.read_table(seeds_out / "tables" / f"{name}.parquet").to_pylist() for name in TABLES}
    ags = [a for r in recs for a in r["agreements"]]
    assert len(t["articles"]) == len(recs) == 5
    assert len(t["agreements"]) == len(ags) == 4
    assert len(t["parties"]) == sum(len(a["parties"]) for a in ags)
    assert len(t["clauses"]) == sum(len(a["clauses"]) for a in ags)
    assert len(t["relations"]) == sum(len(a["relations"]) for a in ags) >= 9
    texts = {r["article_id"]: r["text"] for r in recs}
    # keys unique, foreign keys resolve, spans slice the article text
    for name, spec in TABLES.items():
        keys = [tuple(row[k] for k in spec["key"]) for row in t[name]]
        assert len(keys) == len(set(keys)), name
    ag_ids = {a["agreement_id"] for a in t["agreements"]}
    for name in ("parties", "signatories", "clauses", "relations"):
        assert all(row["agreement_id"] in ag_ids and row["article_id"] in texts for row in t[name])
    for p in t["parties"]:
        assert texts[p["article_id"]][p["name_start"]:p["name_end"]] in p["name"]
    for c in t["clauses"]:
        assert texts[c["article_id"]][c["text_start"]:c["text_end"]] == c["text"]
    seed3 = next(a for a in t["agreements"] if a["article_id"].startswith("003"))
    assert seed3["date_value"] == "2023-03-24" and str(seed3["date"]) == "2023-03-24"
    seed0 = next(a for a in t["agreements"] if a["article_id"].startswith("000"))
    assert seed0["date_value"] == "--11-11" and seed0["date"] is None
    assert all(row["schema_version"] == SCHEMA_VERSION for name in TABLES for row in t[name])
    schema = pq.read_schema(seeds_out / "tables" / "agreements.parquet")
    assert str(schema.field("date").type) == "date32[day]" and str(schema.field("date_value").type) == "string"


def test_keys_are_stable_across_reruns(tmp_path, seeds_out):
    out = tmp_path / "again"
    run_batch([str(RAW)], out, workers=1, quiet=True)
    build_warehouse(out)
    for name in TABLES:
        a = pq.read_table(seeds_out / "tables" / f"{name}.parquet").to_pylist()
        b = pq.read_table(out / "tables" / f"{name}.parquet").to_pylist()
        key = TABLES[name]["key"][0]
        assert [r[key] for r in a] == [r[key] for r in b]
    assert _dump(seeds_out / "kyket.duckdb") == _dump(out / "kyket.duckdb")


def test_data_dictionary_is_generated_from_the_models(seeds_out):
    text = (seeds_out / "tables" / "README.md").read_text(encoding="utf-8")
    for name, spec in ALL_TABLES.items():
        assert f"## {name}" in text
        for col in spec["cols"]:
            assert f"| `{col.name}` |" in text
    assert "Cleaned article body; every span indexes this string." in text  # a model field's description


def test_load_is_idempotent_and_replaces_only_changed_articles(tmp_path, seeds_out):
    db = tmp_path / "w.duckdb"
    load_duckdb(seeds_out / "records.jsonl", db)
    first = _dump(db)
    load_duckdb(seeds_out / "records.jsonl", db)
    assert _dump(db) == first
    # a rerun in which one article's extraction changed: drop a clause of seed 002
    recs = _records(seeds_out)
    changed = next(r for r in recs if r["article_id"].startswith("002"))
    dropped = changed["agreements"][0]["clauses"].pop()
    path = tmp_path / "rerun.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [changed]) + "\n", encoding="utf-8")
    load_duckdb(path, db)
    after = _dump(db)
    assert after["articles"] == first["articles"] and after["parties"] == first["parties"]
    lost = set(first["clauses"]) - set(after["clauses"])
    assert len(lost) == 1 and dropped["text"] in next(iter(lost))
    assert set(after["clauses"]) < set(first["clauses"])


def test_schema_version_mismatch_is_refused(tmp_path, seeds_out):
    rec = _records(seeds_out)[0]
    rec["schema_version"] = "0.9"
    old = tmp_path / "old.jsonl"
    old.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(SchemaMismatch, match="0.9"):
        load_duckdb(old, tmp_path / "a.duckdb")
    db = tmp_path / "b.duckdb"
    load_duckdb(seeds_out / "records.jsonl", db)
    con = duckdb.connect(str(db))
    con.execute("UPDATE kyket_meta SET value = '0.9' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(SchemaMismatch, match="holds schema_version 0.9"):
        load_duckdb(seeds_out / "records.jsonl", db)
    res = subprocess.run([sys.executable, "-m", "pipeline.cli", "load", str(old), "--duckdb", str(tmp_path / "c.duckdb")],
                         capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 2 and "schema_version" in res.stderr


def test_schema_formats(tmp_path):
    def run(fmt):
        return subprocess.run([sys.executable, "-m", "pipeline.cli", "schema", "--format", fmt],
                              capture_output=True, text=True, cwd=ROOT, check=True).stdout

    ddl = run("duckdb-sql")
    con = duckdb.connect(str(tmp_path / "ddl.duckdb"))
    con.execute(ddl)
    cols = {t: [r[0] for r in con.execute(f"DESCRIBE {t}").fetchall()] for t in ALL_TABLES}
    assert cols == {t: [c.name for c in spec["cols"]] for t, spec in ALL_TABLES.items()}
    types = {r[0]: r[1] for r in con.execute("DESCRIBE agreements").fetchall()}
    assert types["date"] == "DATE" and types["date_value"] == "VARCHAR" and types["party_count"] == "BIGINT"
    ev_types = {r[0]: r[1] for r in con.execute("DESCRIBE events").fetchall()}
    assert ev_types["parties"] == "VARCHAR[]" and ev_types["first_reported"] == "DATE"
    bq = json.loads(run("bigquery"))
    assert set(bq) == set(TABLES) | {"events", "event_mentions"}
    ev_fields = {f["name"]: f for f in bq["events"]}
    assert ev_fields["parties"]["mode"] == "REPEATED" and ev_fields["event_id"]["mode"] == "REQUIRED"
    assert {f["name"]: f["type"] for f in bq["event_mentions"]}["published_date"] == "DATE"
    fields = {f["name"]: f for f in bq["articles"]}
    assert fields["authors"]["mode"] == "REPEATED" and fields["article_id"]["mode"] == "REQUIRED"
    assert {f["name"]: f["type"] for f in bq["agreements"]}["date"] == "DATE"
    js = json.loads(run("json-schema"))
    assert js["title"] == "kyket article record" and "agreements" in js["properties"]


@needs_shared
def test_every_dev_record_validates_against_the_json_schema(tmp_path):
    import jsonschema

    from pipeline.records import json_schema

    out = tmp_path / "dev"
    run_batch([str(SHARED / "dev" / "articles")], out, workers=2, quiet=True)
    validator = jsonschema.Draft202012Validator(json_schema())
    recs = _records(out)
    assert len(recs) == len(list((SHARED / "dev" / "articles").glob("*.txt")))
    for rec in recs:
        errors = list(validator.iter_errors(rec))
        assert not errors, (rec["article_id"], errors[0].message)


def _readme_queries() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Queries"):]
    section = section[:section.index("\n## ", 3)]
    return re.findall(r"```sql\n(.*?)```", section, flags=re.S)


def test_readme_queries_on_the_seeds(seeds_out):
    q_month, q_parties, q_clauses = _readme_queries()
    con = duckdb.connect(str(seeds_out / "kyket.duckdb"), read_only=True)
    assert con.execute(q_month).fetchall() == [
        ("2023-03", "memorandum_of_understanding", 1), ("????-03", "cooperation_agreement", 1),
        ("????-10", "twinning", 1), ("????-11", "memorandum_of_understanding", 1)]
    top = con.execute(q_parties).fetchall()
    # every seed party signs once: ties ordered by name
    assert len(top) == 10 and all(n == 1 for _p, n in top)
    assert top[0] == ("Công đoàn Giáo dục Nghệ An", 1) and [p for p, _ in top] == sorted(p for p, _ in top)
    rows = con.execute(q_clauses).fetchall()
    assert len(rows) == 10 and [r[2] for r in rows] == list(range(10))
    assert rows[0][3].startswith("Theo đó, hai Sở triển khai thực hiện tốt nội dung đề xuất")
    assert "Bắc Ninh" in rows[0][1]


def test_notebook_runs_top_to_bottom(seeds_out, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    from nbclient import NotebookClient

    monkeypatch.setenv("KYKET_OUT", str(seeds_out))
    nb = nbformat.read(ROOT / "notebooks" / "explore_agreements.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    outputs = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "5 records;" in outputs and "support relations" in outputs
    assert " 1. Theo đó, hai Sở triển khai" in outputs
    # the figures are in the executed notebook, inline: per month/type, by type/status, parties, network
    images = [o["data"]["image/png"] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if "image/png" in o.get("data", {})]
    assert len(images) == 4 and all(len(i) > 5000 for i in images)
    assert "25 parties," in outputs  # the network is cut to the most active parties


def test_older_compatible_records_and_databases_load(tmp_path, seeds_out):
    """1.0 and 1.1 records are 1.2 records less the fields added since: they load (those
    columns null), and a database made by 1.1 gets the new column instead of a refusal."""
    recs = _records(seeds_out)
    assert {r["source"]["kyket_version"] for r in recs} == {__import__("pipeline.records").records.KYKET_VERSION}
    old = []
    for r, version in zip(recs[:2], ("1.0", "1.1"), strict=True):
        src = {k: v for k, v in r["source"].items() if k not in ("kyket_version",) + (("content_sha256",) if version == "1.0" else ())}
        old.append(dict(r, schema_version=version, source=src))
    path = tmp_path / "old.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in old), encoding="utf-8")
    db = tmp_path / "w.duckdb"
    # a database as kyket 0.1 (schema 1.1) made it: no kyket_version column
    con = duckdb.connect(str(db))
    ddl = duckdb_ddl()
    assert "  kyket_version VARCHAR,\n" in ddl
    con.execute(ddl.replace("  kyket_version VARCHAR,\n", ""))
    con.execute("INSERT INTO kyket_meta VALUES ('schema_version', '1.1')")
    con.close()
    counts = load_duckdb(path, db)
    assert counts["articles"] == 2
    load_duckdb(seeds_out / "records.jsonl", db)
    con = duckdb.connect(str(db), read_only=True)
    rows = dict(con.execute("SELECT article_id, kyket_version FROM articles").fetchall())
    assert con.execute("SELECT value FROM kyket_meta").fetchone() == (SCHEMA_VERSION,)
    con.close()
    assert len(rows) == 5 and all(v for v in rows.values())
    res = subprocess.run([sys.executable, "-m", "pipeline.cli", "load", str(path), "--duckdb", str(tmp_path / "n.duckdb")],
                         capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0 and "loaded: articles 2" in res.stderr


def _seed_copies(tmp_path: Path, prefix: str) -> Path:
    """The seed articles again under other ids: the same signings reported by other articles."""
    folder = tmp_path / prefix
    folder.mkdir()
    for p in sorted(RAW.glob("*.txt")):
        (folder / f"{prefix}-{p.name}").write_bytes(p.read_bytes())
    return folder


def _events(db: Path) -> tuple[list[tuple], list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return (con.execute("SELECT event_id, mention_count, article_count, date_value, parties FROM events "
                            "ORDER BY event_id").fetchall(),
                con.execute("SELECT agreement_id, event_id, article_id, rule FROM event_mentions ORDER BY ALL").fetchall())
    finally:
        con.close()


def test_events_in_a_run_and_across_runs_loaded_into_one_database(tmp_path, seeds_out):
    # a run: every agreement is a mention of exactly one event, in Parquet and in DuckDB
    ev = pq.read_table(seeds_out / "tables" / "events.parquet").to_pylist()
    em = pq.read_table(seeds_out / "tables" / "event_mentions.parquet").to_pylist()
    ags = pq.read_table(seeds_out / "tables" / "agreements.parquet").to_pylist()
    assert sorted(r["agreement_id"] for r in em) == sorted(a["agreement_id"] for a in ags)
    assert {r["event_id"] for r in em} == {e["event_id"] for e in ev} and len(ev) == 4
    assert all(e["mention_count"] == 1 and e["first_article_id"] in {a["article_id"] for a in ags} for e in ev)
    # another run reporting the same signings in other articles, loaded into the same database
    other = tmp_path / "other"
    run_batch([str(_seed_copies(tmp_path, "copy"))], other, workers=1, quiet=True)
    build_warehouse(other)
    db1, db2 = tmp_path / "ab.duckdb", tmp_path / "ba.duckdb"
    for first, second, db in ((seeds_out, other, db1), (other, seeds_out, db2)):
        load_duckdb(first / "records.jsonl", db)
        counts = load_duckdb(second / "records.jsonl", db)
        assert counts["events"] == 4 and counts["event_mentions"] == 8
    events, mentions = _events(db1)
    assert (events, mentions) == _events(db2)  # the order of the runs plays no part
    assert [e[1:3] for e in events] == [(2, 2)] * 4
    assert {e[0] for e in events} == {e["event_id"] for e in ev}  # ids from the first report: the seeds' ids
    assert sorted(r[3] for r in mentions) == ["first"] * 4 + ["same_signature"] * 4
    load_duckdb(other / "records.jsonl", db1)
    assert _events(db1) == (events, mentions)  # loading again changes nothing
    con = duckdb.connect(str(db1), read_only=True)
    orphans = con.execute("SELECT count(*) FROM event_mentions m LEFT JOIN agreements a USING (agreement_id) "
                          "LEFT JOIN events e USING (event_id) WHERE a.agreement_id IS NULL OR e.event_id IS NULL"
                          ).fetchone()[0]
    con.close()
    assert orphans == 0
    res = subprocess.run([sys.executable, "-m", "pipeline.cli", "events", str(db1), "--top", "2"],
                         capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("agreements 8 -> events 4; 4 reported by more than one article (8 agreements)")
    assert "largest events (top 2):" in res.stdout and res.stdout.count("[ev_") == 2
    assert "????-11" in res.stdout and "2023-03" in res.stdout  # events per month
    res = subprocess.run([sys.executable, "-m", "pipeline.cli", "events", str(tmp_path)],
                         capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 2 and "neither kyket.duckdb nor records.jsonl" in res.stderr and "Traceback" not in res.stderr


def test_linking_runs_on_the_dask_engine(tmp_path, seeds_out):
    import datetime as dt

    from pipeline.engines import DaskEngine
    from pipeline.linking import Mention, link

    ms = [Mention(mention_id=f"m{i}-{k}", article_id=f"a{i}-{k}", status="signed", type="contract",
                  parties=[f"Công ty Alpha{i}", f"Tập đoàn Beta{i}"], date_value=f"2017-05-{1 + i % 28:02d}",
                  published=dt.date(2017, 5, 1 + i % 28), evidence=f"hai bên ký hợp đồng số {k}")
          for i in range(40) for k in range(3)]
    local = link(ms)
    assert local.pairs_compared > 0
    eng = DaskEngine(2)
    try:
        assert link(ms, engine=eng, chunk_blocks=5).event_of == local.event_of
    finally:
        eng.close()
    # and as a step of `kyket run --engine dask`: the same events as the local build
    out = tmp_path / "dask"
    run_batch([str(RAW)], out, workers=2, engine="dask", quiet=True, finish=lambda e: build_warehouse(out, engine=e))
    assert (pq.read_table(out / "tables" / "events.parquet").to_pylist()
            == pq.read_table(seeds_out / "tables" / "events.parquet").to_pylist())
