"""Batch runs: every input format end to end, N in → N out, resume, engines, first pass."""
from __future__ import annotations

import csv
import gzip
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.batch import PARTIAL, RECORDS, run_batch
from tests.conftest import RAW, SHARED, needs_shared

SEED0 = "000_55cc4aec36ea11a4"
SEED_IDS = sorted(p.stem for p in RAW.glob("*.txt"))


def _seed_text(stem: str) -> str:
    return (RAW / f"{stem}.txt").read_text(encoding="utf-8")


def _records(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / RECORDS).read_text(encoding="utf-8").splitlines()]


def _run(inputs, out, **kw) -> list[dict]:
    kw.setdefault("workers", 1)
    kw.setdefault("quiet", True)
    run_batch([str(i) for i in inputs], out, **kw)
    return _records(Path(out))


def _check_seed0(rec: dict) -> None:
    assert rec["status"] == "ok", rec["errors"]
    (ag,) = rec["agreements"]
    assert ag["type"] == "memorandum_of_understanding" and ag["date"]["value"][-5:] == "11-11"
    assert len(ag["parties"]) == 7
    for p in ag["parties"]:
        assert rec["text"][p["start"]:p["end"]] in p["name"]


def test_txt_folder_in_input_order(tmp_path):
    recs = _run([RAW], tmp_path / "out")
    assert [r["article_id"] for r in recs] == SEED_IDS
    _check_seed0(recs[0])
    assert all(r["source"]["content_sha256"] and len(r["source"]["content_sha256"]) == 64 for r in recs)


@pytest.mark.parametrize("gz", [False, True])
def test_jsonl_and_csv_with_configurable_columns(tmp_path, gz):
    rows = [{"doc": s, "body": _seed_text(s), "link": f"https://example.invalid/{s}", "date": "2023-11-12T08:00"}
            for s in SEED_IDS]
    opener = (lambda p: gzip.open(p, "wt", encoding="utf-8", newline="")) if gz else (lambda p: open(p, "w", encoding="utf-8", newline=""))
    jl = tmp_path / ("a.jsonl.gz" if gz else "a.jsonl")
    with opener(jl) as fh:
        for r in rows:
            fh.write(json.dumps({"id": r["doc"], "text": r["body"], "url": r["link"], "published_at": r["date"]}, ensure_ascii=False) + "\n")
    cv = tmp_path / ("b.csv.gz" if gz else "b.csv")
    with opener(cv) as fh:
        w = csv.DictWriter(fh, fieldnames=["doc", "body", "link", "date"])
        w.writeheader()
        w.writerows(rows)
    from pipeline.ingest import Columns

    recs_j = _run([jl], tmp_path / "j")
    recs_c = _run([cv], tmp_path / "c", columns=Columns(id="doc", text="body", url="link", published_at="date"))
    for recs in (recs_j, recs_c):
        assert [r["article_id"] for r in recs] == SEED_IDS
        assert recs[0]["source"]["url"] == f"https://example.invalid/{SEED0}"
        assert recs[0]["published_at"] == "2023-11-12T08:00"
        _check_seed0(recs[0])
        # the input's publication date fixes the year of "11/11"
        assert recs[0]["agreements"][0]["date"]["value"] == "2023-11-11"
    assert [r["text"] for r in recs_j] == [r["text"] for r in recs_c]


def test_parquet(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"id": SEED_IDS, "text": [_seed_text(s) for s in SEED_IDS],
                      "source": ["quangnam.edu.vn"] * len(SEED_IDS)})
    pq.write_table(table, tmp_path / "a.parquet", row_group_size=2)
    recs = _run([tmp_path / "a.parquet"], tmp_path / "out")
    assert [r["article_id"] for r in recs] == SEED_IDS
    assert recs[0]["source"]["site"] == "quangnam.edu.vn"
    _check_seed0(recs[0])


def _html_page(title: str, body: str) -> str:
    paras = "".join(f"<p>{line}</p>" for line in body.split("\n") if line.strip())
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<nav><a href='/'>Trang chủ</a> | <a href='/x'>Thời sự</a></nav>"
            f"<article><h1>{title}</h1>{paras}</article>"
            f"<aside><h3>Tin liên quan</h3><ul><li><a href='/y'>Một tin khác</a></li></ul></aside></body></html>")


def _seed0_page() -> str:
    lines = [ln for ln in _seed_text(SEED0).splitlines() if ln.strip()]
    title = "Các sở GDĐT ký kết hợp tác, hỗ trợ phát triển giáo dục"
    body = [ln for ln in lines if ln.strip() not in ("header", "KK1 copy", title)]
    return _html_page(title, "\n".join(body))


def test_warc_written_in_the_test(tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "crawl.warc.gz"
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        pages = [("https://example.invalid/a.html", _seed0_page(), "text/html; charset=utf-8"),
                 ("https://example.invalid/robots.txt", "User-agent: *", "text/plain"),
                 ("https://example.invalid/b.html", _html_page("Tin thời tiết", "Trời nắng ráo suốt tuần."), "text/html")]
        for uri, body, ctype in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = writer.create_warc_record(uri, "response", payload=io.BytesIO(body.encode("utf-8")),
                                            http_headers=headers, warc_headers_dict={"WARC-Date": "2023-11-12T08:00:00Z"})
            writer.write_record(rec)
    recs = _run([path], tmp_path / "out")
    # the text/plain response is not an article
    assert [r["article_id"] for r in recs] == ["https://example.invalid/a.html", "https://example.invalid/b.html"]
    a = recs[0]
    assert a["source"]["url"] == "https://example.invalid/a.html"
    assert a["title"] == "Các sở GDĐT ký kết hợp tác, hỗ trợ phát triển giáo dục"
    assert "Tin liên quan" not in a["text"] and "Trang chủ" not in a["text"]
    # the page prints no date: the WARC record's date is the publication date, and it fixes the year
    assert a["published_at"].startswith("2023-11-12")
    (ag,) = a["agreements"]
    assert ag["date"]["value"] == "2023-11-11" and ag["date"]["year_source"] == "published_at"
    assert len(ag["parties"]) == 7
    for p in ag["parties"]:
        assert a["text"][p["start"]:p["end"]] in p["name"]


@needs_shared
def test_real_html_pages(tmp_path):
    html = SHARED / "html"
    pages = sorted(html.glob("*.html"))
    assert len(pages) == 9
    recs = _run([html], tmp_path / "out")
    assert len(recs) == len(pages)
    by_id = {r["article_id"]: r for r in recs}
    for r in recs:
        assert r["status"] == "ok", (r["article_id"], r["errors"])
        assert r["title"] and len(r["text"]) > 1000
        assert r["published_at"].startswith("2026-03-0")
        assert "function(" not in r["text"] and "Tin liên quan" not in r["text"]
    assert by_id["vnexpress"]["title"] == "Cách các nước đối phó cú sốc năng lượng từ Trung Đông"
    assert by_id["dantri"]["authors"] == ["Tri Túc"]
    assert by_id["vnexpress"]["source"]["url"].startswith("https://vnexpress.net/")


def test_n_inputs_n_records_with_bad_ones(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(RAW / f"{SEED0}.txt", src / "a_seed.txt")
    (src / "b_empty.txt").write_bytes(b"")
    (src / "c_image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (src / "d.jsonl").write_text('{"id": "ok1", "text": "Một bài báo ngắn."}\n{not json\n{"id": "notext"}\n'
                                 '{"id": "ok2", "text": "Bài thứ hai."}\n', encoding="utf-8")
    recs = _run([src], tmp_path / "out", workers=2)
    assert [r["article_id"] for r in recs] == ["a_seed", "b_empty", "c_image", "ok1", "d:2", "notext", "ok2"]
    status = {r["article_id"]: r for r in recs}
    assert [r["status"] for r in recs] == ["ok", "error", "error", "ok", "error", "error", "ok"]
    assert "empty" in status["b_empty"]["errors"][0]["message"]
    assert "binary" in status["c_image"]["errors"][0]["message"] or "UTF-8" in status["c_image"]["errors"][0]["message"]
    assert status["d:2"]["errors"][0]["type"] == "ingest" or "d.jsonl:2" in status["d:2"]["errors"][0]["message"]
    assert "d.jsonl:3" in status["notext"]["errors"][0]["message"]


def _corpus(tmp_path: Path, copies: int = 8) -> Path:
    """A JSONL of the seeds (and the dev articles when present), repeated with distinct ids."""
    texts = [(s, _seed_text(s)) for s in SEED_IDS]
    dev = SHARED / "dev" / "articles"
    if dev.is_dir():
        texts += [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(dev.glob("*.txt"))[:35] if p.stem not in SEED_IDS]
    path = tmp_path / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for k in range(copies):
            for stem, text in texts:
                fh.write(json.dumps({"id": f"{stem}#{k}", "text": text}, ensure_ascii=False) + "\n")
    return path


def test_rerun_skips_unchanged_and_redoes_changed(tmp_path):
    corpus = _corpus(tmp_path, copies=2)
    out = tmp_path / "out"
    first = run_batch([str(corpus)], out, workers=1, quiet=True)
    assert first.processed == first.articles_in and first.reused == 0
    again = run_batch([str(corpus)], out, workers=1, quiet=True)
    assert again.processed == 0 and again.reused == first.articles_in
    before = (out / RECORDS).read_bytes()
    # change one article's text: only it is redone, in place
    lines = corpus.read_text(encoding="utf-8").splitlines()
    obj = json.loads(lines[3])
    assert "Ngày 24/3" in obj["text"]
    obj["text"] = obj["text"].replace("Ngày 24/3", "Ngày 25/3")
    lines[3] = json.dumps(obj, ensure_ascii=False)
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    third = run_batch([str(corpus)], out, workers=1, quiet=True)
    assert third.processed == 1 and third.reused == first.articles_in - 1
    recs = _records(out)
    assert [r["article_id"] for r in recs] == [json.loads(x)["id"] for x in lines]
    assert "Ngày 25/3" in recs[3]["text"] and recs[3]["agreements"][0]["date"]["value"].endswith("03-25")
    forced = run_batch([str(corpus)], out, workers=1, quiet=True, force=True)
    assert forced.processed == first.articles_in
    assert (out / RECORDS).read_bytes() != before


def test_resume_after_interruption_in_process(tmp_path, monkeypatch):
    corpus = _corpus(tmp_path, copies=2)
    ref = _run([corpus], tmp_path / "ref")
    import pipeline.batch as batch

    real = batch.process_chunk
    calls = {"n": 0}

    def dying(items):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # Ctrl-C in the middle of the run
        return real(items)

    monkeypatch.setattr(batch, "process_chunk", dying)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_batch([str(corpus)], out, workers=1, quiet=True, chunk_size=4)
    assert not (out / RECORDS).exists()
    assert len((out / PARTIAL).read_text(encoding="utf-8").splitlines()) == 8
    monkeypatch.setattr(batch, "process_chunk", real)
    summary = run_batch([str(corpus)], out, workers=1, quiet=True, chunk_size=4)
    assert summary.reused == 8 and summary.processed == len(ref) - 8
    assert _records(out) == ref
    assert not (out / PARTIAL).exists()


def _process_tree(pid: int) -> list:
    import psutil

    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def _assert_all_gone(procs: list, within: float) -> None:
    import psutil

    deadline = time.time() + within
    alive = procs
    while time.time() < deadline:
        alive = []
        for p in procs:
            try:
                if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                    alive.append(p)
            except psutil.NoSuchProcess:
                pass
        if not alive:
            return
        time.sleep(0.2)
    for p in alive:  # leave nothing behind for the next test, then fail
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    raise AssertionError(f"processes of the run still alive {within:g} s after it was stopped: "
                         f"{[(p.pid, p.name()) for p in alive]}")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_resume_after_the_process_is_killed(tmp_path, sig):
    corpus = _corpus(tmp_path, copies=6)
    ref = _run([corpus], tmp_path / "ref")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline.cli", "run", str(corpus), "--out", str(out), "--workers", "2",
           "--chunk-size", "4", "--quiet"]
    err = (tmp_path / "stderr.txt").open("wb")
    proc = subprocess.Popen(cmd, cwd=Path(__file__).resolve().parents[2], stderr=err)
    partial = out / PARTIAL
    deadline = time.time() + 120
    while time.time() < deadline:
        if partial.exists() and partial.stat().st_size > 0 and partial.read_bytes().count(b"\n") >= 12:
            break
        if proc.poll() is not None:
            break
        time.sleep(0.005)
    killed_midway = proc.poll() is None
    run_procs = _process_tree(proc.pid)
    os.kill(proc.pid, sig)
    proc.wait(timeout=60)
    err.close()
    if not killed_midway:
        pytest.skip("the run finished before it could be interrupted")
    assert len(run_procs) >= 3  # the main process and its two workers were seen
    if sig != signal.SIGKILL:  # stopped cleanly: the interrupt is said, with how to resume
        assert proc.returncode == 130
        assert "interrupted; the records written so far are kept" in (tmp_path / "stderr.txt").read_text(encoding="utf-8")
    # no process of the run outlives it, however it was stopped (SIGKILL: the workers are
    # told by the kernel, or notice within a second that their parent is gone)
    _assert_all_gone(run_procs, within=10)
    assert not (out / RECORDS).exists()
    done = partial.read_bytes().count(b"\n")
    assert 0 < done < len(ref)
    summary = run_batch([str(corpus)], out, workers=2, quiet=True, chunk_size=4)
    assert summary.reused >= done - 1  # a torn last line, if any, is redone
    got = _records(out)
    assert [r["article_id"] for r in got] == [r["article_id"] for r in ref]  # no duplicate, none missing, same order
    diff = [(i, r["article_id"], r["status"], r["errors"]) for i, (r, e) in enumerate(zip(got, ref, strict=True)) if r != e]
    assert not diff, f"{len(diff)} records differ from an uninterrupted run (done before the kill: {done}): {diff[:3]}"


def test_dask_engine_matches_local(tmp_path):
    corpus = _corpus(tmp_path, copies=1)
    local = (tmp_path / "local")
    run_batch([str(corpus)], local, workers=2, quiet=True, chunk_size=8)
    dask_out = tmp_path / "dask"
    summary = run_batch([str(corpus)], dask_out, workers=2, engine="dask", quiet=True, chunk_size=8)
    assert summary.records_out == summary.articles_in > 0
    assert (dask_out / RECORDS).read_bytes() == (local / RECORDS).read_bytes()


@needs_shared
def test_first_pass_keeps_every_dev_signing_article():
    from extractors.events import might_report_signing
    from pipeline.ingest import read_articles
    from pipeline.runner import prepare_document

    gold = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (SHARED / "dev" / "gold").glob("*.json")}
    signing = {k for k, g in gold.items() if any(a["status"] == "signed" and not a.get("optional") for a in g["agreements"])}
    assert len(signing) >= 100
    passed = {raw.article_id for raw in read_articles([SHARED / "dev" / "articles"])
              if might_report_signing(prepare_document(raw).folded)}
    assert signing <= passed  # recall 100% on the signing articles
    assert len(passed) < len(gold)  # it does reject something


def test_rerun_redoes_records_of_another_kyket_release(tmp_path):
    from pipeline.records import KYKET_VERSION

    corpus = _corpus(tmp_path, copies=1)
    out = tmp_path / "out"
    first = run_batch([str(corpus)], out, workers=1, quiet=True)
    recs = _records(out)
    assert {r["source"]["kyket_version"] for r in recs} == {KYKET_VERSION}
    assert {r["schema_version"] for r in recs} == {"1.3"}
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert manifest["kyket_version"] == KYKET_VERSION and manifest["models"]["underthesea"].startswith("9.")
    assert manifest["summary"]["records_out"] == len(recs) and manifest["inputs"] == [str(corpus.resolve())]
    # pretend the first three were written by an older release, the next two by schema 1.1
    old = [dict(r, source=dict(r["source"], kyket_version="0.1.0")) for r in recs[:3]]
    v11 = [dict(r, schema_version="1.1", source={k: v for k, v in r["source"].items() if k != "kyket_version"})
           for r in recs[3:5]]
    (out / RECORDS).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in old + v11 + recs[5:]),
                               encoding="utf-8")
    again = run_batch([str(corpus)], out, workers=1, quiet=True)
    assert again.processed == 5 and again.reused == first.articles_in - 5
    assert _records(out) == recs


@pytest.mark.parametrize("published,value,source", [
    ("2023-07", "2023-11-11", "published_at"),     # month known: fixes the year
    ("2023", "2023-11-11", "published_at"),        # year known
    ("2024-02", "2023-11-11", "published_at"),     # told in February about "11/11": the year before
    ("2023-11-12T08:00", "2023-11-11", "published_at"),
    (None, "--11-11", "unknown"),
    ("July 2023", "--11-11", "unknown"),            # not ISO: not guessed
])
def test_partial_publication_dates_fix_the_year_and_are_kept_as_given(tmp_path, published, value, source):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": "a", "text": _seed_text(SEED0), "published_at": published},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    (rec,) = _run([path], tmp_path / "out")
    assert rec["published_at"] == published  # never padded into a fake day
    (ag,) = rec["agreements"]
    assert (ag["date"]["value"], ag["date"]["year_source"]) == (value, source)
    from pipeline.tables import build_warehouse

    build_warehouse(tmp_path / "out")
    import pyarrow.parquet as pq

    (row,) = pq.read_table(tmp_path / "out" / "tables" / "articles.parquet").to_pylist()
    assert row["published_at"] == published
    assert (row["published_date"] is not None) == (published is not None and len(published) >= 10)


def test_progress_by_bytes_read(tmp_path):
    from pipeline.batch import Progress

    corpus = _corpus(tmp_path, copies=3)
    size = corpus.stat().st_size
    import pipeline.ingest as ingest

    positions = [a.input_pos for a in ingest.read_articles([corpus])]
    assert positions == sorted(positions) and positions[-1] == size and 0 < positions[0] < size
    # a gzipped table: positions in compressed bytes, ending at the file's size
    gz = tmp_path / "c.jsonl.gz"
    gz.write_bytes(gzip.compress(corpus.read_bytes()))
    gpos = [a.input_pos for a in ingest.read_articles([gz, RAW])]
    total = gz.stat().st_size + sum(p.stat().st_size for p in RAW.glob("*.txt"))
    assert gpos == sorted(gpos) and gpos[-1] == total and gpos[len(positions) - 1] == gz.stat().st_size

    class Log(io.StringIO):
        def isatty(self):
            return False

    log = Log()
    p = Progress(total_bytes=1000, quiet=False, stream=log, every=0.0)
    p.t0 -= 10  # ten seconds in
    p.update(5, 1, 0, pos=250)
    line = log.getvalue()
    assert "5 articles  250 B of 1.0 kB (25%)  ETA 30s" in line, line
