"""Fuzz ingest + clean + segment + extract + assemble for a bounded time (not run in CI).

    .venv/bin/python scripts/fuzz.py --seconds 300 [--out fuzz-crashes]

Inputs come from hypothesis strategies: raw bytes, arbitrary Unicode, and Vietnamese news
fragments mixed with noise (so the expensive stages run too). Each input goes through
`process_article(raise_errors=True)`; an exception that is not an expected input error
(undecodable bytes, an empty article, a page with no body), or a span that does not slice
the record's text, is a crash: the input is saved to --out and printed, to be turned into a
regression test (tests/test_hostile.py).
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import time
import traceback
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.encodings import DecodeError  # noqa: E402
from pipeline.html import HtmlError  # noqa: E402
from pipeline.ingest import RawArticle  # noqa: E402
from pipeline.runner import process_article  # noqa: E402

WORDS = ["ký kết", "ký", "kí", "biên bản ghi nhớ", "thỏa thuận", "hợp tác", "kết nghĩa", "giao ước thi đua", "giữa", "và",
         "với", "Sở GDĐT", "Sở Giáo dục và Đào tạo", "tỉnh", "Quảng Nam", "Công ty", "Tập đoàn", "UBND", "Việt Nam",
         "ngày", "11/11", "24/3/2023", "Chiều", "Sáng", "tại", "giai đoạn", "2019 - 2022", "Theo đó,", "hai bên sẽ",
         ":", "\n- ", "\n1. ", ".", ",", ";", "“", "”", "(", ")", "ông", "bà", "Nguyễn Văn An", "Giám đốc",
         "hôm qua", "Tin và ảnh:", "Bài liên quan", "header", "POWERED BY", "(Baonghean.vn) -", "giúp đỡ", "TTXVN"]
EXPECTED = (DecodeError, HtmlError)


def _texts():
    news = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), min_size=1, max_size=120).map(" ".join)
    return st.one_of(st.binary(max_size=2000), st.text(max_size=2000), news, news.map(lambda t: "Tiêu đề\n" + t))


def check(data) -> None:
    for fmt in ("text", "html") if isinstance(data, bytes) and data[:1] == b"<" else ("text",):
        try:
            rec = process_article(RawArticle("fuzz", data, fmt=fmt), raise_errors=True)
        except EXPECTED:
            continue
        except ValueError as exc:
            if "empty article" in str(exc):
                continue
            raise
        for ag in rec.agreements:
            for obj in [ag.evidence, ag.title, ag.date, ag.location, *ag.clauses]:
                if obj is not None and rec.text[obj.start:obj.end] != obj.text:
                    raise AssertionError(f"span {obj.start}:{obj.end} does not slice the text")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--out", default="fuzz-crashes")
    args = ap.parse_args()
    out = Path(args.out)
    stats = {"inputs": 0, "crashes": 0}
    deadline = time.time() + args.seconds

    @settings(max_examples=300, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(_texts())
    def target(data):
        if time.time() > deadline:
            return
        stats["inputs"] += 1
        try:
            check(data)
        except Exception:  # noqa: BLE001 — every crash is recorded
            stats["crashes"] += 1
            raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
            out.mkdir(parents=True, exist_ok=True)
            path = out / f"crash-{hashlib.sha1(raw).hexdigest()[:12]}.bin"
            path.write_bytes(raw)
            print(f"CRASH -> {path}\n{traceback.format_exc()}", file=sys.stderr)

    while time.time() < deadline:
        target()  # a batch of examples; crashes are recorded, never raised
    print(f"fuzzed {stats['inputs']} inputs in {args.seconds:.0f} s: {stats['crashes']} crashes")
    return 1 if stats["crashes"] else 0


if __name__ == "__main__":
    sys.exit(main())
