"""`kyket review` / `kyket diff --format html` as a paged folder, editors' verdicts, their export,
and the loop verdicts → `kyket train --extra` → a run that follows the verdict."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.diff import (
    Summary,
    diff_records,
    format_text,
    iter_file_diff,
    read_records,
    text_changes,
)
from pipeline.verdicts import check, export, gold_from, load_extra
from tests.conftest import RAW, SHARED, needs_shared

SEED0 = "000_55cc4aec36ea11a4"


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    from pipeline.batch import run_batch

    out = tmp_path_factory.mktemp("run")
    run_batch([str(RAW)], out, workers=1, quiet=True)
    return out / "records.jsonl"


def _cli(capsys, *argv) -> tuple[int, str]:
    rc = main([str(a) for a in argv])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return rc, err


def _rows(folder: Path) -> list[dict]:
    text = (folder / "index.js").read_text(encoding="utf-8")
    assert text.startswith("window.KYKET_INDEX = [\n") and text.endswith("];\n")
    return [json.loads(line.rstrip(",")) for line in text.splitlines()[1:-1]]


def _jsonl(path: Path, recs) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    return path


def test_review_folder_selects_pages_and_lists(run, tmp_path, capsys):
    recs = read_records(run)
    rc, err = _cli(capsys, "review", run, "--out", tmp_path / "r")
    assert rc == 0 and "4 articles on 1 pages" in err
    rows = _rows(tmp_path / "r")
    assert [r["id"] for r in rows] == [a for a, r in recs.items() if r["agreements"]]  # default: with agreements
    by = {r["id"]: r for r in rows}
    ag = recs[SEED0]["agreements"]
    assert by[SEED0]["a"] == len(ag) == 1 and by[SEED0]["pa"] == len(ag[0]["parties"]) == 7
    assert by[SEED0]["e"] == 0 and by[SEED0]["ty"] == [ag[0]["type"]] and by[SEED0]["p"] == "pages/0001.html"
    assert ag[0]["agreement_id"] in by[SEED0]["k"] and "Sở GDĐT Quảng Ngãi" in by[SEED0]["k"]
    page = (tmp_path / "r" / "pages" / "0001.html").read_text(encoding="utf-8")
    assert page.count('<section id="a') == 4 and ag[0]["agreement_id"] in page and "page 1 of 1" in page
    # every verdict control carries the span of its value in the record's text
    text = recs[SEED0]["text"]
    sec = page[page.index(f'data-id="{SEED0}"'):page.index("</section>", page.index(f'data-id="{SEED0}"'))]
    spans = re.findall(r'data-field="parties" data-index="(\d+)" data-start="(\d+)" data-end="(\d+)" data-value="([^"]*)"', sec)
    assert len(spans) == 7
    for i, s, e, v in spans:  # a list-expanded name ("Sở GDĐT Hà Tĩnh") keeps the span of its words in the text
        party = ag[0]["parties"][int(i)]
        assert (int(s), int(e), v) == (party["start"], party["end"], party["name"])
        assert text[int(s):int(e)] and text[int(s):int(e)] in party["name"]
    # --all, --ids, --limit, --page-size
    assert _cli(capsys, "review", run, "--out", tmp_path / "all", "--all", "--page-size", "2")[0] == 0
    assert len(_rows(tmp_path / "all")) == 5
    assert sorted(p.name for p in (tmp_path / "all" / "pages").iterdir()) == ["0001.html", "0002.html", "0003.html"]
    last = (tmp_path / "all" / "pages" / "0003.html").read_text(encoding="utf-8")
    assert "page 3 of 3" in last and 'id="next"' not in last and 'id="prev" href="0002.html"' in last
    assert _cli(capsys, "review", run, "--out", tmp_path / "ids", "--ids", f"004_cc3e7bb6e1a24d3e,{SEED0}")[0] == 0
    assert sorted(r["id"] for r in _rows(tmp_path / "ids")) == [SEED0, "004_cc3e7bb6e1a24d3e"]
    assert _cli(capsys, "review", run, "--out", tmp_path / "lim", "--all", "--limit", "2")[0] == 0
    assert [r["id"] for r in _rows(tmp_path / "lim")] == list(recs)[:2]


def test_review_only_errors_and_source_link(run, tmp_path, capsys):
    recs = list(read_records(run).values())
    bad = dict(recs[4], article_id="bad", status="error", source={"url": "https://baomoi.com/x.epi"},
               errors=[{"stage": "clean", "type": "ValueError", "message": "<b>boom</b>"}])
    path = _jsonl(tmp_path / "records.jsonl", [*recs, bad])
    assert _cli(capsys, "review", path, "--out", tmp_path / "e", "--only-errors")[0] == 0
    (row,) = _rows(tmp_path / "e")
    assert (row["id"], row["e"], row["u"]) == ("bad", 1, "https://baomoi.com/x.epi")
    page = (tmp_path / "e" / "pages" / "0001.html").read_text(encoding="utf-8")
    assert '<a class="source" href="https://baomoi.com/x.epi"' in page and "&lt;b&gt;boom&lt;/b&gt;" in page


def test_bad_options_are_one_line(run, tmp_path, capsys):
    for argv, msg in (
            (["--out", tmp_path / "x", "--ids", f"@{tmp_path / 'none.txt'}"], f"--ids @{tmp_path / 'none.txt'}: "),
            (["--out", tmp_path / "x", "--limit", "0"], "--limit must be 1 or more (got 0)"),
            (["--out", tmp_path / "r.html"], "give a folder (index.html and pages/ are written into it), not an .html file"),
            ([], "give --out DIR (the folder to write), --serve or --export FILE"),
            (["--export", tmp_path / "a.jsonl"], f"{run.parent / 'verdicts.jsonl'} does not exist: no verdicts to export")):
        rc, err = _cli(capsys, "review", run, *argv)
        assert rc == 2 and err.startswith("kyket review: ") and msg in err and err.count("\n") == 1
    rc, err = _cli(capsys, "diff", run, run, "--format", "html")
    assert rc == 2 and err == "kyket diff: --format html writes a folder: give it with --out DIR\n"


def _edited(recs: dict) -> dict:
    new = json.loads(json.dumps(recs))
    rec = new[SEED0]
    ag = rec["agreements"][0]
    ag["agreement_id"] = "new-id"
    loc = rec["text"].index("Sở GDĐT tỉnh Quảng Nam")
    ag["location"] = {"text": "Quảng Nam", "start": loc + 13, "end": loc + 22}
    rec["text"] = rec["text"].replace("rút kinh nghiệm lẫn nhau", "học hỏi lẫn nhau", 1)
    return new


def test_diff_marks_changed_spans_and_says_where(run, tmp_path, capsys):
    old = read_records(run)
    new = _edited(old)
    rep = diff_records(old, new)
    (art,) = [a for a in rep["articles"] if a["state"] == "changed"]
    (g,) = art["agreements"]
    assert (g["old_id"], g["agreement_id"]) == (old[SEED0]["agreements"][0]["agreement_id"], "new-id")
    (loc,) = [c for c in g["changes"] if c["field"] == "location"]
    # offsets are sacred: each side's span slices its own text to its own value
    assert old[SEED0]["text"][slice(*loc["old_span"])] == loc["old"] == "Sở GDĐT tỉnh Quảng Nam"
    assert new[SEED0]["text"][slice(*loc["new_span"])] == loc["new"] == "Quảng Nam"
    (t,) = [c for c in art["article_changes"] if c["field"] == "text"]
    (r,) = t["regions"]
    assert (r["old"], r["new"]) == ("rút kinh nghiệm", "học hỏi")
    assert old[SEED0]["text"][slice(*r["old_span"])] == "rút kinh nghiệm" and new[SEED0]["text"][slice(*r["new_span"])] == "học hỏi"
    text = format_text(rep)
    assert f"agreement {g['old_id']} → new-id (" in text
    assert f"text changed at {r['old_span'][0]}–{r['old_span'][1]} (new {r['new_span'][0]}–{r['new_span'][1]}): " \
           "'rút kinh nghiệm' → 'học hỏi'" in text
    # the streamed file diff gives the same report, and the folder shows only the changed article
    a, b = _jsonl(tmp_path / "a.jsonl", old.values()), _jsonl(tmp_path / "b.jsonl", new.values())
    summary = Summary()
    streamed = [x for x, _o, _n in iter_file_diff(a, b, summary)]
    assert streamed == rep["articles"] and summary.as_dict() == rep["summary"]
    assert _cli(capsys, "diff", a, b, "--format", "html", "--out", tmp_path / "d")[0] == 0
    assert [r["id"] for r in _rows(tmp_path / "d")] == [SEED0]
    page = (tmp_path / "d" / "pages" / "0001.html").read_text(encoding="utf-8")
    marked = {(m[0], m[1]) for m in re.findall(r'<span class="hl [^"]*(chg-old|chg-new)"[^>]*>([^<]*)</span>', page)}
    assert marked == {("chg-old", "rút kinh nghiệm"), ("chg-new", "học hỏi"), ("chg-old", "Sở GDĐT tỉnh Quảng Nam"),
                      ("chg-new", "Quảng Nam")}
    assert f'<del class="agid">{g["old_id"]}</del> → <ins class="agid">new-id</ins>' in page
    title = re.search(r"<title>(.*?)</title>", page).group(1)
    assert title == f"kyket diff — {tmp_path.name}/a.jsonl → {tmp_path.name}/b.jsonl"


def test_text_changes_at_the_ends():
    assert text_changes("một hai ba", "một hai ba bốn") == [
        {"old_span": [10, 10], "new_span": [11, 14], "old": "", "new": "bốn"}]
    assert text_changes("a  b", "a b") == [{"old_span": [0, 4], "new_span": [0, 3], "old": None, "new": None}]


def _verdict(ag, field, verdict, index=None, start=None, end=None, value=None):
    return {"article_id": SEED0, "agreement_id": ag["agreement_id"], "field": field, "index": index, "verdict": verdict,
            "start": start, "end": end, "value": value, "note": None, "at": "2026-12-02T10:00:00Z"}


def test_verdicts_are_checked_exported_and_become_gold(run, tmp_path):
    rec = read_records(run)[SEED0]
    ag = rec["agreements"][0]
    text = rec["text"]
    s = text.index("Sở GDĐT tỉnh Quảng Nam") + len("Sở GDĐT tỉnh ")
    fixed = _verdict(ag, "location", "fixed", start=s, end=s + 9, value="Quảng Nam")
    with pytest.raises(ValueError, match="the value is not the text at"):
        check(dict(fixed, value="Quảng Ngãi"), rec)
    with pytest.raises(ValueError, match="no item 99 in the record"):
        check(_verdict(ag, "parties", "wrong", index=99), rec)
    with pytest.raises(ValueError, match="no such agreement"):
        check(dict(fixed, agreement_id="nope"), rec)
    p0 = ag["parties"][0]
    verdicts = [fixed, _verdict(ag, "parties", "wrong", index=0, start=p0["start"], end=p0["end"], value=p0["name"]),
                _verdict(ag, "type", "fixed", value="cooperation_agreement"),
                dict(_verdict(ag, "location", "wrong"), at="2026-12-01T00:00:00Z"),  # older: the fix wins
                dict(_verdict(ag, "agreement", "wrong"), article_id="gone")]
    vfile = _jsonl(tmp_path / "verdicts.jsonl", verdicts)
    out = tmp_path / "ann.jsonl"
    n, problems = export(run, [str(vfile)], out)
    assert n == 3 and problems == [f"verdict on gone: no such article in {run.resolve()}; skipped"]
    anns = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert {(a["field"], a["verdict"], a["value"]) for a in anns} == {
        ("location", "fixed", "Quảng Nam"), ("parties", "wrong", p0["name"]), ("type", "fixed", "cooperation_agreement")}
    for a in anns:
        assert a["records"] == str(run.resolve()) and a["text_sha256"] == rec["text_sha256"]
        if a["verdict"] == "fixed" and a["start"] is not None:  # a fix is the text at its offsets
            assert text[a["start"]:a["end"]] == a["value"]
    golds, raws = load_extra(out)
    (g,) = golds[SEED0]["agreements"]
    assert g["optional"] is False and g["location"] == "Quảng Nam" and g["type"] == "cooperation_agreement"
    assert [p["name"] for p in g["parties"]] == [p["name"] for p in ag["parties"][1:]]
    assert g["evidence"] == ag["evidence"]["text"] and raws[0].data == text
    # an agreement nobody judged stays optional; one marked wrong is no agreement
    assert gold_from(rec, [])["agreements"][0]["optional"] is True
    assert gold_from(rec, [_verdict(ag, "agreement", "wrong")]) == {
        "id": SEED0, "is_signing_article": False, "agreements": [], "notes": "made from editors' verdicts (kyket review --export)"}


@needs_shared
def test_verdicts_teach_the_models(run, tmp_path, capsys):
    """records → a verdict (the agreement of seed 000 is not one) → export → train --extra → the
    run of that article follows the verdict, and eval --extra scores it as extra gold."""
    ag = read_records(run)["000_55cc4aec36ea11a4"]["agreements"][0]
    _jsonl(run.parent / "verdicts.jsonl", [_verdict(ag, "agreement", "wrong")])
    rc, err = _cli(capsys, "review", run, "--export", tmp_path / "ann.jsonl")
    assert rc == 0 and "1 annotations" in err
    (run.parent / "verdicts.jsonl").unlink()
    assert agreements_after_training(tmp_path, tmp_path / "ann.jsonl") == {"before": [ag["agreement_id"]], "after": []}
    # eval --extra scores the article against the verdict: the shipped models' agreement is a false positive
    gold, arts = tmp_path / "gold", tmp_path / "articles"
    rc = main(["eval", "--gold", str(gold), "--articles", str(arts), "--extra", str(tmp_path / "ann.jsonl"),
               "--json", str(tmp_path / "rep.json")])
    rep = json.loads((tmp_path / "rep.json").read_text(encoding="utf-8"))
    assert rc == 0 and rep["per_article"][SEED0]["gold_signed"] == 0 and rep["per_article"][SEED0]["unpaired"] == 1


def agreements_after_training(tmp_path: Path, annotations: Path) -> dict[str, list[str]]:
    """The agreement ids a run finds in the (one) annotated article with models trained on 40
    labelled dev articles (seed 000 among them, gold: signed) — before: without the
    annotations; after: `kyket train --extra` with them."""
    from pipeline import models
    from pipeline.runner import process_article

    gold, arts = tmp_path / "gold", tmp_path / "articles"
    gold.mkdir(exist_ok=True)
    arts.mkdir(exist_ok=True)
    for p in sorted((SHARED / "dev" / "gold").glob("*.json"))[:40]:
        shutil.copy(p, gold / p.name)
        shutil.copy(SHARED / "dev" / "articles" / f"{p.stem}.txt", arts / f"{p.stem}.txt")
    assert (gold / f"{SEED0}.json").exists()  # its gold says signed: the verdict overrides it
    base = ["train", "--gold", str(gold), "--articles", str(arts), "--out"]
    assert main([*base, str(tmp_path / "before")]) == 0
    assert main([*base, str(tmp_path / "after"), "--extra", str(annotations)]) == 0
    _golds, (raw,) = load_extra(annotations)
    found = {}
    for name in ("before", "after"):
        fitted = {m: models.LinearModel.from_json(json.loads((tmp_path / name / f"{m}.json").read_text(encoding="utf-8")))
                  for m in ("mentions", "dates", "parties", "locations", "signers")}
        with models.use(fitted):
            found[name] = [a.agreement_id for a in process_article(raw).agreements]
    return found


def test_file_diff_streams_like_the_dict_diff_with_repeated_ids(tmp_path):
    def rec(aid, title):
        return {"schema_version": "1.2", "article_id": aid, "title": title, "text": "x", "status": "ok", "agreements": []}

    old = _jsonl(tmp_path / "o.jsonl", [rec("a", "1"), rec("b", "1"), rec("a", "2"), rec("c", "1"), rec("d", "1"),
                                        rec("d", "2")])
    new = _jsonl(tmp_path / "n.jsonl", [rec("c", "1"), rec("a", "2"), rec("e", "1")])
    summary = Summary()
    got = [(art["article_id"], art["state"], (a or {}).get("title")) for art, a, _b in iter_file_diff(old, new, summary)]
    # of a repeated id the last record counts, and an old-only one comes once, in file order
    assert got == [("c", "same", "1"), ("a", "same", "2"), ("e", "only_new", None), ("b", "only_old", "1"),
                   ("d", "only_old", "2")]
    assert summary.as_dict() == diff_records(read_records(old), read_records(new))["summary"]
