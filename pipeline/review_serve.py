"""`kyket review RECORDS --serve`: the review pages served from the run, verdicts saved beside it.

Standard library only (http.server), bound to 127.0.0.1. At start the records file is read
once as a stream and the selected articles' byte offsets are kept (not their records); a
page is rendered when asked for, from the records at its offsets, with the same code as
the static folder. Verdicts are POSTed to /api/verdicts, checked against the record
(pipeline/verdicts.check) and appended to verdicts.jsonl beside the records; GET
/api/verdicts returns the latest per value so a reopened page shows them.
"""
from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from pipeline import verdicts as vd
from pipeline.review import (
    CSS,
    JS,
    PAGE_SIZE,
    Selection,
    _section,
    article_page,
    events_page,
    index_page,
    index_row,
)
from pipeline.review_events import EventCollector, agreement_ids
from pipeline.tables import iter_records, read_record_at


class Site:
    """The selected articles of a records file: list rows and byte offsets, pages on request."""

    def __init__(self, records: str | Path, sel: Selection, title: str, page_size: int = PAGE_SIZE):
        self.records = Path(records).resolve()
        self.title, self.page_size = title, page_size
        self.verdicts_path = self.records.parent / vd.VERDICTS_FILE
        self.rows: list[dict] = []
        self.at: dict[str, tuple[int, int]] = {}
        self.order: list[str] = []
        collector = EventCollector()  # every agreement is linked, shown or not
        agreements: list[list[str]] = []  # per list row, its agreement ids until the events are known
        for off, n, rec in iter_records(self.records, offsets=True):
            if not sel.wants(rec):
                collector.add(rec, None)
                continue
            i = len(self.order)
            collector.add(rec, i // page_size + 1)
            self.rows.append(index_row(rec, None, None, f"pages/{i // page_size + 1:04d}.html", f"a{i}"))
            agreements.append(agreement_ids(rec))
            self.at[rec["article_id"]] = (off, n)
            self.order.append(rec["article_id"])
        self.events = collector.finish()
        for row, ids in zip(self.rows, agreements, strict=True):
            self.events.tag(row, ids)
        self.pages = max(1, (len(self.order) + page_size - 1) // page_size)
        self.lock = threading.Lock()

    def record(self, aid: str) -> dict | None:
        at = self.at.get(aid)
        if at is None:
            return None
        with open(self.records, "rb") as fh:
            return read_record_at(fh, *at)

    def page(self, k: int) -> str | None:
        if not 1 <= k <= self.pages:
            return None
        first = (k - 1) * self.page_size
        ids = self.order[first:first + self.page_size]
        sections = [_section(first + i, self.record(aid), None, None, events=self.events) for i, aid in enumerate(ids)]
        return article_page(self.title, True, str(self.records), False, sections, k, self.pages, events=True)

    def index_js(self) -> str:
        return "window.KYKET_INDEX = " + json.dumps(self.rows, ensure_ascii=False).replace("</", "<\\/") + ";\n"

    def save(self, v: dict) -> dict:
        rec = self.record(v.get("article_id")) if isinstance(v, dict) else None
        if rec is None:
            raise ValueError("the verdict names an article that is not on these pages")
        out = vd.check(v, rec)
        with self.lock, open(self.verdicts_path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(out, ensure_ascii=False) + "\n")
        return out

    def saved(self) -> list[dict]:
        return list(vd.load([self.verdicts_path]).values()) if self.verdicts_path.exists() else []


def make_server(site: Site, port: int = 0) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, body: str, ctype: str = "text/html; charset=utf-8") -> None:
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):  # noqa: N802 — http.server's name
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            if path in ("/", "/index.html"):
                return self._send(200, index_page(site.title, True, str(site.records), False, events=True))
            if path == "/events.html":
                return self._send(200, events_page(site.title, True, str(site.records), site.events))
            if path == "/index.js":
                return self._send(200, site.index_js(), "text/javascript; charset=utf-8")
            if path == "/kyket.js":
                return self._send(200, JS, "text/javascript; charset=utf-8")
            if path == "/kyket.css":
                return self._send(200, CSS, "text/css; charset=utf-8")
            if path == "/api/verdicts":
                return self._send(200, json.dumps(site.saved(), ensure_ascii=False), "application/json")
            if path.startswith("/pages/") and path.endswith(".html") and path[7:-5].isdigit():
                page = site.page(int(path[7:-5]))
                if page is not None:
                    return self._send(200, page)
            return self._send(404, "not found", "text/plain; charset=utf-8")

        def do_POST(self):  # noqa: N802
            if self.path != "/api/verdicts":
                return self._send(404, "not found", "text/plain; charset=utf-8")
            try:
                n = int(self.headers.get("Content-Length") or 0)
                if n > 1_000_000:
                    raise ValueError("a verdict is at most 1 MB")
                saved = site.save(json.loads(self.rfile.read(n) or b"null"))
            except (ValueError, json.JSONDecodeError) as exc:
                return self._send(400, str(exc), "text/plain; charset=utf-8")
            return self._send(200, json.dumps(saved, ensure_ascii=False), "application/json")

        def log_message(self, fmt, *args):  # quiet: no line per request
            pass

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


def serve(records: str | Path, sel: Selection, title: str, port: int = 8765, page_size: int = PAGE_SIZE) -> int:
    try:
        site = Site(records, sel, title, page_size)
    except ValueError as exc:  # a record the pages cannot show (checked before anything is served)
        print(f"kyket review: {exc}", file=sys.stderr)
        return 2
    try:
        server = make_server(site, port)
    except OSError as exc:
        print(f"kyket review: cannot listen on 127.0.0.1:{port} ({exc.strerror}) — give another --port", file=sys.stderr)
        return 2
    host, real_port = server.server_address[:2]
    print(f"{len(site.order)} articles on {site.pages} pages at http://{host}:{real_port}/ — verdicts are saved to "
          f"{site.verdicts_path}; Ctrl-C stops", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
