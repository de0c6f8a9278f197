"""`kyket eval`: score the pipeline against gold files, with the matching rules of
../shared/dev/GUIDELINES.md ("How an extraction is scored")."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import regex

from pipeline.ingest import read_articles
from pipeline.records import ArticleRecord
from pipeline.runner import process_article
from pipeline.textnorm import collapse_ws, fold, name_key, names_match

HONORIFICS = regex.compile(r"^(?:(?:ông|bà|ngài|GS\.TSKH|GS\.TS|PGS\.TS|PGS|GS|TS|ThS|BS)\.?\s+)+", regex.IGNORECASE)


def _words(s: str) -> list[str]:
    return regex.findall(r"[\p{L}\p{N}]+", fold(s))


def word_f1(a: str, b: str) -> float:
    wa, wb = Counter(_words(a)), Counter(_words(b))
    common = sum((wa & wb).values())
    if not common:
        return 0.0
    p, r = common / sum(wa.values()), common / sum(wb.values())
    return 2 * p * r / (p + r)


class PRF:
    def __init__(self):
        self.tp = self.fp = self.fn = 0

    def add(self, tp=0, fp=0, fn=0):
        self.tp += tp
        self.fp += fp
        self.fn += fn

    def as_dict(self):
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


class Acc:
    def __init__(self):
        self.ok = self.n = 0

    def add(self, ok: bool):
        self.ok += int(ok)
        self.n += 1

    def as_dict(self):
        return {"accuracy": round(self.ok / self.n, 4) if self.n else None, "correct": self.ok, "total": self.n}


def party_matches(pred: dict, gold: dict) -> bool:
    gold_names = [gold["name"], *gold.get("aliases", [])]
    return any(names_match(p, g) for p in (pred["name"], pred["canonical"]) for g in gold_names)


def _match_sets(preds: list, golds: list, match) -> tuple[int, int, int, list]:
    """One-to-one greedy matching; optional gold items absorb matches without counting."""
    used = set()
    tp = fp = 0
    pairs = []
    for p in preds:
        hit = next((i for i, g in enumerate(golds) if i not in used and match(p, g)), None)
        if hit is None:
            fp += 1
            continue
        used.add(hit)
        if not golds[hit].get("optional"):
            tp += 1
            pairs.append((p, golds[hit]))
    fn = sum(1 for i, g in enumerate(golds) if i not in used and not g.get("optional"))
    return tp, fp, fn, pairs


def _clause_match(preds: list[str], golds: list[str]) -> tuple[int, int, int]:
    cands = sorted(((word_f1(p, g), i, j) for i, p in enumerate(preds) for j, g in enumerate(golds)), reverse=True)
    up, ug = set(), set()
    for f1, i, j in cands:
        if f1 < 0.6:
            break
        if i in up or j in ug:
            continue
        up.add(i)
        ug.add(j)
    return len(up), len(preds) - len(up), len(golds) - len(ug)


def _person_key(name: str) -> str:
    return name_key(HONORIFICS.sub("", name.strip()))


def _evidence_overlap(pred: dict, gold: dict, text: str) -> bool:
    ev = gold.get("evidence") or ""
    idx = text.find(ev) if ev else -1
    if idx < 0:
        return word_f1(pred["evidence"]["text"], ev) >= 0.5
    return not (pred["evidence"]["end"] <= idx or pred["evidence"]["start"] >= idx + len(ev))


def pair_agreements(pred_ags: list[dict], gold_ags: list[dict], text: str) -> tuple[list, list]:
    """One-to-one pairs (pred, gold) by shared parties, ties by evidence overlap."""
    scored = []
    for i, p in enumerate(pred_ags):
        for j, g in enumerate(gold_ags):
            shared = sum(1 for gp in g["parties"] if any(party_matches(pp, gp) for pp in p["parties"]))
            overlap = _evidence_overlap(p, g, text)
            if shared or overlap:
                scored.append((shared, overlap, i, j))
    scored.sort(key=lambda x: (-x[0], -int(x[1])))
    up, ug, pairs = set(), set(), []
    for _s, _o, i, j in scored:
        if i in up or j in ug:
            continue
        up.add(i)
        ug.add(j)
        pairs.append((pred_ags[i], gold_ags[j]))
    unpaired = [p for i, p in enumerate(pred_ags) if i not in up]
    return pairs, unpaired


def score(records: dict[str, ArticleRecord], golds: dict[str, dict]) -> dict:
    m = {k: PRF() for k in ("detection", "agreements", "parties", "relations", "signatories", "clauses")}
    a = {k: Acc() for k in ("date", "part_of_day", "type", "location", "period", "title", "status",
                            "boilerplate", "article_title", "authors", "published_at")}
    per_article = {}
    for aid, gold in golds.items():
        rec = records.get(aid)
        if rec is None:
            continue
        d = rec.model_dump(mode="json", by_alias=True)
        text = d["text"]
        preds = [x for x in d["agreements"] if x["status"] != "referenced"]
        gags = gold["agreements"]
        positive = any(g["status"] == "signed" and not g.get("optional") for g in gags)
        if positive:
            m["detection"].add(tp=int(bool(preds)), fn=int(not preds))
        elif not gags:
            m["detection"].add(fp=int(bool(preds)))
        pairs, unpaired = pair_agreements(preds, gags, text)
        found = 0
        for p, g in pairs:
            if not g.get("optional"):
                a["status"].add(p["status"] == g["status"])
            if g["status"] != "signed" or g.get("optional"):
                continue
            found += 1
            tp, fp, fn, _ = _match_sets(p["parties"], g["parties"], party_matches)
            m["parties"].add(tp, fp, fn)
            sig_p = [s for s in p["signatories"] if s["role"] == "signatory"]
            tp, fp, fn, _ = _match_sets(sig_p, g["signatories"], lambda x, y: _person_key(x["name"]) == _person_key(y["name"]))
            m["signatories"].add(tp, fp, fn)
            tp, fp, fn, _ = _match_sets(p["relations"], g["relations"], lambda x, y: names_match(x["from"], y["from"]) and names_match(x["to"], y["to"]))
            m["relations"].add(tp, fp, fn)
            m["clauses"].add(*_clause_match([c["text"] for c in p["clauses"]], g["clauses"]))
            pd = (p["date"] or {}).get("value")
            gd = g["date"]
            a["date"].add(pd == gd or (gd is not None and gd.startswith("--") and pd is not None and pd[-5:] == gd[-5:]))
            a["part_of_day"].add((p["date"] or {}).get("part_of_day") == g["part_of_day"])
            a["type"].add(p["type"] == g["type"])
            gp, pp = g["period"], p["period"]
            a["period"].add((gp is None and pp is None) or (gp is not None and pp is not None and gp["start"] == pp["start"] and gp["end"] == pp["end"]))
            pl, gl = (p["location"] or {}).get("text"), g["location"]
            a["location"].add((pl is None and gl is None) or (pl is not None and gl is not None and word_f1(pl, gl) >= 0.6))
            pt, gt = (p["title"] or {}).get("text"), g["title"]
            a["title"].add((pt is None and gt is None) or (pt is not None and gt is not None and word_f1(pt, gt) >= 0.8))
        gold_signed = sum(1 for g in gags if g["status"] == "signed" and not g.get("optional"))
        m["agreements"].add(tp=found, fp=len(unpaired), fn=gold_signed - found)
        flat = collapse_ws(text)
        lines = {ln.strip() for ln in text.split("\n")}
        per_article[aid] = {"predicted": len(d["agreements"]), "gold_signed": gold_signed, "found": found,
                            "unpaired": len(unpaired), "status": d["status"]}
        if "boilerplate" not in gold:  # a gold made from editors' verdicts judges agreements only
            continue
        for b in gold["boilerplate"]:
            # a punctuation-only fragment ("..") is checked as a whole line: it also occurs
            # inside real sentences ("trường,...)")
            present = b in text if regex.search(r"[\p{L}\p{N}]", b) else b.strip() in lines
            a["boilerplate"].add(not present)
        for key in ("body_first", "body_last"):
            if gold.get(key):
                a["boilerplate"].add(collapse_ws(gold[key]) in flat)
        a["article_title"].add(name_key(d["title"] or "") == name_key(gold["title"] or ""))
        a["authors"].add(all(x in d["authors"] for x in gold["authors"]))
        a["published_at"].add((d["published_at"] or "")[:16] == (gold["published"] or "")[:16])
    out = {k: v.as_dict() for k, v in m.items()}
    out.update({k: v.as_dict() for k, v in a.items()})
    out["articles"] = len(per_article)
    out["per_article"] = per_article
    return out


def load_golds(gold_dir: Path) -> dict[str, dict]:
    """Gold files by article id (file stem)."""
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(Path(gold_dir).glob("*.json"))}


def evaluate(gold_dir: Path, articles_dir: Path, only: set[str] | None = None, extra: Path | None = None) -> dict:
    """`extra`: an annotations file of `kyket review --export`, scored as extra gold (its
    articles' text from the run's records)."""
    golds = load_golds(gold_dir)
    raws = list(read_articles([articles_dir]))
    if extra is not None:
        from pipeline.verdicts import load_extra

        extra_golds, extra_raws = load_extra(extra)
        golds.update(extra_golds)
        raws = [r for r in raws if r.article_id not in extra_golds] + extra_raws
    if only is not None:
        golds = {a: g for a, g in golds.items() if a in only}
    records = {}
    for raw in raws:
        if raw.article_id in golds:
            records[raw.article_id] = process_article(raw)
    return score(records, golds)


HEADLINE = ("detection", "agreements", "parties", "signatories", "clauses", "date", "status", "location")


def _headline(r: dict) -> float:
    return r["f1"] if "f1" in r else (r["accuracy"] or 0.0)


def pool(reports: list[dict]) -> dict:
    """The figures of several scorings of the same articles (repeated cross-validation with
    other fold splits) pooled: counts summed, rates recomputed; `spread` gives each headline
    figure's lowest and highest single value."""
    out: dict = {"articles": reports[0]["articles"], "repeats": len(reports)}
    for k, r in reports[0].items():
        if isinstance(r, dict) and "tp" in r:
            prf = PRF()
            for rep in reports:
                prf.add(rep[k]["tp"], rep[k]["fp"], rep[k]["fn"])
            out[k] = prf.as_dict()
        elif isinstance(r, dict) and "correct" in r:
            acc = Acc()
            acc.ok, acc.n = sum(rep[k]["correct"] for rep in reports), sum(rep[k]["total"] for rep in reports)
            out[k] = acc.as_dict()
    out["spread"] = {k: [min(_headline(rep[k]) for rep in reports), max(_headline(rep[k]) for rep in reports)]
                     for k in HEADLINE}
    return out


def format_report(rep: dict) -> str:
    lines = [f"articles scored: {rep['articles']}", "", f"{'metric':<16}{'P':>8}{'R':>8}{'F1':>8}   tp/fp/fn"]
    for k in ("detection", "agreements", "parties", "signatories", "clauses", "relations"):
        r = rep[k]
        lines.append(f"{k:<16}{r['precision']:>8.3f}{r['recall']:>8.3f}{r['f1']:>8.3f}   {r['tp']}/{r['fp']}/{r['fn']}")
    lines += ["", f"{'field':<16}{'accuracy':>9}   correct/total"]
    for k in ("date", "part_of_day", "status", "type", "location", "period", "title", "boilerplate",
              "article_title", "authors", "published_at"):
        r = rep[k]
        acc = "n/a" if r["accuracy"] is None else f"{r['accuracy']:.3f}"
        lines.append(f"{k:<16}{acc:>9}   {r['correct']}/{r['total']}")
    if "spread" in rep:
        lines += ["", f"lowest and highest of the {rep['repeats']} splits: "
                  + ", ".join(f"{k} {lo:.3f}–{hi:.3f}" for k, (lo, hi) in rep["spread"].items())]
    return "\n".join(lines)
