"""`kyket diff`: pairing, field changes, word-level clause changes, formats and exit code."""
import json
import subprocess
import sys

from pipeline.diff import diff_records, format_text, word_diff
from tests.conftest import ROOT


def _ag(aid, parties, date="--11-11", clauses=("Hai bên trao đổi kinh nghiệm quản lý.",), **kw):
    return {"agreement_id": aid, "status": kw.get("status", "signed"), "type": kw.get("type", "memorandum_of_understanding"),
            "title": None, "evidence": {"text": "ký kết biên bản ghi nhớ", "start": 0, "end": 10},
            "date": {"value": date, "text": "11/11", "start": 0, "end": 5, "part_of_day": "afternoon", "year_source": "unknown"},
            "location": None, "period": None, "confidence": 0.9,
            "parties": [{"name": p, "canonical": p, "kind": "department", "start": 0, "end": 1, "source": "t", "confidence": 0.9}
                        for p in parties],
            "relations": [], "signatories": kw.get("signatories", []),
            "clauses": [{"text": c, "start": 0, "end": 1} for c in clauses]}


def _rec(aid, ags, title="Tin"):
    return {"schema_version": "1.1", "article_id": aid, "source": {}, "title": title, "published_at": None, "authors": [],
            "text": "x", "text_sha256": "", "status": "ok", "errors": [], "agreements": ags}


def test_word_diff_shows_only_the_changed_word():
    assert word_diff("Hai bên trao đổi kinh nghiệm", "Hai bên chia sẻ kinh nghiệm") == [
        ["=", "Hai bên"], ["-", "trao đổi"], ["+", "chia sẻ"], ["=", "kinh nghiệm"]]


def test_fields_and_fallback_pairing():
    old = {"a": _rec("a", [_ag("id1", ["Sở GDĐT Hà Tĩnh", "Sở GDĐT Quảng Bình"])]),
           "gone": _rec("gone", [])}
    new = {"a": _rec("a", [_ag("id2", ["Sở GDĐT Hà Tĩnh", "Sở Giáo dục và Đào tạo Quảng Trị"], date="2023-11-11",
                               clauses=("Hai bên chia sẻ kinh nghiệm quản lý.", "Mỗi năm tổng kết một lần."),
                               signatories=[{"name": "Nguyễn Văn A", "title": "Giám đốc", "party": None, "role": "signatory",
                                             "start": 0, "end": 1}])]),
           "fresh": _rec("fresh", [])}
    rep = diff_records(old, new)
    s = rep["summary"]
    assert (s["compared"], s["changed"], s["only_old"], s["only_new"]) == (1, 1, ["gone"], ["fresh"])
    (art,) = [a for a in rep["articles"] if a["article_id"] == "a"]
    (g,) = art["agreements"]
    assert g["state"] == "changed" and g["old_id"] == "id1" and g["agreement_id"] == "id2"  # paired by shared party
    by = {(c["field"], c["op"]): c for c in g["changes"]}
    assert by[("date", "changed")]["old"] == "--11-11 afternoon" and by[("date", "changed")]["new"] == "2023-11-11 afternoon"
    assert by[("parties", "removed")]["old"] == "Sở GDĐT Quảng Bình"
    assert by[("parties", "added")]["new"] == "Sở Giáo dục và Đào tạo Quảng Trị"
    assert by[("signatories", "added")]["new"] == "Nguyễn Văn A (signatory: Giám đốc)"
    assert by[("clauses", "changed")]["words"] == [["=", "Hai bên"], ["-", "trao đổi"], ["+", "chia sẻ"],
                                                   ["=", "kinh nghiệm quản lý."]]
    assert by[("clauses", "added")]["new"] == "Mỗi năm tổng kết một lần."
    assert s["changes_by_kind"]["date.changed"] == 1 and s["changes_by_kind"]["articles.removed"] == 1
    text = format_text(rep)
    assert text.startswith("articles: 2 old, 2 new, 1 compared, 1 changed, 1 only in old, 1 only in new")
    assert "clauses changed: Hai bên [-trao đổi] [+chia sẻ] kinh nghiệm quản lý." in text


def test_cli_formats_and_exit_code(tmp_path):
    a = tmp_path / "a.jsonl"
    b = tmp_path / "b.jsonl"
    a.write_text(json.dumps(_rec("a", [_ag("id1", ["A", "B"])]), ensure_ascii=False) + "\n", encoding="utf-8")
    b.write_text(json.dumps(_rec("a", [_ag("id1", ["A", "B"], type="contract")]), ensure_ascii=False) + "\n", encoding="utf-8")

    def run(*args):
        return subprocess.run([sys.executable, "-m", "pipeline.cli", "diff", *map(str, args)], capture_output=True,
                              text=True, cwd=ROOT)

    same = run(a, a, "--fail-on-change")
    assert same.returncode == 0 and "0 changed" in same.stdout
    changed = run(a, b, "--fail-on-change", "--format", "json")
    assert changed.returncode == 1
    rep = json.loads(changed.stdout)
    assert rep["articles"][0]["agreements"][0]["changes"] == [
        {"field": "type", "op": "changed", "old": "memorandum_of_understanding", "new": "contract"}]
    out = tmp_path / "d"
    assert run(a, b, "--format", "html", "--out", out).returncode == 0
    page = (out / "pages" / "0001.html").read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<del>memorandum_of_understanding</del>" in page
    for f in ("index.html", "index.js", "kyket.js", "kyket.css", "pages/0001.html"):  # no external resource
        assert "http" not in (out / f).read_text(encoding="utf-8").replace("http-equiv", "").replace("https?:", ""), f
    assert not (out / "pages" / "0002.html").exists()
