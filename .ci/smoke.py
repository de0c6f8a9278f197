"""Smoke run of an installed kyket (`make smoke`): run by the python of a fresh venv into which
only `pip install .` went (no dev extras), from outside the source tree, so every import comes
from the installed package. HTML + WARC + JSONL in, N records out, all ok."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SEEDS = sorted((ROOT / "data" / "raw").glob("*.txt"))


def page(title: str, body: str) -> str:
    paras = "".join(f"<p>{line}</p>" for line in body.splitlines() if line.strip())
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><nav><a href='/'>Trang chủ</a>"
            f"</nav><article><h1>{title}</h1>{paras}</article></body></html>")


def main() -> int:
    import pipeline

    assert "site-packages" in Path(pipeline.__file__).parts, f"pipeline imported from the source tree: {pipeline.__file__}"
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    work = Path(tempfile.mkdtemp(prefix="kyket-smoke-"))
    inputs = work / "in"
    inputs.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    (inputs / "a.html").write_text(page("Ký kết hợp tác", texts[0]), encoding="utf-8")
    with (inputs / "b.warc.gz").open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i, text in enumerate(texts[1:3]):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                f"https://example.invalid/{i}.html", "response", payload=io.BytesIO(page(f"Bài {i}", text).encode()),
                http_headers=headers, warc_headers_dict={"WARC-Date": "2023-11-12T08:00:00Z"}))
    with (inputs / "c.jsonl").open("w", encoding="utf-8") as fh:
        for i, text in enumerate(texts):
            fh.write(json.dumps({"id": f"j{i}", "text": text, "published_at": "2023-07"}, ensure_ascii=False) + "\n")
    n_in = 1 + 2 + len(texts)
    out = work / "out"
    res = subprocess.run([str(BIN / "kyket"), "run", str(inputs), "--out", str(out), "--workers", "2", "--fail-on-error"],
                         capture_output=True, text=True, cwd=work)
    print(res.stderr.strip().splitlines()[-2:], file=sys.stderr)
    assert res.returncode == 0, res.stderr
    recs = [json.loads(x) for x in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(recs) == n_in, (len(recs), n_in)
    bad = [(r["article_id"], r["errors"]) for r in recs if r["status"] != "ok"]
    assert not bad, bad
    by_kind = {"html": recs[0], "warc": recs[1], "jsonl": recs[3]}
    for kind, rec in by_kind.items():
        assert rec["agreements"], (kind, rec["article_id"], rec["text"][:200])
    assert (out / "kyket.duckdb").exists() and (out / "tables" / "agreements.parquet").exists()
    api = subprocess.run([sys.executable, "-c", "import json, sys, kyket; "
                          "r = kyket.extract(sys.stdin.read(), published_at='2023-07'); "
                          "print(json.dumps([kyket.__version__, r['status'], len(r['agreements'])]))"],
                         input=texts[0], capture_output=True, text=True, cwd=work)
    assert api.returncode == 0, api.stderr
    version, status, n_ag = json.loads(api.stdout)
    assert status == "ok" and n_ag >= 1, api.stdout
    ver = subprocess.run([str(BIN / "kyket"), "--version"], capture_output=True, text=True, cwd=work)
    assert ver.stdout.startswith(f"kyket {version} "), ver.stdout
    print(f"smoke: {n_in} articles in (HTML, WARC, JSONL), {len(recs)} records out, all ok; {ver.stdout.strip()}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
