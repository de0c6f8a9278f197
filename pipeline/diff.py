"""`kyket diff OLD.jsonl NEW.jsonl`: what changed between two runs, article by article, field by field.

Records pair by `article_id`; agreements pair by `agreement_id`, and those left over by the
overlap of their parties (name keys) and date. For each pair the fields editors check are
compared — status, type, title, date (value and part of day), location, period, parties,
signatories, clauses — and reported as added / removed / changed. Clauses pair by word
overlap and are compared word by word, so a one-word edit shows as that word.
"""
from __future__ import annotations

import difflib
import hashlib
import json
from array import array
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import regex

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


_SPAN_KEYS = {"title": ("start", "end"), "location": ("start", "end"), "date": ("start", "end"),
              "period": ("span_start", "span_end")}


def _span(ag: dict | None, field: str) -> list[int] | None:
    """[start, end] of a field's value in its record's text, or None (type, status, no value)."""
    v = (ag or {}).get(field)
    keys = _SPAN_KEYS.get(field)
    return [v[keys[0]], v[keys[1]]] if keys and v else None


def _with_spans(change: dict, old: list[int] | None, new: list[int] | None) -> dict:
    if old:
        change["old_span"] = old
    if new:
        change["new_span"] = new
    return change


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
    span_o, span_n = ({c["text"]: [c["start"], c["end"]] for c in cs} for cs in (old, new))
    same = set(olds) & set(news)
    ro = [t for t in olds if t not in same]
    rn = [t for t in news if t not in same]
    scored = sorted(((_similar(a, b), i, j) for i, a in enumerate(ro) for j, b in enumerate(rn)), reverse=True)
    used_o, used_n = set(), set()
    for s, i, j in scored:
        if s >= 0.5 and i not in used_o and j not in used_n:
            used_o.add(i)
            used_n.add(j)
            yield _with_spans({"field": "clauses", "op": "changed", "old": ro[i], "new": rn[j],
                               "words": word_diff(ro[i], rn[j])}, span_o[ro[i]], span_n[rn[j]])
    for i, t in enumerate(ro):
        if i not in used_o:
            yield _with_spans({"field": "clauses", "op": "removed", "old": t, "new": None}, span_o[t], None)
    for j, t in enumerate(rn):
        if j not in used_n:
            yield _with_spans({"field": "clauses", "op": "added", "old": None, "new": t}, None, span_n[t])


def _set_changes(field: str, old: list[dict], new: list[dict], key, show) -> Iterator[dict]:
    o = {key(x): x for x in old}
    n = {key(x): x for x in new}
    def span(x):
        return [x["start"], x["end"]] if "start" in x else None

    for k in o.keys() - n.keys():
        yield _with_spans({"field": field, "op": "removed", "old": show(o[k]), "new": None}, span(o[k]), None)
    for k in n.keys() - o.keys():
        yield _with_spans({"field": field, "op": "added", "old": None, "new": show(n[k])}, None, span(n[k]))
    for k in o.keys() & n.keys():
        if show(o[k]) != show(n[k]):
            yield _with_spans({"field": field, "op": "changed", "old": show(o[k]), "new": show(n[k])}, span(o[k]), span(n[k]))


def _signatory(s: dict) -> str:
    extra = ", ".join(x for x in (s.get("title"), s.get("party")) if x)
    return f"{s['name']} ({s['role']}{': ' + extra if extra else ''})"


def compare_agreements(a: dict, b: dict) -> list[dict]:
    changes = []
    for field in ("status", "type", "title", "date", "location", "period"):
        va, vb = _scalar(a, field), _scalar(b, field)
        if va != vb:
            op = "added" if va is None else "removed" if vb is None else "changed"
            changes.append(_with_spans({"field": field, "op": op, "old": _fmt(va), "new": _fmt(vb)},
                                       _span(a, field), _span(b, field)))
    changes += _set_changes("parties", a.get("parties") or [], b.get("parties") or [],
                            lambda p: name_key(p["name"]), lambda p: p["name"])
    changes += _set_changes("signatories", a.get("signatories") or [], b.get("signatories") or [],
                            lambda s: (name_key(s["name"]), s["role"]), _signatory)
    changes += list(_clause_changes(a.get("clauses") or [], b.get("clauses") or []))
    return changes


def _label(ag: dict) -> str:
    names = ", ".join(p["name"] for p in (ag.get("parties") or [])[:3])
    return f"{ag['type']} — {names}" + (" …" if len(ag.get("parties") or []) > 3 else "")


_TOKEN = regex.compile(r"\S+")


def text_changes(old: str, new: str, limit: int = 5) -> list[dict]:
    """Where two texts differ, word by word: up to `limit` regions, each with its character
    offsets in the old and the new text (end exclusive) and the words there."""
    a, b = list(_TOKEN.finditer(old)), list(_TOKEN.finditer(new))
    out = []
    sm = difflib.SequenceMatcher(None, [m.group() for m in a], [m.group() for m in b], autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        os_ = a[i1].start() if i1 < i2 else (a[i1 - 1].end() if i1 else 0)
        oe = a[i2 - 1].end() if i1 < i2 else os_
        ns = b[j1].start() if j1 < j2 else (b[j1 - 1].end() if j1 else 0)
        ne = b[j2 - 1].end() if j1 < j2 else ns
        out.append({"old_span": [os_, oe], "new_span": [ns, ne], "old": old[os_:oe], "new": new[ns:ne]})
        if len(out) == limit:
            break
    if not out and old != new:  # spacing only
        out.append({"old_span": [0, len(old)], "new_span": [0, len(new)], "old": None, "new": None})
    return out


def diff_article(aid: str, a: dict | None, b: dict | None) -> dict:
    """One article's entry of the report: state (same, changed, only_old, only_new), the
    article-level changes and the changed, removed and added agreements."""
    if a is None or b is None:
        return {"article_id": aid, "state": "only_new" if a is None else "only_old", "agreements": [],
                "article_changes": []}
    art_changes = []
    for field in ("title", "published_at", "status"):
        if a.get(field) != b.get(field):
            art_changes.append({"field": field, "op": "changed", "old": a.get(field), "new": b.get(field)})
    if a.get("text") != b.get("text"):
        art_changes.append({"field": "text", "op": "changed", "old": None, "new": None,
                            "regions": text_changes(a.get("text") or "", b.get("text") or "")})
    pairs, gone, added = pair_agreements(a.get("agreements") or [], b.get("agreements") or [])
    ags = []
    for x, y in pairs:
        ch = compare_agreements(x, y)
        if ch:
            ags.append({"agreement_id": y["agreement_id"], "old_id": x["agreement_id"], "label": _label(y),
                        "state": "changed", "changes": ch})
    for x in gone:
        ags.append({"agreement_id": x["agreement_id"], "label": _label(x), "state": "removed", "changes": [],
                    "old_span": [x["evidence"]["start"], x["evidence"]["end"]]})
    for y in added:
        ags.append({"agreement_id": y["agreement_id"], "label": _label(y), "state": "added", "changes": [],
                    "new_span": [y["evidence"]["start"], y["evidence"]["end"]]})
    state = "changed" if ags or art_changes else "same"
    return {"article_id": aid, "state": state, "agreements": ags, "article_changes": art_changes}


class Summary:
    """The report's summary, counted article by article."""

    def __init__(self):
        self.articles_old = self.articles_new = self.compared = self.changed = 0
        self.only_old: list[str] = []
        self.only_new: list[str] = []
        self.kinds: Counter = Counter()

    def add(self, art: dict) -> None:
        st = art["state"]
        self.articles_old += st != "only_new"
        self.articles_new += st != "only_old"
        self.compared += st in ("same", "changed")
        self.changed += st == "changed"
        if st in ("only_old", "only_new"):
            getattr(self, st).append(art["article_id"])
            self.kinds["articles." + ("added" if st == "only_new" else "removed")] += 1
        for c in art["article_changes"]:
            self.kinds[f"article.{c['field']}"] += 1
        for g in art["agreements"]:
            if g["state"] != "changed":
                self.kinds[f"agreements.{g['state']}"] += 1
            for c in g["changes"]:
                self.kinds[f"{c['field']}.{c['op']}"] += 1

    def as_dict(self) -> dict:
        return {"articles_old": self.articles_old, "articles_new": self.articles_new, "compared": self.compared,
                "changed": self.changed, "only_old": self.only_old, "only_new": self.only_new,
                "changes_by_kind": dict(sorted(self.kinds.items()))}


def diff_records(old: dict[str, dict], new: dict[str, dict]) -> dict:
    summary = Summary()
    articles = []
    for aid in list(new) + [k for k in old if k not in new]:
        articles.append(diff_article(aid, old.get(aid), new.get(aid)))
        summary.add(articles[-1])
    return {"summary": summary.as_dict(), "articles": articles}


def _id_hash(aid: str) -> int:
    return int.from_bytes(hashlib.blake2b(aid.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


class OffsetIndex:
    """Where each record of a records file starts, by article id, in 17 bytes an article: the
    ids' 64-bit hashes, sorted, beside their byte offsets (numpy arrays), and a taken flag. A
    lookup reads the record(s) at the matching offsets and checks the id, so a hash collision
    costs a read, never a wrong pair; of repeated ids the last one counts (as in read_records)."""

    def __init__(self, path: str | Path):
        import numpy as np

        hashes, offsets = array("q"), array("q")
        for off, _n, rec in iter_records(path, offsets=True):  # checks the whole file too
            hashes.append(_id_hash(rec["article_id"]))
            offsets.append(off)
        h, o = np.frombuffer(hashes, dtype=np.int64), np.frombuffer(offsets, dtype=np.int64)
        order = np.argsort(h, kind="stable")
        self.hashes, self.offsets = h[order], o[order]
        self.taken = np.zeros(len(h), dtype=bool)
        self.fh = open(path, "rb")  # noqa: SIM115 — closed by close()
        # a repeated id (equal hashes, adjacent): only its last record stays to be left over
        starts, counts = np.unique(self.hashes, return_index=True, return_counts=True)[1:]
        for lo, n in zip(starts[counts > 1], counts[counts > 1], strict=True):
            last: dict[str, int] = {}
            for i in range(lo, lo + n):
                aid = self.read(self.offsets[i])["article_id"]
                if aid in last:
                    self.taken[last[aid]] = True
                last[aid] = i

    def read(self, off: int) -> dict:
        self.fh.seek(int(off))
        return json.loads(self.fh.readline())

    def pop(self, aid: str) -> dict | None:
        """The record of `aid`, marked taken; None when the file has none."""
        import numpy as np

        h = _id_hash(aid)
        lo, hi = np.searchsorted(self.hashes, h, "left"), np.searchsorted(self.hashes, h, "right")
        found = None
        for i in range(lo, hi):
            rec = self.read(self.offsets[i])
            if rec["article_id"] == aid:
                self.taken[i] = True
                found = rec  # offsets of equal hashes stay in file order (stable sort): the last wins
        return found

    def rest(self) -> Iterator[dict]:
        """The records never taken, in file order (a repeated id once: its last record)."""
        import numpy as np

        for off in np.sort(self.offsets[~self.taken]):
            yield self.read(off)

    def close(self) -> None:
        self.fh.close()


def iter_file_diff(old_path: str | Path, new_path: str | Path, summary: Summary) -> Iterator[tuple[dict, dict | None, dict | None]]:
    """(report entry, old record, new record) of every article, in the new file's order then
    the old-only ones, reading both files as streams: memory holds the old file's OffsetIndex
    (17 bytes an article), not its records. Both files are checked whole before the first entry."""
    index = OffsetIndex(old_path)
    try:
        for _ in iter_records(new_path):
            pass
        for b in iter_records(new_path):
            a = index.pop(b["article_id"])
            art = diff_article(b["article_id"], a, b)
            summary.add(art)
            yield art, a, b
        for a in index.rest():
            art = diff_article(a["article_id"], a, None)
            summary.add(art)
            yield art, a, None
    finally:
        index.close()


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
            if c["field"] != "text":
                lines.append(f"  {c['field']}: {c['old']!r} → {c['new']!r}")
                continue
            for r in c.get("regions") or [{"old_span": None}]:
                if r["old_span"] is None:
                    lines.append("  text changed")
                elif r["old"] is None:
                    lines.append("  text changed: spacing only")
                else:
                    lines.append(f"  text changed at {r['old_span'][0]}–{r['old_span'][1]} (new {r['new_span'][0]}–"
                                 f"{r['new_span'][1]}): {r['old']!r} → {r['new']!r}")
        for g in art["agreements"]:
            if g["state"] != "changed":
                lines.append(f"  agreement {g['state']}: {g['agreement_id']} ({g['label']})")
                continue
            ids = g["agreement_id"] if g.get("old_id", g["agreement_id"]) == g["agreement_id"] else \
                f"{g['old_id']} → {g['agreement_id']}"
            lines.append(f"  agreement {ids} ({g['label']}):")
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
