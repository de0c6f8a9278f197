"""kyket's Python API: agreement signings from Vietnamese news articles, as JSON records.

    import kyket

    rec = kyket.extract("Sáng 11/11, Sở GDĐT tỉnh Quảng Nam và Sở GDĐT tỉnh Hà Tĩnh đã ký kết "
                        "biên bản ghi nhớ hợp tác …", published_at="2023-11-12")
    rec["agreements"][0]["date"]["value"]        # '2023-11-11'

    summary = kyket.run(["articles/", "more.jsonl"], "out/", workers=2)
    summary["records_out"], summary["errors"]    # out/records.jsonl, out/tables/, out/kyket.duckdb

`extract` returns one record as a dict, exactly as a line of `records.jsonl` (the schema is
`kyket schema`, README "The record"). `run` is `kyket run`: the same inputs, options, resume
and output; bad inputs raise `kyket.InputError` (a ValueError) before any work starts.
"""
from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable

from pipeline.ingest import Columns, InputError
from pipeline.records import KYKET_VERSION, SCHEMA_VERSION

__version__ = KYKET_VERSION
__all__ = ["extract", "run", "InputError", "SCHEMA_VERSION", "__version__"]


def extract(text: str | bytes, published_at: str | None = None, url: str | None = None, *,
            article_id: str = "article", html: bool = False) -> dict:
    """One article → its record (a dict, as one line of records.jsonl).

    `text`: the article (str, or bytes in any encoding kyket reads), or an HTML page with
    `html=True`. `published_at`: ISO date or datetime, or just "2023-07" / "2023" — it fixes
    the year of dates printed without one. A failure is not raised: the record has
    `status: "error"` and says why in `errors`."""
    from pipeline.ingest import RawArticle
    from pipeline.runner import process_article

    raw = RawArticle(article_id, text, url=url, published_at=published_at, fmt="html" if html else "text")
    return process_article(raw).model_dump(mode="json", by_alias=True)


def run(inputs: str | os.PathLike | Iterable[str | os.PathLike], out: str | os.PathLike, *,
        workers: int | None = None, engine: str = "local", scheduler: str | None = None, force: bool = False,
        chunk_size: int = 64, quiet: bool = True, warehouse: bool = True, id_col: str = "id",
        text_col: str = "text", html_col: str = "html", url_col: str = "url",
        published_col: str = "published_at", source_col: str = "source") -> dict:
    """`kyket run INPUTS --out OUT`: every article of the inputs (files or folders) into
    OUT/records.jsonl (and, with `warehouse`, OUT/tables/*.parquet and OUT/kyket.duckdb).

    Returns the summary: articles_in, records_out, ok, errors, agreements, processed, reused,
    wall_s, out (the records file), duplicate_ids, error_types ({kind: [count, example id,
    message]}) and, with `warehouse`, tables ({table: rows})."""
    from pipeline.batch import run_batch

    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    columns = Columns(id=id_col, text=text_col, html=html_col, url=url_col, published_at=published_col,
                      source=source_col)
    summary = run_batch([str(i) for i in inputs], out, workers=workers, engine=engine, scheduler=scheduler,
                        force=force, columns=columns, chunk_size=chunk_size, quiet=quiet)
    result = dataclasses.asdict(summary)
    if warehouse:
        from pipeline.tables import build_warehouse

        result["tables"] = build_warehouse(out)
    return result
