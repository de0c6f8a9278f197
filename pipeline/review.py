"""`kyket review` and `kyket diff --format html`: one self-contained HTML page for editors.

No network, no external file: styles and the small filter script are inline, so the page
works opened from disk. Every string from the input (article text, names, ids) is HTML-
escaped here, on the server side; the script only reads data-* attributes and toggles
visibility, it never inserts markup. Highlights are built from the record's spans: the text
is cut at every span boundary, and each piece carries the kinds and span ids covering it
(`data-ids`), so a party's highlight is exactly that party's characters.
"""
from __future__ import annotations

import html

KINDS = [  # kind, label, colour (background; evidence is underlined)
    ("evidence", "evidence (signing sentence)", "transparent"),
    ("clause", "clause", "#e3e8ff"),
    ("period", "period", "#ffccbc"),
    ("place", "place", "#e1bee7"),
    ("date", "date", "#bbdefb"),
    ("person", "signatory / witness", "#c8e6c9"),
    ("party", "party", "#ffe082"),
]

_CSS = """
:root { --fg:#1d1d1f; --muted:#666; --line:#ddd; }
* { box-sizing: border-box; }
body { margin:0; font-family: "Noto Sans", "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif;
       color: var(--fg); font-size: 15px; line-height: 1.5; }
header { position: sticky; top:0; background:#fafafa; border-bottom:1px solid var(--line); padding:8px 16px; z-index:2; }
header h1 { font-size: 18px; margin: 0 12px 0 0; display:inline-block; }
.filters { display:inline-flex; gap:12px; align-items:center; flex-wrap:wrap; }
.legend { margin-top:6px; font-size: 13px; }
.legend span { margin-right: 10px; padding: 0 4px; border-radius: 3px; }
.wrap { display:flex; }
nav#list { width: 260px; border-right:1px solid var(--line); padding:8px; font-size: 13px; max-height: calc(100vh - 90px);
           overflow:auto; position: sticky; top: 90px; }
nav#list li { list-style:none; margin: 2px 0; }
nav#list ul { padding-left: 0; }
main { flex:1; padding: 8px 16px; }
section.article { border-bottom: 2px solid var(--line); padding: 12px 0 20px; }
section.article h2 { font-size: 17px; margin: 4px 0; }
.meta { color: var(--muted); font-size: 13px; }
.cols { display:grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 16px; }
.cols.diff { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); }
.text { white-space: pre-wrap; background:#fff; border:1px solid var(--line); padding:10px; border-radius:6px; }
.card { border:1px solid var(--line); border-radius:6px; padding:10px; background:#fcfcfc; font-size: 14px; }
.card h3 { font-size: 15px; margin: 6px 0; }
.card dl { display:grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 0; }
.card dt { color: var(--muted); }
.badge { display:inline-block; padding: 0 6px; border-radius: 10px; background:#eee; font-size: 12px; margin-right: 4px; }
.badge.error, .state-only_old, .state-removed { background:#ffcdd2; }
.state-changed { background:#fff59d; } .state-only_new, .state-added { background:#c8e6c9; }
.errors { color:#b71c1c; }
.hl { border-radius: 2px; }
""" + "\n".join(f".k-{k} {{ background: {c}; }}" for k, _l, c in KINDS if c != "transparent") + """
.k-evidence { text-decoration: underline; text-decoration-color: #616161; text-underline-offset: 3px; }
.changes { margin: 8px 0; padding-left: 18px; }
.changes li { margin: 2px 0; }
del { background:#ffcdd2; text-decoration: line-through; } ins { background:#c8e6c9; text-decoration: none; }
.field { font-weight: 600; margin-right: 6px; }
"""

_JS = """
(function () {
  var q = document.getElementById('q'), fa = document.getElementById('f-agreements'),
      fc = document.getElementById('f-changed'), fe = document.getElementById('f-errors'),
      ft = document.getElementById('f-type'), count = document.getElementById('count');
  var sections = Array.prototype.slice.call(document.querySelectorAll('section.article'));
  function apply() {
    var term = (q.value || '').trim().toLowerCase(), shown = 0;
    sections.forEach(function (s) {
      var ok = true;
      if (fa.checked && s.dataset.agreements === '0') ok = false;
      if (fc && fc.checked && s.dataset.changed !== '1') ok = false;
      if (fe.checked && s.dataset.errors !== '1') ok = false;
      if (ft.value && (' ' + s.dataset.types + ' ').indexOf(' ' + ft.value + ' ') < 0) ok = false;
      if (term && s.textContent.toLowerCase().indexOf(term) < 0) ok = false;
      s.hidden = !ok;
      var item = document.getElementById('l-' + s.id);
      if (item) item.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = shown + ' / ' + sections.length;
  }
  [q, fa, fc, fe, ft].forEach(function (el) { if (el) { el.addEventListener('input', apply); el.addEventListener('change', apply); } });
  apply();
})();
"""


def _e(s) -> str:
    return html.escape("" if s is None else str(s), quote=True)


def _spans(rec: dict, prefix: str) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, span id) of every highlighted value of a record."""
    out = []
    for gi, ag in enumerate(rec.get("agreements") or []):
        g = f"{prefix}g{gi}"
        ev = ag.get("evidence")
        if ev:
            out.append((ev["start"], ev["end"], "evidence", f"{g}-e"))
        for ci, c in enumerate(ag.get("clauses") or []):
            out.append((c["start"], c["end"], "clause", f"{g}-c{ci}"))
        if ag.get("period"):
            out.append((ag["period"]["span_start"], ag["period"]["span_end"], "period", f"{g}-per"))
        if ag.get("location"):
            out.append((ag["location"]["start"], ag["location"]["end"], "place", f"{g}-loc"))
        if ag.get("date"):
            out.append((ag["date"]["start"], ag["date"]["end"], "date", f"{g}-d"))
        for si, s in enumerate(ag.get("signatories") or []):
            out.append((s["start"], s["end"], "person", f"{g}-s{si}"))
        for pi, p in enumerate(ag.get("parties") or []):
            out.append((p["start"], p["end"], "party", f"{g}-p{pi}"))
    n = len(rec.get("text") or "")
    return [(s, e, k, i) for s, e, k, i in out if 0 <= s < e <= n]


def highlighted_text(rec: dict, prefix: str = "") -> str:
    text = rec.get("text") or ""
    spans = _spans(rec, prefix)
    cuts = sorted({0, len(text), *(s for s, _e, _k, _i in spans), *(e for _s, e, _k, _i in spans)})
    order = {k: n for n, (k, _l, _c) in enumerate(KINDS)}
    parts = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = _e(text[a:b])
        active = [(k, i) for s, e, k, i in spans if s <= a and b <= e]
        if not active:
            parts.append(piece)
            continue
        kinds = sorted({k for k, _i in active}, key=order.get)
        ids = " ".join(i for _k, i in active)
        parts.append(f'<span class="hl {" ".join("k-" + k for k in kinds)}" data-ids="{_e(ids)}">{piece}</span>')
    return '<div class="text" lang="vi">' + "".join(parts) + "</div>"


def _card(rec: dict) -> str:
    out = ['<div class="card">']
    if rec.get("status") == "error":
        out.append('<p class="errors">' + "<br>".join(
            f"{_e(x['stage'])}: {_e(x['type'])} — {_e(x['message'])}" for x in rec.get("errors") or []) + "</p>")
    ags = rec.get("agreements") or []
    if not ags:
        out.append('<p class="meta">No agreement found.</p>')
    for ag in ags:
        d = ag.get("date") or {}
        date = " ".join(x for x in (d.get("value"), d.get("part_of_day")) if x) or "—"
        per = ag.get("period")
        rows = [("status", ag["status"]), ("type", ag["type"]), ("title", (ag.get("title") or {}).get("text") or "—"),
                ("date", date), ("place", (ag.get("location") or {}).get("text") or "—"),
                ("period", f"{per['start']}–{per['end']}" if per else "—"), ("confidence", ag.get("confidence"))]
        out.append(f'<h3 data-agreement="{_e(ag["agreement_id"])}"><span class="badge">{_e(ag["status"])}</span>'
                   f'{_e(ag["type"])}</h3><dl>' + "".join(f"<dt>{_e(k)}</dt><dd data-field=\"{_e(k)}\">{_e(v)}</dd>" for k, v in rows)
                   + "</dl>")
        out.append("<p><b>Parties</b></p><ul>" + "".join(
            f'<li data-party="{_e(p["name"])}">{_e(p["name"])} <span class="meta">({_e(p.get("kind"))})</span></li>'
            for p in ag.get("parties") or []) + "</ul>")
        if ag.get("signatories"):
            out.append("<p><b>People</b></p><ul>" + "".join(
                f"<li>{_e(s['name'])} <span class=\"meta\">— {_e(s['role'])}"
                f"{', ' + _e(s['title']) if s.get('title') else ''}{', ' + _e(s['party']) if s.get('party') else ''}</span></li>"
                for s in ag["signatories"]) + "</ul>")
        if ag.get("relations"):
            out.append("<p><b>Support pairs</b></p><ul>" + "".join(
                f"<li>{_e(r['from'])} → {_e(r['to'])}</li>" for r in ag["relations"]) + "</ul>")
        if ag.get("clauses"):
            out.append("<p><b>Clauses</b></p><ol>" + "".join(f"<li>{_e(c['text'])}</li>" for c in ag["clauses"]) + "</ol>")
    out.append("</div>")
    return "".join(out)


def _types(*recs: dict | None) -> set[str]:
    return {ag["type"] for r in recs if r for ag in r.get("agreements") or []}


def _change_item(c: dict) -> str:
    f = f'<span class="field">{_e(c["field"])}</span>'
    if c.get("words"):
        body = " ".join(_e(t) if op == "=" else (f"<del>{_e(t)}</del>" if op == "-" else f"<ins>{_e(t)}</ins>")
                        for op, t in c["words"])
    elif c["op"] == "changed":
        body = f"<del>{_e(c['old'])}</del> → <ins>{_e(c['new'])}</ins>"
    elif c["op"] == "added":
        body = f"<ins>{_e(c['new'])}</ins>"
    else:
        body = f"<del>{_e(c['old'])}</del>"
    return f'<li class="change" data-field="{_e(c["field"])}" data-op="{_e(c["op"])}">{f}{body}</li>'


def _changes(art: dict) -> str:
    items = [_change_item(c) for c in art["article_changes"] if c["field"] != "text"]
    if any(c["field"] == "text" for c in art["article_changes"]):
        items.append('<li class="change" data-field="text" data-op="changed"><span class="field">text</span>changed</li>')
    for g in art["agreements"]:
        head = f'<span class="badge state-{_e(g["state"])}">{_e(g["state"])}</span>agreement {_e(g["label"])}'
        sub = "".join(_change_item(c) for c in g["changes"])
        items.append(f'<li class="agreement-change" data-agreement="{_e(g["agreement_id"])}">{head}'
                     + (f'<ul class="changes">{sub}</ul>' if sub else "") + "</li>")
    return f'<ul class="changes">{"".join(items)}</ul>' if items else ""


def render(new: dict[str, dict], old: dict[str, dict] | None = None, report: dict | None = None,
           title: str = "kyket review") -> str:
    diff_mode = report is not None
    states = {a["article_id"]: a for a in report["articles"]} if diff_mode else {}
    ids = list(new) + ([k for k in old if k not in new] if old else [])
    types = sorted(set().union(*(_types(new.get(i), (old or {}).get(i)) for i in ids)) if ids else set())
    head = [f"<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{_e(title)}</title>",
            '<meta name="viewport" content="width=device-width, initial-scale=1">', f"<style>{_CSS}</style></head><body>",
            f"<header><h1>{_e(title)}</h1><div class=\"filters\">",
            '<input id="q" type="search" placeholder="Tìm trong bài… / search" aria-label="search">',
            '<label><input type="checkbox" id="f-agreements"> has agreements</label>',
            '<label><input type="checkbox" id="f-changed"> changed</label>' if diff_mode else "",
            '<label><input type="checkbox" id="f-errors"> errors</label>',
            '<select id="f-type"><option value="">all types</option>'
            + "".join(f'<option value="{_e(t)}">{_e(t)}</option>' for t in types) + "</select>",
            '<span id="count" class="meta"></span></div>',
            '<div class="legend">' + "".join(f'<span class="k-{k}">{_e(label)}</span>' for k, label, _c in KINDS) + "</div>"]
    if diff_mode:
        s = report["summary"]
        head.append(f'<div class="meta" id="summary">{s["compared"]} compared, {s["changed"]} changed, '
                    f'{len(s["only_old"])} only in old, {len(s["only_new"])} only in new — '
                    + _e(", ".join(f"{k} {v}" for k, v in s["changes_by_kind"].items())) + "</div>")
    head.append("</header>")
    nav, body = ['<nav id="list"><ul>'], ["<main>"]
    for n, aid in enumerate(ids):
        rec_new, rec_old = new.get(aid), (old or {}).get(aid)
        rec = rec_new or rec_old
        sid = f"a{n}"
        st = states.get(aid, {}).get("state", "")
        changed = st in ("changed", "only_old", "only_new")
        has_ag = any((r or {}).get("agreements") for r in (rec_new, rec_old))
        errors = any((r or {}).get("status") == "error" for r in (rec_new, rec_old))
        nav.append(f'<li id="l-{sid}"><a href="#{sid}">{_e(rec.get("title") or aid)}</a>'
                   + (f' <span class="badge state-{_e(st)}">{_e(st)}</span>' if changed else "") + "</li>")
        attrs = (f'id="{sid}" class="article" data-id="{_e(aid)}" data-agreements="{int(has_ag)}" '
                 f'data-changed="{int(changed)}" data-errors="{int(errors)}" data-types="{_e(" ".join(sorted(_types(rec_new, rec_old))))}"')
        meta = " · ".join(_e(x) for x in (aid, rec.get("published_at"), (rec.get("source") or {}).get("site"),
                                           ", ".join(rec.get("authors") or [])) if x)
        body.append(f"<section {attrs}><h2>{_e(rec.get('title') or aid)}</h2><div class=\"meta\">{meta}"
                    + (f' <span class="badge state-{_e(st)}">{_e(st)}</span>' if st else "")
                    + (' <span class="badge error">error</span>' if errors else "") + "</div>")
        if diff_mode:
            body.append(_changes(states.get(aid, {"article_changes": [], "agreements": []})))
            body.append('<div class="cols diff">')
            for side, r in (("old", rec_old), ("new", rec_new)):
                body.append(f'<div class="side side-{side}"><h3>{side}</h3>'
                            + (highlighted_text(r, f"{sid}{side}-") + _card(r) if r else '<p class="meta">absent</p>') + "</div>")
            body.append("</div>")
        else:
            body.append(f'<div class="cols">{highlighted_text(rec, sid + "-")}{_card(rec)}</div>')
        body.append("</section>")
    nav.append("</ul></nav>")
    body.append("</main>")
    return "".join(head) + '<div class="wrap">' + "".join(nav) + "".join(body) + f"</div><script>{_JS}</script></body></html>\n"
