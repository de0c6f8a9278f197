"""Editors' verdicts: checked, exported as stand-off annotations, turned into extra gold.

A verdict says of one value of one agreement of a run's record that it is `correct`,
`wrong`, `fixed` (the right value is the span start:end of the record's text), or that a
missing list item was `added` (a party selected in the text); `note` carries a free note.
`kyket review --serve` saves them to verdicts.jsonl beside the records; the static pages
keep them in the browser and download the same lines. `kyket review --export FILE` writes
the latest verdict per value as one annotation a line:

    {"article_id", "agreement_id", "field", "index", "start", "end", "value", "verdict", "note",
     "at", "records", "text_sha256"}

`records` is the records file the offsets index (its `text`), so `kyket train --extra FILE`
and `kyket eval --extra FILE` can read the article text without the annotations holding it.
They take each annotated article's record as an agreement list, and apply the verdicts: an
agreement marked wrong is not an agreement; a value marked wrong is removed (a list item) or
unknown (a date, place, title or period: null; a status or type: the agreement becomes
optional, neither rewarded nor penalised); a fixed value takes the selected span; agreements
nobody judged stay optional. That is a gold file in the shape of GUIDELINES.md, for the
article-level fields none (scoring skips fields a gold file leaves out).
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from pipeline.review import STATUSES, TYPES, VERDICT_FIELDS, VERDICTS
from pipeline.tables import iter_records

VERDICTS_FILE = "verdicts.jsonl"
LIST_FIELDS = ("parties", "signatories", "clauses")
_KEYS = ("article_id", "agreement_id", "field", "index", "start", "end", "value", "verdict", "note", "at")


def key(v: dict) -> tuple:
    return v["article_id"], v["agreement_id"], v["field"], "" if v.get("index") is None else str(v["index"])


def check(v: dict, rec: dict) -> dict:
    """The verdict, normalised, if it fits the record; else ValueError in one sentence."""
    if not isinstance(v, dict):
        raise ValueError("a verdict is a JSON object")
    where = f"verdict on {v.get('article_id')}/{v.get('agreement_id')}/{v.get('field')}"
    if v.get("field") not in VERDICT_FIELDS:
        raise ValueError(f"{where}: unknown field (known: {', '.join(VERDICT_FIELDS)})")
    if v.get("verdict") not in VERDICTS:
        raise ValueError(f"{where}: unknown verdict {v.get('verdict')!r} (known: {', '.join(VERDICTS)})")
    ag = next((a for a in rec.get("agreements") or [] if a["agreement_id"] == v.get("agreement_id")), None)
    if ag is None:
        raise ValueError(f"{where}: the record has no such agreement (a verdict of another run?)")
    out = {k: v.get(k) for k in _KEYS}
    idx = out["index"]
    if out["field"] in LIST_FIELDS and out["verdict"] != "added":
        try:
            out["index"] = int(idx)
        except (TypeError, ValueError):
            raise ValueError(f"{where}: a list item needs its index") from None
        if not 0 <= out["index"] < len(ag.get(out["field"]) or []):
            raise ValueError(f"{where}: no item {idx} in the record")
    elif out["verdict"] != "added":
        out["index"] = None
    text = rec.get("text") or ""
    if out["verdict"] in ("fixed", "added") and (out["start"] is None) and not (
            out["field"] in ("type", "status") and out["value"] in (TYPES if out["field"] == "type" else STATUSES)):
        raise ValueError(f"{where}: a fix needs the span of the right value (or a known {out['field']})")
    if out["start"] is not None:
        s, e = out["start"], out["end"]
        if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(text)):
            raise ValueError(f"{where}: offsets {s}:{e} are outside the text ({len(text)} characters)")
        if out["verdict"] in ("fixed", "added") and text[s:e] != out["value"]:
            raise ValueError(f"{where}: the value is not the text at {s}:{e} (the record's text changed?)")
        out["value"] = text[s:e] if out["verdict"] in ("fixed", "added") else out["value"]
    if out["verdict"] == "added":
        out["index"] = f"new:{out['start']}"
    return out


def load(paths: list[Path]) -> dict[tuple, dict]:
    """The latest verdict per value (by `at`, then file order) of verdict files."""
    latest: dict[tuple, dict] = {}
    for path in paths:
        for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                v = json.loads(line)
                k = key(v)
            except (json.JSONDecodeError, KeyError, TypeError):
                raise ValueError(f"{path}:{n}: not a verdict line (a JSON object with article_id, agreement_id, "
                                 "field, verdict)") from None
            if k not in latest or (v.get("at") or "") >= (latest[k].get("at") or ""):
                latest[k] = v
    return latest


def _records_for(path: str | Path, ids: set[str]) -> dict[str, dict]:
    return {r["article_id"]: r for r in iter_records(path) if r["article_id"] in ids}


def export(records: str | Path, verdict_files: list[str] | None, out: str | Path) -> tuple[int, list[str]]:
    """Write the annotations of the verdicts on `records`; returns (written, verdicts skipped, each
    with its reason)."""
    records = Path(records).resolve()
    paths = [Path(p) for p in verdict_files] if verdict_files else [records.parent / VERDICTS_FILE]
    for p in paths:
        if not p.is_file():
            raise ValueError(f"{p} does not exist: no verdicts to export (mark some in `kyket review --serve`, "
                             "or give a downloaded file with --verdicts)")
    latest = load(paths)
    recs = _records_for(records, {k[0] for k in latest})
    written, problems = [], []
    for k, v in sorted(latest.items()):
        rec = recs.get(k[0])
        if rec is None:
            problems.append(f"verdict on {k[0]}: no such article in {records}; skipped")
            continue
        try:
            a = check(v, rec)
        except ValueError as exc:
            problems.append(f"{exc}; skipped")
            continue
        a["records"] = str(records)
        a["text_sha256"] = rec.get("text_sha256") or ""
        written.append(a)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        for a in written:
            fh.write(json.dumps(a, ensure_ascii=False) + "\n")
    return len(written), problems


# --- annotations → gold -----------------------------------------------------------------------

def _date(text: str, a: dict, published: str | None) -> tuple[str | None, str | None]:
    from extractors.dates import extract_dates, resolve
    from pipeline.textnorm import fold

    for m in extract_dates(fold(text), a["start"], a["end"]):
        value, _src = resolve(m, published)
        if value:
            return value, m.part_of_day
    raise ValueError(f"annotation on {a['article_id']}/{a['agreement_id']}: {a['value']!r} is not a date")


def _period(text: str, a: dict) -> dict:
    from extractors.dates import extract_periods
    from pipeline.textnorm import fold

    for m in extract_periods(fold(text), a["start"], a["end"]):
        return {"start": m.first, "end": m.last}
    raise ValueError(f"annotation on {a['article_id']}/{a['agreement_id']}: {a['value']!r} is not a period")


def gold_from(rec: dict, anns: list[dict]) -> dict:
    """A gold file (GUIDELINES.md shape) for one article: its record's agreements, corrected."""
    text = rec.get("text") or ""
    by_ag: dict[str, list[dict]] = defaultdict(list)
    for a in anns:
        by_ag[a["agreement_id"]].append(a)
    golds = []
    for ag in rec.get("agreements") or []:
        vs = by_ag.get(ag["agreement_id"], [])
        if any(a["field"] == "agreement" and a["verdict"] == "wrong" for a in vs):
            continue
        d, per = ag.get("date") or {}, ag.get("period")
        g = {"status": ag["status"], "optional": not [a for a in vs if a["verdict"] != "note"],
             "evidence": ag["evidence"]["text"], "type": ag["type"], "title": (ag.get("title") or {}).get("text"),
             "date": d.get("value"), "part_of_day": d.get("part_of_day"), "location": (ag.get("location") or {}).get("text"),
             "period": {"start": per["start"], "end": per["end"]} if per else None,
             "parties": [{"name": p["name"], "aliases": []} for p in ag.get("parties") or []],
             "relations": [{"from": r["from"], "to": r["to"], "type": "supports"} for r in ag.get("relations") or []],
             "signatories": [{"name": s["name"], "title": s.get("title"), "party": s.get("party")}
                             for s in ag.get("signatories") or [] if s["role"] == "signatory"],
             "witnesses": [{"name": s["name"], "title": s.get("title"), "party": s.get("party")}
                           for s in ag.get("signatories") or [] if s["role"] == "witness"],
             "clauses": [c["text"] for c in ag.get("clauses") or []]}
        sig_index = [i for i, s in enumerate(ag.get("signatories") or []) if s["role"] == "signatory"]
        drop: dict[str, set[int]] = defaultdict(set)
        for a in vs:
            f, verdict = a["field"], a["verdict"]
            if f in ("status", "type"):
                if verdict == "fixed":
                    g[f] = a["value"]
                elif verdict == "wrong":
                    g["optional"] = True  # the right one is unknown
            elif f in ("title", "location"):
                g[f] = a["value"] if verdict == "fixed" else None if verdict == "wrong" else g[f]
            elif f == "date" and verdict in ("fixed", "wrong"):
                g["date"], g["part_of_day"] = _date(text, a, rec.get("published_at")) if verdict == "fixed" else (None, None)
            elif f == "period" and verdict in ("fixed", "wrong"):
                g["period"] = _period(text, a) if verdict == "fixed" else None
            elif f in LIST_FIELDS and verdict == "added":
                g[f].append({"name": a["value"], "aliases": []} if f == "parties" else
                            {"name": a["value"], "title": None, "party": None} if f == "signatories" else a["value"])
            elif f in LIST_FIELDS and verdict in ("fixed", "wrong"):
                i = a["index"] if f != "signatories" else (sig_index.index(a["index"]) if a["index"] in sig_index else None)
                if i is None:
                    continue
                if verdict == "wrong":
                    drop[f].add(i)
                elif f == "clauses":
                    g[f][i] = a["value"]
                else:
                    g[f][i]["name"] = a["value"]
        for f, idx in drop.items():
            g[f] = [x for i, x in enumerate(g[f]) if i not in idx]
        golds.append(g)
    return {"id": rec["article_id"], "is_signing_article": any(g["status"] == "signed" and not g["optional"] for g in golds),
            "agreements": golds, "notes": "made from editors' verdicts (kyket review --export)"}


def load_extra(path: str | Path):
    """(golds by article id, RawArticles) of an annotations file: the extra labelled articles
    `kyket train --extra` and `kyket eval --extra` add to the gold folder's."""
    from pipeline.ingest import RawArticle

    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path} does not exist: give the file `kyket review --export` wrote")
    anns_by_records: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            a = json.loads(line)
            anns_by_records[a["records"]][a["article_id"]].append(a)
        except (json.JSONDecodeError, KeyError, TypeError):
            raise ValueError(f"{path}:{n}: not an annotation of `kyket review --export` (needs records, "
                             "article_id, agreement_id, field, verdict)") from None
    golds, raws = {}, []
    for records, by_article in anns_by_records.items():
        if not Path(records).is_file():
            raise ValueError(f"{path}: the annotations index {records}, which does not exist (moved? the article "
                             "text comes from it)")
        recs = _records_for(records, set(by_article))
        for aid, anns in sorted(by_article.items()):
            rec = recs.get(aid)
            if rec is None:
                raise ValueError(f"{path}: article {aid} is not in {records}")
            if anns[0].get("text_sha256") and rec.get("text_sha256") and anns[0]["text_sha256"] != rec["text_sha256"]:
                raise ValueError(f"{path}: the text of {aid} in {records} changed since the verdicts (rerun? export again)")
            golds[aid] = gold_from(rec, anns)
            raws.append(RawArticle(aid, rec.get("text") or "", source_path=records,
                                   url=(rec.get("source") or {}).get("url"), published_at=rec.get("published_at")))
    return golds, raws
