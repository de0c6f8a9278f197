import json

import jsonschema

from pipeline.cli import main
from pipeline.records import json_schema
from tests.conftest import RAW


def _spans(rec):
    d = rec.model_dump(mode="json", by_alias=True)
    for a in d["agreements"]:
        for key in ("evidence", "title", "date", "location"):
            if a[key]:
                yield a[key]["text"], a[key]["start"], a[key]["end"]
        if a["period"]:
            yield a["period"]["text"], a["period"]["span_start"], a["period"]["span_end"]
        for c in a["clauses"]:
            yield c["text"], c["start"], c["end"]
        for s in a["signatories"]:
            yield s["name"], s["start"], s["end"]


def test_every_span_slices_text(seed_records):
    n = 0
    for rec in seed_records.values():
        for text, s, e in _spans(rec):
            assert rec.text[s:e] == text
            n += 1
        for a in rec.agreements:
            for p in a.parties:
                assert rec.text[p.start:p.end] in p.name
                n += 1
    assert n > 50


def test_seed_000_memorandum(seed_records):
    rec = seed_records["000_55cc4aec36ea11a4"]
    assert rec.title == "Các sở GDĐT ký kết hợp tác, hỗ trợ phát triển giáo dục"
    assert rec.authors == ["Huỳnh Thị Vinh"]
    assert "KK1 copy" not in rec.text and "quangnam.edu.vn" not in rec.text and "header" not in rec.text
    (ag,) = rec.agreements
    assert (ag.status, ag.type) == ("signed", "memorandum_of_understanding")
    assert (ag.date.value, ag.date.part_of_day, ag.date.year_source) == ("--11-11", "afternoon", "unknown")
    assert ag.location.text == "Sở GDĐT tỉnh Quảng Nam"
    names = [p.name for p in ag.parties]
    assert names[:7] == [f"Sở GDĐT {p}" for p in ("Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế", "Đà Nẵng", "Quảng Nam", "Quảng Ngãi")]
    assert len(ag.clauses) == 8
    assert ag.clauses[0].text.startswith("Thường xuyên chia sẻ thông tin")
    witnesses = [(s.name, s.role) for s in ag.signatories]
    assert ("Nguyễn Thanh Đề", "witness") in witnesses


def test_seed_001_pairs(seed_records):
    rec = seed_records["001_d8f2a39137c6aada"]
    ag = rec.agreements[0]
    assert ag.type == "twinning" and ag.title.text == "Phòng giúp phòng, trường giúp trường"
    assert (ag.period.start, ag.period.end) == (2019, 2022)
    assert (ag.date.value, ag.date.part_of_day) == ("--10-10", "morning")
    rels = {(r.from_, r.to) for r in ag.relations}
    assert ("Trường THPT chuyên Phan Bội Châu", "Trường THPT Hoàng Mai") in rels
    assert ("Phòng GD&ĐT thành phố Vinh", "Phòng GD&ĐT Quế Phong") in rels
    assert len(rels) >= 9


def test_seed_002_signatories(seed_records):
    (ag,) = seed_records["002_df934289abd8d421"].agreements
    assert [p.name for p in ag.parties] == ["Sở Giáo dục và Đào tạo tỉnh Bắc Ninh", "Sở Giáo dục và Đào tạo tỉnh Bắc Giang"]
    sig = [(s.name, s.title, s.role) for s in ag.signatories]
    assert sig == [("Nguyễn Thế Sơn", "Giám đốc", "signatory"), ("Tạ Việt Hùng", "Giám đốc", "signatory")]
    assert ag.type == "cooperation_agreement"
    assert len(ag.clauses) == 10


def test_seed_003_published_year(seed_records):
    rec = seed_records["003_99e75f040186e1b7"]
    assert rec.published_at == "2023-03-25T13:44" and rec.authors == ["Sơn Dương"]
    assert "POWERED BY ONECMS" not in rec.text and "Bài liên quan" not in rec.text
    ag = rec.agreements[0]
    assert (ag.date.value, ag.date.year_source) == ("2023-03-24", "published_at")
    assert ag.title.text == "Nhà trường cùng chung tay phát triển - Thầy cô cùng sẻ chia trách nhiệm"


def test_seed_004_has_no_agreement(seed_records):
    rec = seed_records["004_cc3e7bb6e1a24d3e"]
    assert rec.agreements == [] and rec.status == "ok"
    assert rec.published_at == "2023-07-14T06:20"


def test_cli_run_writes_one_line_per_article_and_validates(tmp_path):
    assert main(["run", str(RAW), "--out", str(tmp_path), "--quiet"]) == 0
    lines = (tmp_path / "records.jsonl").read_text(encoding="utf-8").splitlines()
    ids = [json.loads(x)["article_id"] for x in lines]
    assert ids == sorted(p.stem for p in RAW.glob("*.txt"))
    schema = json_schema()
    for line in lines:
        jsonschema.validate(json.loads(line), schema)


def test_bad_input_becomes_error_record(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"\xff\xfe\x00\x00garbage\x00")
    (tmp_path / "b.txt").write_bytes("Chào".encode("cp1258", errors="replace") + b"\xe0\xff")
    (tmp_path / "c.txt").write_text("", encoding="utf-8")
    (tmp_path / "d.jsonl").write_text('{"id": "x1", "text": "Tin ngắn."}\nnot json\n{"id": "x3"}\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(tmp_path), "--out", str(out), "--quiet"]) == 0
    recs = [json.loads(x) for x in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["status"] for r in recs] == ["error", "error", "error", "ok", "error", "error"]
    assert recs[1]["errors"][0]["stage"] == "ingest" and "UTF-8" in recs[1]["errors"][0]["message"]
    assert "d.jsonl:2" in recs[4]["errors"][0]["message"]
