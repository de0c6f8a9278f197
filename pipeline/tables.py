"""Warehouse shapes of the records: flat tables, their schemas, Parquet files and DuckDB.

The nested JSONL record stays canonical; this module flattens it into six tables, one row
per entity, all built from the same `TABLES` spec, which is itself derived from the pydantic
models in `pipeline/records.py` (types and descriptions come from the model fields):

    articles ─< agreements ─< parties / signatories / clauses / relations
    events ─< event_mentions >─ agreements      (EVENT_TABLES: pipeline/linking.py, across articles)

Keys are stable across reruns of the same input: `article_id` (the input's), `agreement_id`
(the record's, derived from article id and evidence), and for the child rows a key derived
from the agreement id, the row's position and its content. Every child row carries its
`agreement_id` and `article_id` (foreign keys), its span, and `schema_version`. Dates are
typed DATE where complete, the ISO string always kept beside them.

From the spec: Parquet (pyarrow), DuckDB DDL, a BigQuery schema, a data dictionary, and an
idempotent DuckDB loader (upsert by article: an article's rows are replaced as a whole).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

from pipeline.records import (
    COMPATIBLE_SCHEMA_VERSIONS,
    SCHEMA_VERSION,
    Agreement,
    ArticleRecord,
    Clause,
    DateValue,
    Party,
    PeriodValue,
    Relation,
    Signatory,
    Source,
    TextSpan,
)

TYPES = {  # logical type → (duckdb, bigquery)
    "string": ("VARCHAR", "STRING"),
    "int": ("BIGINT", "INT64"),
    "float": ("DOUBLE", "FLOAT64"),
    "bool": ("BOOLEAN", "BOOL"),
    "date": ("DATE", "DATE"),
    "string_list": ("VARCHAR[]", "STRING"),
}


@dataclass(frozen=True)
class Col:
    name: str
    type: str  # a key of TYPES
    doc: str
    required: bool = False


def _logical(annotation: Any) -> str:
    args = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) in (Union, UnionType) and args:
        return _logical(args[0])
    if get_origin(annotation) is list:
        return "string_list"
    if get_origin(annotation) is Literal:
        return "string"
    return {str: "string", int: "int", float: "float", bool: "bool"}.get(annotation, "string")


def _f(name: str, model: type, field: str, doc: str | None = None, required: bool = False) -> Col:
    """A column typed and described by a model field."""
    info = model.model_fields[field]
    return Col(name, _logical(info.annotation), doc or info.description or f"{model.__name__}.{field}", required)


def _span(prefix: str, what: str) -> list[Col]:
    return [Col(f"{prefix}_start", "int", f"Start offset of the {what} in articles.text."),
            Col(f"{prefix}_end", "int", f"End offset (exclusive) of the {what} in articles.text.")]


_VERSION = Col("schema_version", "string", "Record schema version the row was built from.", True)
_ART_FK = Col("article_id", "string", "→ articles.article_id", True)
_AG_FK = Col("agreement_id", "string", "→ agreements.agreement_id", True)
_POS = Col("position", "int", "0-based position in the agreement's list.", True)


def _child_key(name: str, what: str) -> Col:
    return Col(name, "string", f"Key of the {what}: derived from agreement_id, position and content (stable across reruns).", True)


TABLES: dict[str, dict] = {
    "articles": {"key": ["article_id"], "cols": [
        _f("article_id", ArticleRecord, "article_id", "Article id (file stem, table id, WARC URI).", True),
        _VERSION,
        _f("source_path", Source, "path"), _f("source_url", Source, "url"), _f("source_site", Source, "site"),
        _f("content_sha256", Source, "content_sha256"),
        _f("kyket_version", Source, "kyket_version"),
        _f("title", ArticleRecord, "title", "Headline."),
        _f("published_at", ArticleRecord, "published_at"),
        Col("published_date", "date", "Publication date as DATE (null when unknown)."),
        _f("authors", ArticleRecord, "authors", "Bylines as printed."),
        _f("text", ArticleRecord, "text"),
        _f("text_sha256", ArticleRecord, "text_sha256", "SHA-256 of text."),
        _f("status", ArticleRecord, "status", "ok | error", True),
        Col("errors", "string", "JSON list of {stage, type, message}; [] when ok."),
        Col("agreement_count", "int", "Number of agreements extracted.", True),
    ]},
    "agreements": {"key": ["agreement_id"], "cols": [
        _f("agreement_id", Agreement, "agreement_id", required=True), _ART_FK, _VERSION,
        _f("status", Agreement, "status", "signed | planned | referenced", True),
        _f("type", Agreement, "type", "memorandum_of_understanding, cooperation_agreement, coordination_program, "
                                      "twinning, emulation_pact, contract, trade_agreement, other", True),
        _f("title", TextSpan, "text", "The programme's or agreement's own name, when stated."),
        *_span("title", "title"),
        _f("evidence", TextSpan, "text", "Fragment of the sentence that reports the signing.", True),
        *_span("evidence", "evidence"),
        _f("date_value", DateValue, "value"),
        Col("date", "date", "Signing date as DATE when complete (YYYY-MM-DD), else null."),
        _f("date_text", TextSpan, "text", "The date as written."), *_span("date", "date"),
        _f("part_of_day", DateValue, "part_of_day", "morning | noon | afternoon | evening"),
        _f("year_source", DateValue, "year_source", "Where the year came from: text | published_at | article (the year the article's other dates suggest) | unknown"),
        _f("location", TextSpan, "text", "Signing place as written after 'tại'."), *_span("location", "location"),
        _f("period_start_year", PeriodValue, "start"), _f("period_end_year", PeriodValue, "end"),
        _f("period_text", PeriodValue, "text", "The period as written."), *_span("period", "period"),
        _f("confidence", Agreement, "confidence"),
        Col("party_count", "int", "Number of parties.", True),
    ]},
    "parties": {"key": ["party_key"], "cols": [
        _child_key("party_key", "party row"), _AG_FK, _ART_FK, _VERSION, _POS,
        _f("name", Party, "name", required=True), _f("canonical", Party, "canonical", required=True),
        _f("kind", Party, "kind"), *_span("name", "party mention"),
        _f("source", Party, "source"), _f("confidence", Party, "confidence"),
    ]},
    "signatories": {"key": ["signatory_key"], "cols": [
        _child_key("signatory_key", "signatory row"), _AG_FK, _ART_FK, _VERSION, _POS,
        _f("name", Signatory, "name", "Person's name, honorifics stripped.", True),
        _f("title", Signatory, "title", "Office (Giám đốc, Thủ tướng …)."),
        _f("party", Signatory, "party", "The party the person signs for (a parties.name)."),
        _f("role", Signatory, "role", "signatory | witness", True), *_span("name", "person mention"),
    ]},
    "clauses": {"key": ["clause_key"], "cols": [
        _child_key("clause_key", "clause row"), _AG_FK, _ART_FK, _VERSION, _POS,
        _f("text", Clause, "text", "What the parties agreed to (one item).", True), *_span("text", "clause"),
    ]},
    "relations": {"key": ["relation_key"], "cols": [
        _child_key("relation_key", "relation row"), _AG_FK, _ART_FK, _VERSION, _POS,
        _f("from_party", Relation, "from_", "The party that supports (a parties.name).", True),
        _f("to_party", Relation, "to", "The party supported (a parties.name).", True),
        _f("type", Relation, "type", "supports", True),
    ]},
}
_EV_FK = Col("event_id", "string", "→ events.event_id", True)


def _from(what: str) -> Col:
    return Col(f"{what}_agreement_id", "string", f"The agreement (→ agreements.agreement_id) the {what} comes from.")


# Events: one signing, many reports (pipeline/linking.py). Not per article: they are rebuilt
# from every agreement of the run, or of the database after `kyket load`.
EVENT_TABLES: dict[str, dict] = {
    "events": {"key": ["event_id"], "cols": [
        Col("event_id", "string", "Stable id of the signing: ev_ + hash of its first report (publication date, "
                                  "article id, agreement id); the same on reruns and in any input order.", True),
        _VERSION,
        Col("link_version", "string", "Version of the linking rules that made the event.", True),
        Col("status", "string", "signed when a mention reports the signing, else planned, else referenced.", True),
        Col("type", "string", "Most frequent type among the reports (other only when no report says more).", True),
        _from("type"),
        Col("date_value", "string", "Most frequent complete signing date among the reports (else a partial one: "
                                    "--MM-DD, YYYY-MM, YYYY)."),
        Col("date", "date", "date_value as DATE when complete."), _from("date"),
        Col("parties", "string_list", "Canonical party names from the report whose party set most reports share "
                                      "(ties: the one naming most parties)."),
        Col("party_keys", "string_list", "Canonical party keys of those parties (c:US country, p: province, a: acronym, "
                                         "n: name) — what linking compared."),
        _from("parties"),
        Col("location", "string", "Most frequent signing place among the reports."), _from("location"),
        Col("title", "string", "Most frequent title among the reports."), _from("title"),
        Col("mention_count", "int", "Agreements (mentions) linked to the event.", True),
        Col("article_count", "int", "Distinct articles reporting it.", True),
        Col("outlet_count", "int", "Distinct outlets (source.site, else the URL's host) among them; 0 when none is known.", True),
        Col("first_reported", "date", "Earliest publication date of a report (null when no report has one)."),
        Col("last_reported", "date", "Latest publication date of a report."),
        Col("first_article_id", "string", "→ articles.article_id: the first report (the one the event_id is made from).", True),
    ]},
    "event_mentions": {"key": ["agreement_id"], "cols": [
        _AG_FK, _EV_FK, _ART_FK, _VERSION,
        Col("link_version", "string", "Version of the linking rules.", True),
        Col("status", "string", "The agreement's status: signed | planned | referenced.", True),
        Col("rule", "string", "Why it is in the event: first (its first report), same_signature (the same report "
                              "again), parties+day, parties+month_day, parties+window, parties+words, party+…+words "
                              "(one party, the date and the evidence words), referenced+… (a past signing told in a "
                              "later article).", True),
        Col("published_date", "date", "Publication date of the article."),
        Col("site", "string", "Outlet of the article (source.site, else the URL's host)."),
    ]},
}
ALL_TABLES: dict[str, dict] = {**TABLES, **EVENT_TABLES}
FOREIGN_KEYS = {"agreements": [("article_id", "articles")],
                "events": [("first_article_id", "articles")],
                "event_mentions": [("agreement_id", "agreements"), ("event_id", "events"), ("article_id", "articles")],
                **{t: [("agreement_id", "agreements"), ("article_id", "articles")]
                   for t in ("parties", "signatories", "clauses", "relations")}}
TABLE_NAMES = list(TABLES)


# --- rows --------------------------------------------------------------------------------

def _date(value: str | None) -> dt.date | None:
    if value and len(value) >= 10 and value[4] == "-":
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _key(*parts: Any) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


def _sp(obj: dict | None, field: str = "text") -> tuple[Any, Any, Any]:
    if not obj:
        return None, None, None
    return obj.get(field), obj.get("start"), obj.get("end")


def rows(record: dict) -> dict[str, list[dict]]:
    """The table rows of one record (a dict as in records.jsonl)."""
    v = record.get("schema_version")
    aid = record["article_id"]
    src = record.get("source") or {}
    out: dict[str, list[dict]] = {t: [] for t in TABLES}
    out["articles"].append({
        "article_id": aid, "schema_version": v, "source_path": src.get("path"), "source_url": src.get("url"),
        "source_site": src.get("site"), "content_sha256": src.get("content_sha256"),
        "kyket_version": src.get("kyket_version"), "title": record.get("title"),
        "published_at": record.get("published_at"), "published_date": _date(record.get("published_at")),
        "authors": list(record.get("authors") or []), "text": record.get("text"), "text_sha256": record.get("text_sha256"),
        "status": record.get("status"), "errors": json.dumps(record.get("errors") or [], ensure_ascii=False),
        "agreement_count": len(record.get("agreements") or []),
    })
    for ag in record.get("agreements") or []:
        gid = ag["agreement_id"]
        title, ts, te = _sp(ag.get("title"))
        ev, es, ee = _sp(ag.get("evidence"))
        d = ag.get("date") or {}
        loc, ls, le = _sp(ag.get("location"))
        per = ag.get("period") or {}
        out["agreements"].append({
            "agreement_id": gid, "article_id": aid, "schema_version": v, "status": ag["status"], "type": ag["type"],
            "title": title, "title_start": ts, "title_end": te, "evidence": ev, "evidence_start": es, "evidence_end": ee,
            "date_value": d.get("value"), "date": _date(d.get("value")), "date_text": d.get("text"),
            "date_start": d.get("start"), "date_end": d.get("end"), "part_of_day": d.get("part_of_day"),
            "year_source": d.get("year_source"), "location": loc, "location_start": ls, "location_end": le,
            "period_start_year": per.get("start"), "period_end_year": per.get("end"), "period_text": per.get("text"),
            "period_start": per.get("span_start"), "period_end": per.get("span_end"),
            "confidence": ag.get("confidence"), "party_count": len(ag.get("parties") or []),
        })
        common = {"agreement_id": gid, "article_id": aid, "schema_version": v}
        for i, p in enumerate(ag.get("parties") or []):
            out["parties"].append({"party_key": _key(gid, i, p["name"], p["start"]), **common, "position": i,
                                   "name": p["name"], "canonical": p["canonical"], "kind": p.get("kind"),
                                   "name_start": p["start"], "name_end": p["end"], "source": p.get("source"),
                                   "confidence": p.get("confidence")})
        for i, s in enumerate(ag.get("signatories") or []):
            out["signatories"].append({"signatory_key": _key(gid, i, s["name"], s["role"]), **common, "position": i,
                                       "name": s["name"], "title": s.get("title"), "party": s.get("party"),
                                       "role": s["role"], "name_start": s["start"], "name_end": s["end"]})
        for i, c in enumerate(ag.get("clauses") or []):
            out["clauses"].append({"clause_key": _key(gid, i, c["text"]), **common, "position": i,
                                   "text": c["text"], "text_start": c["start"], "text_end": c["end"]})
        for i, r in enumerate(ag.get("relations") or []):
            out["relations"].append({"relation_key": _key(gid, i, r["from"], r["to"]), **common, "position": i,
                                     "from_party": r["from"], "to_party": r["to"], "type": r.get("type", "supports")})
    return out


class NotRecords(ValueError):
    """The file is not a records file written by `kyket run`."""


_WHAT = "give a records.jsonl written by `kyket run`"


def iter_records(path: str | Path, offsets: bool = False) -> Iterator:
    """The records of a records.jsonl, checked to be kyket records: a file that is not one
    (an input table, a binary file, a folder) raises NotRecords with one clear sentence.
    With `offsets`, yields (byte offset, byte length, record): `read_record_at` reads it again."""
    path = Path(path)
    if path.is_dir():
        hint = f" (e.g. {path / 'records.jsonl'})" if (path / "records.jsonl").exists() else ""
        raise NotRecords(f"{path} is a folder: {_WHAT}{hint}")
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: {_WHAT}")
    with path.open("rb") as fh:
        n = pos = 0
        for raw in fh:
            start, pos = pos, pos + len(raw)
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise NotRecords(f"{path} is not a UTF-8 JSONL file (compressed or binary?): {_WHAT}") from None
            n += 1
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise NotRecords(f"{path}:{n}: not a JSON record ({exc.msg}): {_WHAT}") from None
            if not isinstance(rec, dict) or "article_id" not in rec or "schema_version" not in rec:
                keys = ", ".join(list(rec)[:8]) if isinstance(rec, dict) else type(rec).__name__
                raise NotRecords(f"{path}:{n}: not a kyket record (no 'article_id'/'schema_version'; found: {keys}) — "
                                 f"{_WHAT}; articles to extract are read by `kyket run`")
            yield (start, len(raw), rec) if offsets else rec


def read_record_at(fh, offset: int, length: int) -> dict:
    """The record stored at `offset` (from `iter_records(..., offsets=True)`) of an open binary file."""
    fh.seek(offset)
    return json.loads(fh.read(length))


# --- schemas -------------------------------------------------------------------------------

def arrow_schema(table: str):
    import pyarrow as pa

    types = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
             "date": pa.date32(), "string_list": pa.list_(pa.string())}
    fields = [pa.field(c.name, types[c.type], nullable=not c.required) for c in ALL_TABLES[table]["cols"]]
    return pa.schema(fields, metadata={"schema_version": SCHEMA_VERSION, "table": table})


def duckdb_ddl() -> str:
    parts = [f"-- kyket warehouse tables, schema_version {SCHEMA_VERSION} (generated from pipeline/records.py)",
             "CREATE TABLE IF NOT EXISTS kyket_meta (key VARCHAR PRIMARY KEY, value VARCHAR);"]
    for name, spec in ALL_TABLES.items():
        lines = []
        for c in spec["cols"]:
            null = " NOT NULL" if c.required else ""
            lines.append(f"  {c.name} {TYPES[c.type][0]}{null}")
        lines.append(f"  PRIMARY KEY ({', '.join(spec['key'])})")
        refs = "".join(f"\n-- {name}.{col} references {parent}" for col, parent in FOREIGN_KEYS.get(name, []))
        parts.append(f"CREATE TABLE IF NOT EXISTS {name} (\n" + ",\n".join(lines) + "\n);" + refs)
    parts.append("-- Foreign keys are kept as columns and checked by the loader's tests, not declared: DuckDB\n"
                 "-- cannot replace a referenced parent row inside the transaction that replaces an article.")
    return "\n\n".join(parts) + "\n"


def bigquery_schema() -> dict:
    out = {}
    for name, spec in ALL_TABLES.items():
        out[name] = [{"name": c.name, "type": TYPES[c.type][1],
                      "mode": "REPEATED" if c.type == "string_list" else ("REQUIRED" if c.required else "NULLABLE"),
                      "description": c.doc} for c in spec["cols"]]
    return out


def data_dictionary() -> str:
    lines = [f"# kyket tables — data dictionary (schema_version {SCHEMA_VERSION})", "",
             "Generated from the record models (`pipeline/records.py`) by `pipeline/tables.py`; do not edit.",
             "One row per entity; spans are character offsets into `articles.text`. `events` and",
             "`event_mentions` link the agreements of all articles into signings (pipeline/linking.py): every",
             "agreement is a mention of exactly one event.", ""]
    for name, spec in ALL_TABLES.items():
        fks = ", ".join(f"`{c}` → `{p}`" for c, p in FOREIGN_KEYS.get(name, []))
        lines += [f"## {name}", "", f"Primary key: `{', '.join(spec['key'])}`" + (f"; foreign keys: {fks}" if fks else ""), "",
                  "| column | type | required | description |", "|---|---|---|---|"]
        for c in spec["cols"]:
            lines.append(f"| `{c.name}` | {TYPES[c.type][0]} | {'yes' if c.required else ''} | {c.doc.replace('|', '/')} |")
        lines.append("")
    return "\n".join(lines)


# --- writers -------------------------------------------------------------------------------

def _batches(records: Iterable[dict], size: int = 2000) -> Iterator[dict[str, list[dict]]]:
    acc: dict[str, list[dict]] = {t: [] for t in TABLES}
    n = 0
    for rec in records:
        for t, rs in rows(rec).items():
            acc[t].extend(rs)
        n += 1
        if n >= size:
            yield acc
            acc, n = {t: [] for t in TABLES}, 0
    if n:
        yield acc


def write_parquet(records_path: str | Path, out_dir: str | Path) -> dict[str, int]:
    """DIR/tables/*.parquet and the data dictionary from a records file, streaming."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tmp = {t: out / f".{t}.parquet.tmp" for t in TABLES}
    writers = {t: pq.ParquetWriter(tmp[t], arrow_schema(t)) for t in TABLES}
    counts = dict.fromkeys(TABLES, 0)
    try:
        for batch in _batches(iter_records(records_path)):
            for t, rs in batch.items():
                writers[t].write_table(pa.Table.from_pylist(rs, schema=arrow_schema(t)))
                counts[t] += len(rs)
    finally:
        for w in writers.values():
            w.close()
    for t in TABLES:
        tmp[t].replace(out / f"{t}.parquet")
    (out / "README.md").write_text(data_dictionary(), encoding="utf-8")
    return counts


def event_rows(linked) -> dict[str, list[dict]]:
    """The `events` and `event_mentions` rows of a linking result, with the schema version."""
    from pipeline.linking import event_rows as rows_of

    out = rows_of(linked)
    for rs in out.values():
        for r in rs:
            r["schema_version"] = SCHEMA_VERSION
    return out


def link_records(records_path: str | Path, engine=None):
    """Link every agreement of a records file into events (`engine` runs the comparisons)."""
    from pipeline.linking import link, mentions_from_records

    return link(mentions_from_records(iter_records(records_path)), engine=engine)


def write_event_parquet(rows: dict[str, list[dict]], out_dir: str | Path) -> dict[str, int]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for t, rs in rows.items():
        tmp = out / f".{t}.parquet.tmp"
        pq.write_table(pa.Table.from_pylist(rs, schema=arrow_schema(t)), tmp)
        tmp.replace(out / f"{t}.parquet")
    return {t: len(rs) for t, rs in rows.items()}


def _replace_events(con, rows: dict[str, list[dict]]) -> None:
    """Replace the event tables of a database by these rows (in the caller's transaction)."""
    import pyarrow as pa

    for t in EVENT_TABLES:
        con.execute(f"DELETE FROM {t}")
        if rows[t]:
            con.register("_ev", pa.Table.from_pylist(rows[t], schema=arrow_schema(t)))
            cols = ", ".join(c.name for c in EVENT_TABLES[t]["cols"])
            con.execute(f"INSERT INTO {t} ({cols}) SELECT {cols} FROM _ev")
            con.unregister("_ev")


def relink_duckdb(con, engine=None) -> dict[str, int]:
    """Rebuild `events` and `event_mentions` from every agreement in the database."""
    from pipeline.linking import link, mentions_from_duckdb

    rows = event_rows(link(mentions_from_duckdb(con), engine=engine))
    con.execute("BEGIN")
    try:
        _replace_events(con, rows)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return {t: len(rs) for t, rs in rows.items()}


class SchemaMismatch(ValueError):
    pass


class DatabaseUnavailable(ValueError):
    """The DuckDB file cannot be opened for writing (locked by another process, not a database)."""


def _connect(db_path: str | Path):
    import duckdb

    try:
        return duckdb.connect(str(db_path))
    except duckdb.Error as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise DatabaseUnavailable(
                f"{db_path} is open in another program (DuckDB allows one writer at a time): close that "
                "program (a duckdb shell, a notebook) and run the command again") from None
        raise DatabaseUnavailable(f"{db_path} cannot be opened as a DuckDB database ({text.splitlines()[0]}): "
                                  "give a new file name or an existing kyket database") from None


def _migrate(con, db_path, version: str) -> None:
    """A database made by an older compatible schema: add the columns it lacks (all nullable)."""
    if version == SCHEMA_VERSION:
        return
    if version not in COMPATIBLE_SCHEMA_VERSIONS:
        raise SchemaMismatch(f"{db_path} holds schema_version {version}; this kyket writes {SCHEMA_VERSION} and can "
                             f"upgrade {', '.join(COMPATIBLE_SCHEMA_VERSIONS[:-1])}: load into a new database file"
                             + (" or upgrade kyket" if version > SCHEMA_VERSION else ""))
    for t, spec in TABLES.items():
        have = {r[0] for r in con.execute(f"DESCRIBE {t}").fetchall()}
        for c in spec["cols"]:
            if c.name not in have:
                con.execute(f"ALTER TABLE {t} ADD COLUMN {c.name} {TYPES[c.type][0]}")
    con.execute("INSERT OR REPLACE INTO kyket_meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])


def load_duckdb(records_path: str | Path, db_path: str | Path) -> dict[str, int]:
    """Upsert a records file into a DuckDB database: each loaded article's rows in every table
    are replaced by the new ones (nothing else changes); loading the same file twice leaves
    the tables as they were. Records of an older compatible schema version (1.0, 1.1: the
    same fields less the ones added since) load with those columns null; a database made by
    one gets the new columns added. Other versions are refused with a message."""
    import pyarrow as pa

    # the whole file is checked before the database is touched: a wrong file changes nothing
    versions = {str(r["schema_version"]) for r in iter_records(records_path)}
    unknown = versions - set(COMPATIBLE_SCHEMA_VERSIONS)
    if unknown:
        raise SchemaMismatch(f"{records_path} has records of schema_version {', '.join(sorted(unknown))}; this kyket "
                             f"reads {', '.join(COMPATIBLE_SCHEMA_VERSIONS)}: rerun `kyket run` with this kyket to "
                             "regenerate them" + (", or upgrade kyket" if max(unknown) > SCHEMA_VERSION else ""))
    con = _connect(db_path)
    try:
        con.execute(duckdb_ddl())
        row = con.execute("SELECT value FROM kyket_meta WHERE key = 'schema_version'").fetchone()
        if row:
            _migrate(con, db_path, row[0])
        counts = dict.fromkeys(TABLES, 0)
        for batch in _batches(iter_records(records_path), size=1000):
            ids = pa.table({"article_id": sorted({r["article_id"] for r in batch["articles"]})})
            con.execute("BEGIN")
            try:
                con.register("_ids", ids)
                for t in reversed(TABLE_NAMES):  # children first
                    con.execute(f"DELETE FROM {t} WHERE article_id IN (SELECT article_id FROM _ids)")
                for t in TABLE_NAMES:  # parents first
                    if batch[t]:
                        # duplicate ids in one file: the last record of an id wins
                        data = pa.Table.from_pylist(list({tuple(r[k] for k in TABLES[t]["key"]): r for r in batch[t]}.values()),
                                                    schema=arrow_schema(t))
                        con.register("_rows", data)
                        cols = ", ".join(c.name for c in TABLES[t]["cols"])
                        con.execute(f"INSERT OR REPLACE INTO {t} ({cols}) SELECT {cols} FROM _rows")
                        con.unregister("_rows")
                        counts[t] += data.num_rows
                con.unregister("_ids")
                con.execute("INSERT OR REPLACE INTO kyket_meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        counts.update(relink_duckdb(con))  # events span articles: relinked over the whole database
        return counts
    finally:
        con.close()


def build_warehouse(out_dir: str | Path, engine=None) -> dict[str, int]:
    """DIR/tables/*.parquet + data dictionary and a fresh DIR/kyket.duckdb from DIR/records.jsonl,
    the agreements linked into events (on `engine`'s workers when given)."""
    out = Path(out_dir)
    records = out / "records.jsonl"
    counts = write_parquet(records, out / "tables")
    events = event_rows(link_records(records, engine=engine))
    counts.update(write_event_parquet(events, out / "tables"))
    tmp = out / "kyket.duckdb.tmp"
    tmp.unlink(missing_ok=True)
    import duckdb

    con = duckdb.connect(str(tmp))
    try:  # a fresh database: the same rows, read back from the Parquet files just written
        con.execute(duckdb_ddl())
        for t in ALL_TABLES:
            cols = ", ".join(c.name for c in ALL_TABLES[t]["cols"])
            con.execute(f"INSERT INTO {t} ({cols}) SELECT {cols} FROM read_parquet(?)", [str(out / "tables" / f"{t}.parquet")])
        con.execute("INSERT INTO kyket_meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
    finally:
        con.close()
    tmp.replace(out / "kyket.duckdb")
    return counts
