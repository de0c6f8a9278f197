"""`kyket diff OLD.jsonl NEW.jsonl`: what changed between two runs, article by article, field by field.

Records pair by `article_id`; agreements pair by `agreement_id`, and those left over by the
overlap of their parties (name keys) and date. For each pair the fields editors check are
compared — status, type, title, date (value and part of day), location, period, parties,
signatories, clauses — and reported as added / removed / changed. Clauses pair by word
overlap and are compared word by word, so a one-word edit shows as that word.
"""
from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from pipeline.tables import iter_records
from pipeline.textnorm import name_key

FIELDS = ("status", "type", "title", "date", "location", "period", "parties", "signatories", "clauses")


def read_records(path: str | Path) -> dict[str, dict]:
    """Records by id, in file order (a later duplicate id replaces an earlier one)."""
    return {rec["article_id"]: rec for rec in iter_records(path)}


def _scalar(ag: dict | None, field: str):
    if ag is None:
        return None
    v = ag.get(field)
    if field == "title" or field == "location":
        return (v or {}).get("text")
    if field == "date":
        return None if not v else (v.get("value"), v.get("part_of_day"))
    if field == "period":
        return None if not v else f"{v['start']}–{v['end']}"
    return v


def _fmt(v) -> str | None:
    if isinstance(v, tuple):
        return " ".join(x for x in v if x)
    return v


def _party_keys(ag: dict) -> set[str]:
    return {name_key(p["name"]) for p in ag.get("parties") or []}


def pair_agreements(old: list[dict], new: list[dict]) -> tuple[list[tuple[dict, dict]], list[dict], list[dict]]:
    """(pairs, only in old, only in new): by agreement_id, then by shared parties and date."""
    pairs = []
    by_id = {a["agreement_id"]: a for a in old}
    rest_new = []
    for a in new:
        b = by_id.pop(a["agreement_id"], None)
        if b is not None:
            pairs.append((b, a))
        else:
            rest_new.append(a)
    rest_old = list(by_id.values())
    scored = []
    for i, a in enumerate(rest_old):
        for j, b in enumerate(rest_new):
            shared = len(_party_keys(a) & _party_keys(b))
            same_date = _scalar(a, "date") == _scalar(b, "date") and a.get("date") is not None
            if shared or same_date:
                scored.append((shared + (0.5 if same_date else 0), i, j))
    used_o, used_n = set(), set()
    for _s, i, j in sorted(scored, reverse=True):
        if i not in used_o and j not in used_n:
            used_o.add(i)
            used_n.add(j)
            pairs.append((rest_old[i], rest_new[j]))
    return (pairs, [a for i, a in enumerate(rest_old) if i not in used_o],
            [b for j, b in enumerate(rest_new) if j not in used_n])


def word_diff(old: str, new: str) -> list[list[str]]:
    """[op, text] runs: op is "=", "-" or "+"; words compared, spacing normalised."""
    a, b = old.split(), new.split()
    out: list[list[str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(["=", " ".join(a[i1:i2])])
        if tag in ("delete", "replace"):
            out.append(["-", " ".join(a[i1:i2])])
        if tag in ("insert", "replace"):
            out.append(["+", " ".join(b[j1:j2])])
    return out


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


def _clause_changes(old: list[dict], new: list[dict]) -> Iterator[dict]:
    olds, news = [c["text"] for c in old], [c["text"] for c in new]
    same = set(olds) & set(news)
    ro = [t for t in olds if t not in same]
    rn = [t for t in news if t not in same]
    scored = sorted(((_similar(a, b), i, j) for i, a in enumerate(ro) for j, b in enumerate(rn)), reverse=True)
    used_o, used_n = set(), set()
    for s, i, j in scored:
        if s >= 0.5 and i not in used_o and j not in used_n:
            used_o.add(i)
            used_n.add(j)
            yield {"field": "clauses", "op": "changed", "old": ro[i], "new": rn[j], "words": word_diff(ro[i], rn[j])}
    for i, t in enumerate(ro):
        if i not in used_o:
            yield {"field": "clauses", "op": "removed", "old": t, "new": None}
    for j, t in enumerate(rn):
        if j not in used_n:
            yield {"field": "clauses", "op": "added", "old": None, "new": t}


def _set_changes(field: str, old: list[dict], new: list[dict], key, show) -> Iterator[dict]:
    o = {key(x): x for x in old}
    n = {key(x): x for x in new}
    for k in o.keys() - n.keys():
        yield {"field": field, "op": "removed", "old": show(o[k]), "new": None}
    for k in n.keys() - o.keys():
        yield {"field": field, "op": "added", "old": None, "new": show(n[k])}
    for k in o.keys() & n.keys():
        if show(o[k]) != show(n[k]):
            yield {"field": field, "op": "changed", "old": show(o[k]), "new": show(n[k])}


def _signatory(s: dict) -> str:
    extra = ", ".join(x for x in (s.get("title"), s.get("party")) if x)
    return f"{s['name']} ({s['role']}{': ' + extra if extra else ''})"


def compare_agreements(a: dict, b: dict) -> list[dict]:
    changes = []
    for field in ("status", "type", "title", "date", "location", "period"):
        va, vb = _scalar(a, field), _scalar(b, field)
        if va != vb:
            op = "added" if va is None else "removed" if vb is None else "changed"
            changes.append({"field": field, "op": op, "old": _fmt(va), "new": _fmt(vb)})
    changes += _set_changes("parties", a.get("parties") or [], b.get("parties") or [],
                            lambda p: name_key(p["name"]), lambda p: p["name"])
    changes += _set_changes("signatories", a.get("signatories") or [], b.get("signatories") or [],
                            lambda s: (name_key(s["name"]), s["role"]), _signatory)
    changes += list(_clause_changes(a.get("clauses") or [], b.get("clauses") or []))
    return changes


def _label(ag: dict) -> str:
    names = ", ".join(p["name"] for p in (ag.get("parties") or [])[:3])
    return f"{ag['type']} — {names}" + (" …" if len(ag.get("parties") or []) > 3 else "")


def diff_records(old: dict[str, dict], new: dict[str, dict]) -> dict:
    articles = []
    kinds: Counter = Counter()
    order = list(new) + [k for k in old if k not in new]
    for aid in order:
        a, b = old.get(aid), new.get(aid)
        if a is None or b is None:
            articles.append({"article_id": aid, "state": "only_new" if a is None else "only_old", "agreements": [],
                             "article_changes": []})
            kinds["articles." + ("added" if a is None else "removed")] += 1
            continue
        art_changes = []
        for field in ("title", "published_at", "status"):
            if a.get(field) != b.get(field):
                art_changes.append({"field": field, "op": "changed", "old": a.get(field), "new": b.get(field)})
        if a.get("text") != b.get("text"):
            art_changes.append({"field": "text", "op": "changed", "old": None, "new": None})
        pairs, gone, added = pair_agreements(a.get("agreements") or [], b.get("agreements") or [])
        ags = []
        for x, y in pairs:
            ch = compare_agreements(x, y)
            if ch:
                ags.append({"agreement_id": y["agreement_id"], "old_id": x["agreement_id"], "label": _label(y),
                            "state": "changed", "changes": ch})
        for x in gone:
            ags.append({"agreement_id": x["agreement_id"], "label": _label(x), "state": "removed", "changes": []})
        for y in added:
            ags.append({"agreement_id": y["agreement_id"], "label": _label(y), "state": "added", "changes": []})
        for c in art_changes:
            kinds[f"article.{c['field']}"] += 1
        for g in ags:
            if g["state"] != "changed":
                kinds[f"agreements.{g['state']}"] += 1
            for c in g["changes"]:
                kinds[f"{c['field']}.{c['op']}"] += 1
        state = "changed" if ags or art_changes else "same"
        articles.append({"article_id": aid, "state": state, "agreements": ags, "article_changes": art_changes})
    compared = sum(1 for x in articles if x["state"] in ("same", "changed"))
    summary = {"articles_old": len(old), "articles_new": len(new), "compared": compared,
               "changed": sum(1 for x in articles if x["state"] == "changed"),
               "only_old": [x["article_id"] for x in articles if x["state"] == "only_old"],
               "only_new": [x["article_id"] for x in articles if x["state"] == "only_new"],
               "changes_by_kind": dict(sorted(kinds.items()))}
    return {"summary": summary, "articles": articles}


def has_changes(report: dict) -> bool:
    s = report["summary"]
    return bool(s["changed"] or s["only_old"] or s["only_new"])


def _words(words: list[list[str]]) -> str:
    return " ".join(t if op == "=" else f"[{op}{t}]" for op, t in words)


def format_text(report: dict) -> str:
    s = report["summary"]
    lines = [f"articles: {s['articles_old']} old, {s['articles_new']} new, {s['compared']} compared, "
             f"{s['changed']} changed, {len(s['only_old'])} only in old, {len(s['only_new'])} only in new"]
    if s["changes_by_kind"]:
        lines.append("changes: " + ", ".join(f"{k} {v}" for k, v in s["changes_by_kind"].items()))
    for art in report["articles"]:
        if art["state"] == "same":
            continue
        if art["state"] in ("only_old", "only_new"):
            lines.append(f"\n{art['article_id']}: only in {'old' if art['state'] == 'only_old' else 'new'} file")
            continue
        lines.append(f"\n{art['article_id']}:")
        for c in art["article_changes"]:
            lines.append(f"  {c['field']}: {c['old']!r} → {c['new']!r}" if c["field"] != "text" else "  text changed")
        for g in art["agreements"]:
            if g["state"] != "changed":
                lines.append(f"  agreement {g['state']}: {g['agreement_id']} ({g['label']})")
                continue
            lines.append(f"  agreement {g['agreement_id']} ({g['label']}):")
            for c in g["changes"]:
                if c["op"] == "changed" and c.get("words"):
                    lines.append(f"    {c['field']} changed: {_words(c['words'])}")
                elif c["op"] == "changed":
                    lines.append(f"    {c['field']}: {c['old']} → {c['new']}")
                elif c["op"] == "added":
                    lines.append(f"    {c['field']} + {c['new']}")
                else:
                    lines.append(f"    {c['field']} - {c['old']}")
    return "\n".join(lines) + "\n"
