"""`kyket review` and `kyket diff --format html`: editors' pages that open on a whole archive.

The output is a folder, never one page holding the archive: `index.html` lists the selected
articles (by default those with agreements, or with changes for a diff) from `index.js`, and
`pages/NNNN.html` hold PAGE_SIZE articles each, with their text, highlights and records.
Both are written while the records stream by (memory does not grow with the corpus), and
`kyket review --serve` (pipeline/review_serve.py) renders the same pages on request.

No network, no external file: styles and script sit beside the pages, so the folder works
opened from disk. Every string from the input (article text, names, ids) is HTML-escaped
here, on the server side; the script builds the list with textContent and reads data-*
attributes, it never inserts markup. Highlights are built from the record's spans: the text
is cut at every span boundary, and each piece carries the kinds and span ids covering it
(`data-ids`), so a party's highlight is exactly that party's characters. In a diff, the
spans of changed values are marked too (`chg-old` in the old text, `chg-new` in the new).

Editors' verdicts (correct / wrong / fixed from a selection in the text / note) are kept in
the browser's localStorage for a folder opened from disk ("download verdicts" saves them as
verdicts.jsonl), or saved beside the run by the server; pipeline/verdicts.py exports them.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import get_args

from pipeline.records import AgreementStatus, AgreementType
from pipeline.review_events import (
    EventIndex,
    agreement_anchor,
    agreement_ids,
    card_block,
    events_body,
)
from pipeline.review_events import esc as _e

KINDS = [  # kind, label, colour (background; evidence is underlined)
    ("evidence", "evidence (signing sentence)", "transparent"),
    ("clause", "clause", "#e3e8ff"),
    ("period", "period", "#ffccbc"),
    ("place", "place", "#e1bee7"),
    ("date", "date", "#bbdefb"),
    ("person", "signatory / witness", "#c8e6c9"),
    ("party", "party", "#ffe082"),
]
TYPES = list(get_args(AgreementType))
STATUSES = list(get_args(AgreementStatus))
PAGE_SIZE = 50
# fields an editor gives a verdict on; "agreement" is the whole agreement, "note" a free note
VERDICT_FIELDS = ("agreement", "note", "status", "type", "title", "date", "location", "period", "parties",
                  "signatories", "clauses")
VERDICTS = ("correct", "wrong", "fixed", "added", "note")

CSS = """
:root { --fg:#1d1d1f; --muted:#666; --line:#ddd; }
* { box-sizing: border-box; }
body { margin:0; font-family: "Noto Sans", "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif;
       color: var(--fg); font-size: 15px; line-height: 1.5; }
header { position: sticky; top:0; background:#fafafa; border-bottom:1px solid var(--line); padding:8px 16px; z-index:2; }
header h1 { font-size: 18px; margin: 0 12px 0 0; display:inline-block; }
.filters { display:inline-flex; gap:12px; align-items:center; flex-wrap:wrap; }
.legend { margin-top:6px; font-size: 13px; }
.legend span { margin-right: 10px; padding: 0 4px; border-radius: 3px; }
.pager a { margin-right: 8px; }
main { padding: 8px 16px; }
table.list { border-collapse: collapse; width: 100%; font-size: 14px; }
table.list td, table.list th { border-bottom: 1px solid var(--line); padding: 3px 6px; text-align: left; vertical-align: top; }
table.list td.n { text-align: right; font-variant-numeric: tabular-nums; }
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
.agid { font-family: monospace; font-size: 12px; color: var(--muted); }
.badge { display:inline-block; padding: 0 6px; border-radius: 10px; background:#eee; font-size: 12px; margin-right: 4px; }
.badge.error, .state-only_old, .state-removed { background:#ffcdd2; }
.state-changed { background:#fff59d; } .state-only_new, .state-added { background:#c8e6c9; }
.errors { color:#b71c1c; }
.hl { border-radius: 2px; }
""" + "\n".join(f".k-{k} {{ background: {c}; }}" for k, _l, c in KINDS if c != "transparent") + """
.k-evidence { text-decoration: underline; text-decoration-color: #616161; text-underline-offset: 3px; }
.chg-old { outline: 2px solid #e53935; background: #ffcdd2; } .chg-new { outline: 2px solid #43a047; background: #c8e6c9; }
.changes { margin: 8px 0; padding-left: 18px; }
.changes li { margin: 2px 0; }
del { background:#ffcdd2; text-decoration: line-through; } ins { background:#c8e6c9; text-decoration: none; }
.field { font-weight: 600; margin-right: 6px; }
.v { white-space: nowrap; margin-left: 6px; }
.v button { font-size: 12px; padding: 0 5px; margin: 0 1px; border: 1px solid #bbb; border-radius: 4px; background: #fff; cursor: pointer; }
.v button.on[data-verdict="correct"] { background: #a5d6a7; } .v button.on[data-verdict="wrong"] { background: #ef9a9a; }
.v button.on[data-verdict="fixed"], .v button.on[data-verdict="added"] { background: #90caf9; }
.fixed-value { color: #0d47a1; font-weight: 600; margin-left: 4px; }
textarea.vnote { width: 100%; min-height: 2.4em; font: inherit; font-size: 13px; }
.event { margin: 4px 0; font-size: 13px; } .event-link { font-family: monospace; }
ul.event-mentions, ol.event-mentions { margin: 2px 0 6px; padding-left: 18px; }
.agreement:target, section.event:target { outline: 2px solid #ff9800; }
"""

JS = r"""
(function () {
  function fold(s) {
    return (s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[\u0111\u0110]/g, 'd').toLowerCase();
  }
  function $(id) { return document.getElementById(id); }
  var body = document.body, served = body.dataset.served === '1';
  var q = $('q'), fa = $('f-agreements'), fc = $('f-changed'), fe = $('f-errors'), ft = $('f-type'), count = $('count');
  function on(els, fn) { els.forEach(function (el) { if (el) { el.addEventListener('input', fn); el.addEventListener('change', fn); } }); }

  // ---- the list (index.html): rows from index.js, built with textContent only
  var rowsBox = $('rows');
  if (rowsBox && window.KYKET_INDEX) {
    var rows = window.KYKET_INDEX, limit = 500, more = $('more');
    // #event=ID (an event id clicked on a card or on events.html): the articles reporting that event
    var evBox = $('f-event-box'), evName = $('f-event'), ev = '';
    var readEvent = function () {
      var m = /^#event=([A-Za-z0-9_-]+)$/.exec(location.hash); ev = m ? m[1] : '';
      if (evBox) { evBox.hidden = !ev; evName.textContent = ev; }
    };
    readEvent();
    rows.forEach(function (r) { r.f = fold([r.id, r.t, r.k].join(' ')); });
    var cell = function (tr, text, cls) { var td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; tr.appendChild(td); return td; };
    var draw = function () {
      var terms = fold(q.value).split(/\s+/).filter(Boolean), shown = 0, total = 0;
      var frag = document.createDocumentFragment();
      rows.forEach(function (r) {
        if (fa && fa.checked && !r.a) return;
        if (fc && fc.checked && !r.st) return;
        if (fe && fe.checked && !r.e) return;
        if (ft && ft.value && r.ty.indexOf(ft.value) < 0) return;
        if (ev && (r.ev || []).indexOf(ev) < 0) return;
        for (var i = 0; i < terms.length; i++) if (r.f.indexOf(terms[i]) < 0) return;
        total++;
        if (shown >= limit) return;
        shown++;
        var tr = document.createElement('tr'); tr.className = 'row'; tr.dataset.id = r.id;
        var td = document.createElement('td'), a = document.createElement('a');
        a.href = r.p + '#' + r.x; a.textContent = r.t || r.id; td.appendChild(a);
        var small = document.createElement('div'); small.className = 'meta'; small.textContent = r.id + (r.d ? ' · ' + r.d : '');
        td.appendChild(small); tr.appendChild(td);
        cell(tr, r.a, 'n agreements'); cell(tr, r.pa, 'n parties'); cell(tr, r.c == null ? '' : r.c, 'n changes');
        var st = cell(tr, '', 'marks');
        if (r.st) { var b = document.createElement('span'); b.className = 'badge state-' + r.st; b.textContent = r.st; st.appendChild(b); }
        if (r.e) { var e = document.createElement('span'); e.className = 'badge error'; e.textContent = 'error'; st.appendChild(e); }
        var src = cell(tr, '', 'source');
        if (/^https?:\/\//.test(r.u || '')) { var l = document.createElement('a'); l.href = r.u; l.rel = 'noopener noreferrer'; l.target = '_blank'; l.textContent = 'source'; src.appendChild(l); }
        frag.appendChild(tr);
      });
      rowsBox.textContent = '';
      rowsBox.appendChild(frag);
      count.textContent = total + ' / ' + rows.length;
      if (more) more.hidden = total <= limit;
    };
    if (more) more.addEventListener('click', function () { limit += 500; draw(); });
    on([q, fa, fc, fe, ft], function () { limit = 500; draw(); });
    window.addEventListener('hashchange', function () { readEvent(); limit = 500; draw(); });
    draw();
    return;
  }

  // ---- an article page: filter the sections of this page
  var sections = Array.prototype.slice.call(document.querySelectorAll('section.article, section.event'));
  function apply() {
    var terms = fold(q.value).split(/\s+/).filter(Boolean), shown = 0;
    sections.forEach(function (s) {
      var ok = true;
      if (fa && fa.checked && s.dataset.agreements === '0') ok = false;
      if (fc && fc.checked && s.dataset.changed !== '1') ok = false;
      if (fe && fe.checked && s.dataset.errors !== '1') ok = false;
      if (ft && ft.value && (' ' + s.dataset.types + ' ').indexOf(' ' + ft.value + ' ') < 0) ok = false;
      if (terms.length) {
        if (s._f === undefined) s._f = fold(s.textContent);
        for (var i = 0; i < terms.length; i++) if (s._f.indexOf(terms[i]) < 0) { ok = false; break; }
      }
      s.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = shown + ' / ' + sections.length;
  }
  on([q, fa, fc, fe, ft], apply);
  apply();

  // ---- verdicts
  var store = 'kyket-verdicts:' + (body.dataset.run || ''), verdicts = {};
  function key(v) { return [v.article_id, v.agreement_id, v.field, v.index == null ? '' : v.index].join('\u0001'); }
  if (!served) { try { verdicts = JSON.parse(localStorage.getItem(store) || '{}'); } catch (e) { verdicts = {}; } }
  var status = $('vstatus');
  function paint() {
    document.querySelectorAll('.v').forEach(function (box) {
      var ag = box.closest('[data-agreement-id]');
      var v = verdicts[key({article_id: ag.dataset.article, agreement_id: ag.dataset.agreementId, field: box.dataset.field,
                            index: box.dataset.index === '' ? null : box.dataset.index})];
      box.querySelectorAll('button').forEach(function (b) { b.classList.toggle('on', !!v && v.verdict === b.dataset.verdict); });
      var fv = box.querySelector('.fixed-value');
      if (fv) fv.textContent = v && (v.verdict === 'fixed') ? '→ ' + v.value : '';
    });
    document.querySelectorAll('textarea.vnote').forEach(function (t) {
      var ag = t.closest('[data-agreement-id]');
      var v = verdicts[key({article_id: ag.dataset.article, agreement_id: ag.dataset.agreementId, field: 'note', index: null})];
      if (v && document.activeElement !== t) t.value = v.note || '';
    });
    if (status) status.textContent = Object.keys(verdicts).length + ' verdicts' + (served ? ' (saved beside the run)' : ' (in this browser)');
  }
  function save(v) {
    v.at = new Date().toISOString();
    verdicts[key(v)] = v;
    if (served) {
      fetch('/api/verdicts', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(v)})
        .then(function (r) { if (!r.ok) r.text().then(function (t) { if (status) status.textContent = 'not saved: ' + t; }); else paint(); });
    } else {
      localStorage.setItem(store, JSON.stringify(verdicts));
    }
    paint();
  }
  var lastSel = null;
  document.addEventListener('selectionchange', function () {
    var s = window.getSelection();
    if (!s.rangeCount || s.isCollapsed) return;
    var r = s.getRangeAt(0), el = r.startContainer.nodeType === 1 ? r.startContainer : r.startContainer.parentElement;
    var box = el && el.closest('.text');
    if (!box || !box.contains(r.endContainer) || !box.closest('.side-new, .cols:not(.diff)')) return;
    var pre = document.createRange();
    pre.setStart(box, 0); pre.setEnd(r.startContainer, r.startOffset);
    var start = Array.from(pre.toString()).length, value = r.toString();  // code points, as Python counts
    lastSel = {box: box, start: start, end: start + Array.from(value).length, value: value};
  });
  document.addEventListener('click', function (ev) {
    var b = ev.target.closest('.v button');
    if (!b) return;
    var box = b.closest('.v'), ag = b.closest('[data-agreement-id]');
    var v = {article_id: ag.dataset.article, agreement_id: ag.dataset.agreementId, field: box.dataset.field,
             index: box.dataset.index === '' ? null : box.dataset.index, verdict: b.dataset.verdict,
             start: null, end: null, value: box.dataset.value || null, note: null};
    if (b.dataset.verdict === 'fixed' || b.dataset.verdict === 'added') {
      var sec = b.closest('section.article');
      if (!lastSel || !sec.contains(lastSel.box)) { alert('Select the right value in this article\'s text first, then press the button.'); return; }
      v.start = lastSel.start; v.end = lastSel.end; v.value = lastSel.value;
      if (b.dataset.verdict === 'added') v.index = 'new:' + v.start;
    } else if (box.dataset.start) { v.start = +box.dataset.start; v.end = +box.dataset.end; }
    save(v);
  });
  document.addEventListener('change', function (ev) {
    var t = ev.target;
    if (t.matches('select.vfix') && t.value) {
      var box = t.closest('.v'), ag = t.closest('[data-agreement-id]');
      save({article_id: ag.dataset.article, agreement_id: ag.dataset.agreementId, field: box.dataset.field, index: null,
            verdict: 'fixed', start: null, end: null, value: t.value, note: null});
    } else if (t.matches('textarea.vnote')) {
      var a2 = t.closest('[data-agreement-id]');
      save({article_id: a2.dataset.article, agreement_id: a2.dataset.agreementId, field: 'note', index: null,
            verdict: 'note', start: null, end: null, value: null, note: t.value});
    }
  });
  var dl = $('download');
  if (dl) dl.addEventListener('click', function () {
    var lines = Object.keys(verdicts).map(function (k) { return JSON.stringify(verdicts[k]); }).join('\n');
    var a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([lines + (lines ? '\n' : '')], {type: 'application/x-ndjson'}));
    a.download = 'verdicts.jsonl'; document.body.appendChild(a); a.click(); a.remove();
  });
  if (served) {
    fetch('/api/verdicts').then(function (r) { return r.json(); }).then(function (list) {
      list.forEach(function (v) { verdicts[key(v)] = v; }); paint();
    });
  }
  paint();
})();
"""


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


def highlighted_text(rec: dict, prefix: str = "", marks: Iterable[tuple[int, int, str]] = ()) -> str:
    """The record's text, escaped, cut at every span boundary; `marks` are (start, end, class)
    overlays (a diff's changed values)."""
    text = rec.get("text") or ""
    spans = _spans(rec, prefix)
    marks = [(s, e, c) for s, e, c in marks if 0 <= s < e <= len(text)]
    cuts = sorted({0, len(text), *(s for s, _e, _k, _i in spans), *(e for _s, e, _k, _i in spans),
                   *(s for s, _e, _c in marks), *(e for _s, e, _c in marks)})
    order = {k: n for n, (k, _l, _c) in enumerate(KINDS)}
    parts = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = _e(text[a:b])
        active = [(k, i) for s, e, k, i in spans if s <= a and b <= e]
        marked = sorted({c for s, e, c in marks if s <= a and b <= e})
        if not active and not marked:
            parts.append(piece)
            continue
        classes = ["k-" + k for k in sorted({k for k, _i in active}, key=order.get)] + marked
        ids = " ".join(i for _k, i in active)
        parts.append(f'<span class="hl {" ".join(classes)}"' + (f' data-ids="{_e(ids)}"' if ids else "") + f">{piece}</span>")
    return '<div class="text" lang="vi">' + "".join(parts) + "</div>"


def _v(field: str, index: int | None = None, span: tuple[int, int] | None = None, value=None, fix: str = "span") -> str:
    """Verdict buttons for one value: correct, wrong and (fix) fixed from the selected text or
    from a list of choices."""
    attrs = f'data-field="{_e(field)}" data-index="{"" if index is None else index}"'
    if span:
        attrs += f' data-start="{span[0]}" data-end="{span[1]}"'
    if value is not None:
        attrs += f' data-value="{_e(value)}"'
    if fix == "added":
        return (f'<span class="v" {attrs}><button type="button" data-verdict="added" title="add one: select it in the '
                'text, then press">+ from selection</button></span>')
    out = [f'<span class="v" {attrs}><button type="button" data-verdict="correct" title="correct">✓</button>'
           '<button type="button" data-verdict="wrong" title="wrong">✗</button>']
    if fix == "span":
        out.append('<button type="button" data-verdict="fixed" title="fix: select the right value in the text, then press">'
                   '✎</button><span class="fixed-value"></span>')
    elif fix in ("type", "status"):
        out.append('<select class="vfix" aria-label="fix"><option value="">fix…</option>'
                   + "".join(f'<option value="{t}">{t}</option>' for t in (TYPES if fix == "type" else STATUSES))
                   + "</select>")
    return "".join(out) + "</span>"


def _card(rec: dict, verdicts: bool = True, events: EventIndex | None = None, root: str = "../") -> str:
    def v(*a, **k):
        return _v(*a, **k) if verdicts else ""

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
        loc, title = ag.get("location"), ag.get("title")

        def sp(x, a="start", b="end"):
            return (x[a], x[b]) if x else None

        rows = [("status", ag["status"], None, "status"), ("type", ag["type"], None, "type"),
                ("title", (title or {}).get("text") or "—", sp(title), "span"),
                ("date", date, sp(ag.get("date")), "span"), ("location", (loc or {}).get("text") or "—", sp(loc), "span"),
                ("period", f"{per['start']}–{per['end']}" if per else "—", sp(per, "span_start", "span_end"), "span")]
        anchor = f' id="{_e(agreement_anchor(ag["agreement_id"]))}"' if events is not None else ""
        out.append(f'<div class="agreement"{anchor} data-article="{_e(rec["article_id"])}" '
                   f'data-agreement-id="{_e(ag["agreement_id"])}">')
        out.append(f'<h3 data-agreement="{_e(ag["agreement_id"])}"><span class="badge">{_e(ag["status"])}</span>'
                   f'{_e(ag["type"])}' + v("agreement", span=sp(ag.get("evidence")), fix="")
                   + f'</h3><div class="agid">{_e(ag["agreement_id"])}</div>'
                   + (card_block(ag["agreement_id"], rec["article_id"], events, root) if events is not None else "")
                   + '<dl>'
                   + "".join(f'<dt>{_e(k)}</dt><dd data-field="{_e(k)}">{_e(val)}{v(k, span=s, value=val, fix=fx)}</dd>'
                             for k, val, s, fx in rows)
                   + f'<dt>confidence</dt><dd data-field="confidence">{_e(ag.get("confidence"))}</dd></dl>')
        out.append("<p><b>Parties</b>" + v("parties", fix="added") + "</p><ul>" + "".join(
            f'<li data-party="{_e(p["name"])}">{_e(p["name"])}'
            + (f' <span class="canonical meta">= {_e(p["canonical"])}</span>' if p.get("canonical") and p["canonical"] != p["name"] else "")
            + f' <span class="meta">({_e(p.get("kind"))})</span>{v("parties", i, sp(p), p["name"])}</li>'
            for i, p in enumerate(ag.get("parties") or [])) + "</ul>")
        if ag.get("signatories"):
            out.append("<p><b>People</b></p><ul>" + "".join(
                f"<li>{_e(s['name'])} <span class=\"meta\">— {_e(s['role'])}"
                f"{', ' + _e(s['title']) if s.get('title') else ''}{', ' + _e(s['party']) if s.get('party') else ''}</span>"
                f"{v('signatories', i, sp(s), s['name'])}</li>"
                for i, s in enumerate(ag["signatories"])) + "</ul>")
        if ag.get("relations"):
            out.append("<p><b>Support pairs</b></p><ul>" + "".join(
                f"<li>{_e(r['from'])} → {_e(r['to'])}</li>" for r in ag["relations"]) + "</ul>")
        if ag.get("clauses"):
            out.append("<p><b>Clauses</b></p><ol>" + "".join(
                f"<li>{_e(c['text'])}{v('clauses', i, sp(c), c['text'])}</li>" for i, c in enumerate(ag["clauses"])) + "</ol>")
        if verdicts:
            out.append('<textarea class="vnote" placeholder="note on this agreement" aria-label="note"></textarea>')
        out.append("</div>")
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


def _text_item(c: dict) -> str:
    regions = c.get("regions") or []
    body = "; ".join(
        "spacing only" if r["old"] is None else
        f'at {r["old_span"][0]}–{r["old_span"][1]}: <del>{_e(r["old"])}</del> → <ins>{_e(r["new"])}</ins>'
        for r in regions) or "changed"
    return f'<li class="change" data-field="text" data-op="changed"><span class="field">text</span>{body}</li>'


def _changes(art: dict) -> str:
    items = [_change_item(c) if c["field"] != "text" else _text_item(c) for c in art["article_changes"]]
    for g in art["agreements"]:
        ids = _e(g["agreement_id"]) if g.get("old_id", g["agreement_id"]) == g["agreement_id"] else \
            f'<del class="agid">{_e(g["old_id"])}</del> → <ins class="agid">{_e(g["agreement_id"])}</ins>'
        head = f'<span class="badge state-{_e(g["state"])}">{_e(g["state"])}</span>agreement {_e(g["label"])} <span class="agid">{ids}</span>'
        sub = "".join(_change_item(c) for c in g["changes"])
        items.append(f'<li class="agreement-change" data-agreement="{_e(g["agreement_id"])}">{head}'
                     + (f'<ul class="changes">{sub}</ul>' if sub else "") + "</li>")
    return f'<ul class="changes">{"".join(items)}</ul>' if items else ""


def _marks(art: dict, side: str) -> list[tuple[int, int, str]]:
    """The spans of changed values on one side of a diff: (start, end, chg-old | chg-new)."""
    k, cls = f"{side}_span", f"chg-{side}"
    out = []
    for c in art["article_changes"]:
        out += [(*r[k], cls) for r in c.get("regions") or [] if r.get("old") is not None]
    for g in art["agreements"]:
        if g.get(k):
            out.append((*g[k], cls))
        out += [(*c[k], cls) for c in g["changes"] if c.get(k)]
    return out


def _section(n: int, rec_new: dict | None, rec_old: dict | None, art: dict | None, verdicts: bool = True,
             events: EventIndex | None = None) -> str:
    """One article: title, meta (id, date, site, source link), changes, text and records."""
    rec = rec_new or rec_old
    aid = rec["article_id"]
    sid = f"a{n}"
    st = (art or {}).get("state", "")
    changed = st in ("changed", "only_old", "only_new")
    has_ag = any((r or {}).get("agreements") for r in (rec_new, rec_old))
    errors = any((r or {}).get("status") == "error" for r in (rec_new, rec_old))
    attrs = (f'id="{sid}" class="article" data-id="{_e(aid)}" data-agreements="{int(has_ag)}" '
             f'data-changed="{int(changed)}" data-errors="{int(errors)}" data-types="{_e(" ".join(sorted(_types(rec_new, rec_old))))}"')
    meta = " · ".join(_e(x) for x in (aid, rec.get("published_at"), (rec.get("source") or {}).get("site"),
                                       ", ".join(rec.get("authors") or [])) if x)
    url = (rec.get("source") or {}).get("url") or ""
    if url.startswith(("http://", "https://")):
        meta += f' · <a class="source" href="{_e(url)}" rel="noopener noreferrer" target="_blank">source</a>'
    out = [f"<section {attrs}><h2>{_e(rec.get('title') or aid)}</h2><div class=\"meta\">{meta}"
           + (f' <span class="badge state-{_e(st)}">{_e(st)}</span>' if st else "")
           + (' <span class="badge error">error</span>' if errors else "") + "</div>"]
    if art is not None:
        out.append(_changes(art))
        out.append('<div class="cols diff">')
        for side, r in (("old", rec_old), ("new", rec_new)):
            out.append(f'<div class="side side-{side}"><h3>{side}</h3>'
                       + (highlighted_text(r, f"{sid}{side}-", _marks(art, side)) + _card(r, verdicts=False)
                          if r else '<p class="meta">absent</p>') + "</div>")
        out.append("</div>")
    else:
        out.append(f'<div class="cols">{highlighted_text(rec, sid + "-")}{_card(rec, verdicts, events)}</div>')
    out.append("</section>")
    return "".join(out)


def _head(title: str, assets: str, served: bool, run: str, diff_mode: bool, extra: str = "", on_page: bool = True) -> str:
    css = f'<link rel="stylesheet" href="{assets}kyket.css">' if assets is not None else f"<style>{CSS}</style>"
    return "".join([
        f"<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{_e(title)}</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">', css, "</head>",
        f'<body data-served="{int(served)}" data-run="{_e(run)}">',
        f"<header><h1>{_e(title)}</h1><div class=\"filters\">",
        '<input id="q" type="search" placeholder="Tìm… / search (dấu không bắt buộc)" aria-label="search">',
        '<label><input type="checkbox" id="f-agreements"> has agreements</label>',
        '<label><input type="checkbox" id="f-changed"> changed</label>' if diff_mode else "",
        '<label><input type="checkbox" id="f-errors"> errors</label>',
        '<select id="f-type"><option value="">all types</option>'
        + "".join(f'<option value="{_e(t)}">{_e(t)}</option>' for t in TYPES) + "</select>",
        '<span id="count" class="meta"></span>',
        ('<span id="vstatus" class="meta"></span>' + ("" if served else
                                                     ' <button type="button" id="download">download verdicts</button>'))
        if on_page and not diff_mode else "",
        "</div>", extra,
        '<div class="legend">' + "".join(f'<span class="k-{k}">{_e(label)}</span>' for k, label, _c in KINDS)
        + ('<span class="chg-old">old value</span><span class="chg-new">new value</span>' if diff_mode else "") + "</div>",
        "</header>"])


def render(new: dict[str, dict], old: dict[str, dict] | None = None, report: dict | None = None,
           title: str = "kyket review") -> str:
    """One self-contained page (styles and script inline) of a few records: for tests and
    small sets; `write_site` writes the paged folder an archive needs."""
    diff_mode = report is not None
    states = {a["article_id"]: a for a in report["articles"]} if diff_mode else {}
    ids = list(new) + ([k for k in old if k not in new] if old else [])
    body = [_section(n, new.get(aid), (old or {}).get(aid),
                     states.get(aid, {"state": "", "article_changes": [], "agreements": []}) if diff_mode else None)
            for n, aid in enumerate(ids)]
    summary = ""
    if diff_mode:
        s = report["summary"]
        summary = _summary_line(s)
    return (_head(title, None, False, title, diff_mode, summary) + "<main>" + "".join(body)
            + f"</main><script>{JS}</script></body></html>\n")


def _summary_line(s: dict) -> str:
    return (f'<div class="meta" id="summary">{s["compared"]} compared, {s["changed"]} changed, '
            f'{len(s["only_old"])} only in old, {len(s["only_new"])} only in new — '
            + _e(", ".join(f"{k} {v}" for k, v in s["changes_by_kind"].items())) + "</div>")


# --- the paged folder ------------------------------------------------------------------------

@dataclass
class Selection:
    """Which articles the pages show: by default those with agreements (review) or with
    changes (diff); `all` every one; `only_errors` failed ones; `ids` these ids; `limit` the
    first N selected."""
    all: bool = False
    only_errors: bool = False
    ids: set[str] | None = None
    limit: int | None = None
    taken: int = field(default=0, init=False)

    def wants(self, rec_new: dict | None, rec_old: dict | None = None, art: dict | None = None) -> bool:
        if self.limit is not None and self.taken >= self.limit:
            return False
        recs = [r for r in (rec_new, rec_old) if r]
        if self.ids is not None and recs[0]["article_id"] not in self.ids:
            return False
        if self.only_errors and not any(r.get("status") == "error" for r in recs):
            return False
        if not (self.all or self.only_errors or self.ids is not None):
            if art is not None and art["state"] == "same":
                return False
            if art is None and not any(r.get("agreements") for r in recs):
                return False
        self.taken += 1
        return True


def index_row(rec_new: dict | None, rec_old: dict | None, art: dict | None, page: str, anchor: str) -> dict:
    """One line of the list: what the list shows and searches, nothing of the text."""
    rec = rec_new or rec_old
    ags = [ag for r in (rec_new, rec_old) if r for ag in r.get("agreements") or []]
    key = " ".join([*(p[k] for ag in ags for p in ag.get("parties") or [] for k in ("name", "canonical")),
                    *((ag.get("location") or {}).get("text") or "" for ag in ags),
                    *(ag["agreement_id"] for ag in ags), (rec.get("source") or {}).get("site") or ""])
    row = {"id": rec["article_id"], "t": rec.get("title") or "", "d": rec.get("published_at") or "", "p": page, "x": anchor,
           "a": len((rec_new or rec_old).get("agreements") or []),
           "pa": sum(len(ag.get("parties") or []) for ag in (rec_new or rec_old).get("agreements") or []),
           "e": int(any((r or {}).get("status") == "error" for r in (rec_new, rec_old))),
           "ty": sorted(_types(rec_new, rec_old)), "u": (rec.get("source") or {}).get("url") or "", "k": key}
    if art is not None:
        row["st"] = "" if art["state"] == "same" else art["state"]
        row["c"] = len(art["article_changes"]) + sum(max(1, len(g["changes"])) for g in art["agreements"])
    return row


EVENTS_LINKS = ('<div class="pager"><a id="events" href="events.html">events: the signings told by more than one '
                'report</a><span id="f-event-box" hidden> · showing the reports of event <code id="f-event"></code> '
                '<a id="f-event-clear" href="#">show all</a></span></div>')


def index_page(title: str, served: bool, run: str, diff_mode: bool, extra: str = "", events: bool = False) -> str:
    return (_head(title, "", served, run, diff_mode, extra + (EVENTS_LINKS if events else ""), on_page=False)
            + '<main><table class="list"><thead><tr><th>article</th><th>agreements</th><th>parties</th><th>changes</th>'
            '<th>marks</th><th>source</th></tr></thead><tbody id="rows"></tbody></table>'
            '<p><button type="button" id="more" hidden>show more</button></p></main>'
            '<script src="index.js"></script><script src="kyket.js"></script></body></html>\n')


def article_page(title: str, served: bool, run: str, diff_mode: bool, sections: list[str], page: int, pages: int | None,
                 events: bool = False) -> str:
    nav = ['<div class="pager"><a href="../index.html">← list</a>' + ('<a href="../events.html">events</a>' if events else "")]
    if page > 1:
        nav.append(f'<a id="prev" href="{page - 1:04d}.html">‹ previous</a>')
    nav.append(f"<span class=\"meta\">page {page}" + (f" of {pages}" if pages else "") + "</span>")
    if pages is None or page < pages:
        nav.append(f'<a id="next" href="{page + 1:04d}.html">next ›</a>')
    nav.append("</div>")
    return (_head(title, "../", served, run, diff_mode, "".join(nav)) + "<main>" + "".join(sections)
            + '</main><script src="../kyket.js"></script></body></html>\n')


def write_site(out: str | Path, items: Iterator[tuple[dict | None, dict | None, dict | None]], title: str, run: str,
               diff_mode: bool, page_size: int = PAGE_SIZE, summary=None, events: EventIndex | None = None) -> dict:
    """Write the folder from a stream of (new record, old record, diff entry or None), already
    selected: pages as they fill, list rows as they come. Returns counts. With `events` (the
    run's agreements linked, pipeline/review_events.py) each card names its event and the
    other reports of it, the list filters to an event, and events.html lists the shared ones."""
    out = Path(out)
    (out / "pages").mkdir(parents=True, exist_ok=True)
    for old in (out / "pages").glob("*.html"):  # a page of an earlier, longer selection must not linger
        old.unlink()
    (out / "kyket.css").write_text(CSS, encoding="utf-8")
    (out / "kyket.js").write_text(JS, encoding="utf-8")
    n = page = 0
    buf: list[str] = []
    with (out / "index.js").open("w", encoding="utf-8") as idx:
        idx.write("window.KYKET_INDEX = [\n")
        for rec_new, rec_old, art in items:
            page = n // page_size + 1
            anchor = f"a{n}"
            row = index_row(rec_new, rec_old, art, f"pages/{page:04d}.html", anchor)
            if events is not None:
                events.tag(row, agreement_ids(rec_new or rec_old))
            idx.write(json.dumps(row, ensure_ascii=False).replace("</", "<\\/") + ",\n")
            buf.append(_section(n, rec_new, rec_old, art, events=events))
            n += 1
            if len(buf) == page_size:
                _write_page(out, title, run, diff_mode, buf, page, events is not None)
                buf = []
        if buf:
            _write_page(out, title, run, diff_mode, buf, page, events is not None)
        idx.write("];\n")
    pages = (n + page_size - 1) // page_size
    for p in range(1, pages + 1):  # "page i of n" and no dangling "next" on the last page, set once n is known
        path = out / "pages" / f"{p:04d}.html"
        text = path.read_text(encoding="utf-8").replace(f'<span class="meta">page {p}</span>',
                                                         f'<span class="meta">page {p} of {pages}</span>', 1)
        if p == pages:
            text = text.replace(f'<a id="next" href="{p + 1:04d}.html">next ›</a>', "", 1)
        path.write_text(text, encoding="utf-8")
    extra = _summary_line(summary.as_dict()) if summary is not None else ""
    (out / "index.html").write_text(index_page(title, False, run, diff_mode, extra, events is not None), encoding="utf-8")
    if events is not None:
        (out / "events.html").write_text(events_page(title, False, run, events), encoding="utf-8")
    return {"articles": n, "pages": pages}


def events_page(title: str, served: bool, run: str, events: EventIndex) -> str:
    """events.html: the events with more than one report and where each report is shown."""
    nav = '<div class="pager"><a href="index.html">← list</a><span class="meta">events</span></div>'
    return (_head(title + " — events", "", served, run, False, nav, on_page=False) + "<main>" + events_body(events)
            + '</main><script src="kyket.js"></script></body></html>\n')


def _write_page(out: Path, title: str, run: str, diff_mode: bool, sections: list[str], page: int,
                events: bool = False) -> None:
    (out / "pages" / f"{page:04d}.html").write_text(
        article_page(title, False, run, diff_mode, sections, page, None, events), encoding="utf-8")
