"""Do a page's furniture and format move what kyket extracts? Every labelled dev article with
agreements, and 60 without (drawn with a fixed seed), is run twice: as it is, and wrapped in
the furniture of one of the rendered pages of ../shared/html (the lines above the page's own
article — menus, breadcrumbs, share bars — before it, the lines below it — related headlines,
footers, contacts — after it; the page's printed datelines left out, so that its day does not
become the article's). Printed: how many articles change, by field (detection; the non-
referenced agreements' number, parties, dates and places; all statuses).

    python scripts/furniture_wrap_check.py [--renderer html2text|html2text-md|bs4] [--out changes.json]

Nothing is stored: the pages and articles are read from ../shared at run time.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractors.dates import parse_printed_datetime  # noqa: E402
from pipeline.ingest import RawArticle  # noqa: E402
from pipeline.runner import process_article  # noqa: E402
from tests.pipeline.clean_material import DEV, label_lines, pages, render, silver  # noqa: E402

FIELDS = ("det", "n", "parties", "dates", "locs", "status")


def furniture(renderer: str) -> dict[str, tuple[list[str], list[str]]]:
    """Per page: the rendered lines above its first body line and below its last one."""
    out = {}
    for name in pages():
        text = render(name, renderer)
        body = [no for no, lab, _line in label_lines(text, silver(name)) if lab in ("body", "title")]
        if not body:
            continue
        lines = text.split("\n")
        keep = lambda ls: [ln for ln in ls if parse_printed_datetime(ln) is None]  # noqa: E731
        out[name] = (keep(lines[: min(body)]), keep(lines[max(body) + 1:]))
    return out


def summary(text: str, article_id: str) -> dict:
    rec = process_article(RawArticle(article_id, text.encode("utf-8"), article_id))
    ags = [a for a in rec.agreements if a.status != "referenced"]
    return {"ok": rec.status == "ok", "det": bool(ags), "n": len(ags),
            "parties": sorted({p.name for a in ags for p in a.parties}),
            "dates": sorted({a.date.value or "" if a.date else "" for a in ags}),
            "locs": sorted({a.location.text if a.location else "" for a in ags}),
            "status": sorted(a.status for a in rec.agreements)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--renderer", default="html2text", choices=("html2text", "html2text-md", "bs4"))
    ap.add_argument("--out", help="write the changed articles (ids, fields, before and after) to this JSON file")
    args = ap.parse_args()
    if not DEV.is_dir():
        print(f"no labelled articles at {DEV}: this check needs ../shared", file=sys.stderr)
        return 2
    furn = furniture(args.renderer)
    names = sorted(furn)
    ids = sorted(p.stem for p in (DEV / "articles").glob("*.txt"))
    has = {i: bool(json.loads((DEV / "gold" / f"{i}.json").read_text(encoding="utf-8")).get("agreements")) for i in ids}
    chosen = [i for i in ids if has[i]] + random.Random(1).sample([i for i in ids if not has[i]], 60)
    changed, counts, errors = [], dict.fromkeys(FIELDS, 0), 0
    for k, i in enumerate(chosen):
        text = (DEV / "articles" / f"{i}.txt").read_text(encoding="utf-8")
        head, foot = furn[names[k % len(names)]]
        plain, wrapped = summary(text, i), summary("\n".join(head) + "\n" + text + "\n" + "\n".join(foot), i)
        errors += not wrapped["ok"]
        fields = [f for f in FIELDS if plain[f] != wrapped[f]]
        for f in fields:
            counts[f] += 1
        if fields:
            changed.append({"id": i, "page": names[k % len(names)], "fields": fields, "plain": plain, "wrapped": wrapped})
    print(f"{args.renderer}: {len(chosen)} articles wrapped in the furniture of {len(names)} pages; "
          f"{len(changed)} changed, {errors} errors; by field: " + ", ".join(f"{f} {n}" for f, n in counts.items()))
    if args.out:
        Path(args.out).write_text(json.dumps(changed, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
