"""Events: agreements of many articles linked into signings (pipeline/linking.py).

The labelled test at the end scores linking against a hand-made gold of event clusters,
`tests/data/event_gold.jsonl` (stand-off: article id and agreement index or evidence offsets,
and a cluster label — no text):

- `set: dev` — all 530 agreements of the 441 labelled articles (../shared/dev/gold), each
  located by its index in its gold file. Linking runs on the gold agreements themselves
  (`mentions_from_gold`), so the figure measures linking apart from extraction.
- `set: bench35k` — 337 agreements extracted from ../shared/bench/baomoi-35k.jsonl.gz, each
  located by the offsets of its evidence in the record's text: every agreement the linker put
  in an event with another, the candidates of a looser blocking (any shared party key, no
  time limit, evidence words alike), and 70 drawn at random (seed 13). Here the extraction's
  own mistakes (dates taken from the article's dateline, parties missed or invented) are
  part of what is measured.

How the clusters were made: the linker's output was the starting proposal, then every
proposed event and every loose candidate pair was read (the evidence, and the article where
that was not enough) and split or merged by hand. An event is one signing occasion: the same
party set on the same day (a ceremony that signs several documents between the same parties
is one event; documents between other party sets at the same ceremony are events of their
own); a planned or referenced mention is in the event it announces or recalls; a wrong
extraction is grouped with the reports of the same happening.
"""
from __future__ import annotations

import datetime as dt
import gzip
import json
import random
from collections import defaultdict

import pytest

from pipeline.linking import (
    Mention,
    event_index,
    event_rows,
    link,
    mentions_from_gold,
    mentions_from_records,
    pairwise_scores,
    party_keys,
)
from tests.conftest import ROOT, SHARED, needs_shared

GOLD = ROOT / "tests" / "data" / "event_gold.jsonl"
BENCH = SHARED / "bench" / "baomoi-35k.jsonl.gz"


def m(mid, article, parties, date=None, status="signed", type="memorandum_of_understanding",
      evidence="hai bên đã ký kết biên bản ghi nhớ hợp tác", published=None, title=None, location=None):
    return Mention(mention_id=mid, article_id=article, status=status, type=type, parties=list(parties),
                   date_value=date, published=dt.date.fromisoformat(published) if published else None,
                   evidence=evidence, title=title, location=location)


# --- party keys -----------------------------------------------------------------------------

def test_a_country_its_government_capital_and_variants_share_one_key():
    us = {"Mỹ", "Hoa Kỳ", "Chính phủ Hoa Kỳ", "Tổng thống Mỹ", "Washington", "nước Mỹ"}
    assert all("c:US" in party_keys(n) for n in us)
    assert "c:SA" in party_keys("Ả-rập Xê-út") and "c:SA" in party_keys("Saudi Arabia")
    assert "c:BY" in party_keys("Chính phủ Balarus")  # one letter off a country's name
    assert party_keys("Chính phủ nước Cộng hòa Xã hội Chủ nghĩa Việt Nam") == frozenset({"c:VN"})
    # a Vietnamese city is the province, not the country it is the capital of
    assert party_keys("UBND thành phố Hà Nội") == party_keys("Hà Nội") and "c:VN" not in party_keys("Hà Nội")
    assert party_keys("UBND tỉnh Bà Rịa - Vũng Tàu") == party_keys("Bà Rịa-Vũng Tàu")
    assert not party_keys("Trung Quốc") & party_keys("Đài Loan")


def test_acronyms_and_organisation_heads_are_key_variants():
    assert "a:vnpt" in party_keys("Tập đoàn Bưu chính Viễn thông Việt Nam (VNPT)") & party_keys("VNPT")
    assert party_keys("Tập đoàn Hyosung") & party_keys("Hyosung Corporation") == {"n:hyosung"}
    assert party_keys("Sàn chứng khoán NASDAQ") & party_keys("Nasdaq") == {"a:nasdaq"}
    assert party_keys("Tập đoàn EDES Hoa Kỳ") & party_keys("Tập đoàn EDES (Mỹ)")  # a trailing country dropped
    # the full name stays the first key: two companies with the same head are not one party
    assert not party_keys("Công ty Cổ phần Sữa Việt Nam") & party_keys("Công ty Cổ phần Thép Việt Nam")
    assert not party_keys("Sở GDĐT tỉnh Quảng Nam") & party_keys("Quảng Nam")


# --- linking rules -------------------------------------------------------------------------

def test_reports_of_one_signing_form_one_event_and_other_days_do_not():
    ms = [m("a1", "A", ["Mỹ", "Qatar"], "2017-07-11"),
          m("b1", "B", ["Hoa Kỳ", "Qatar"], "--07-11"),
          m("c1", "C", ["Washington", "Doha"], "2017-07-11", type="other"),
          m("d1", "D", ["Mỹ", "Qatar"], "2017-06-14"),          # another signing between the same parties
          m("e1", "E", ["Mỹ", "Ả Rập Xê-út"], "2017-07-11")]    # another party set, same day
    ev = link(ms).event_of
    assert ev["a1"] == ev["b1"] == ev["c1"]
    assert len({ev["a1"], ev["d1"], ev["e1"]}) == 3


def test_window_of_publication_dates_when_the_signing_date_is_missing():
    ms = [m("a", "A", ["VNG", "NASDAQ"], published="2017-05-30"),
          m("b", "B", ["Công ty cổ phần VNG", "Sàn chứng khoán NASDAQ"], published="2017-06-05"),
          m("c", "C", ["VNG", "Nasdaq"], published="2017-09-30")]  # months later: not the same report
    ev = link(ms).event_of
    assert ev["a"] == ev["b"] != ev["c"]


def test_one_party_known_needs_the_day_and_the_same_words():
    ev = "Tập đoàn Hyosung đã ký kết biên bản ghi nhớ đầu tư nhà máy sản xuất polypropylene"
    ms = [m("a", "A", ["Hyosung", "tỉnh Bà Rịa - Vũng Tàu"], "--02-06", evidence=ev),
          m("b", "B", ["Hyosung"], "2017-02-06", evidence=ev + " tại tỉnh"),
          m("c", "C", ["Hyosung"], "2017-02-06", evidence="Hyosung ký hợp đồng tài trợ giải bóng đá thiếu niên")]
    out = link(ms).event_of
    assert out["a"] == out["b"] != out["c"]


def test_referenced_mentions_join_the_signing_they_recall():
    signed = m("s", "A", ["Việt Nam", "Lào"], "2017-02-08", type="cooperation_agreement",
               evidence="hai bên đã ký kết thỏa thuận về kế hoạch hợp tác năm 2017", published="2017-02-08")
    later = m("r", "B", ["Chính phủ Việt Nam", "Chính phủ Lào"], status="referenced", type="cooperation_agreement",
              evidence="thực hiện thỏa thuận về kế hoạch hợp tác năm 2017 đã ký", published="2017-05-02")
    old = m("o", "C", ["Việt Nam", "Lào"], "1977-07-18", status="referenced", type="other",
            evidence="kỷ niệm 40 năm ngày ký hiệp ước hữu nghị", published="2017-07-18")
    before = m("x", "D", ["Việt Nam", "Lào"], status="referenced", type="cooperation_agreement",
               evidence="thực hiện thỏa thuận về kế hoạch hợp tác năm 2017 đã ký", published="2017-01-05")
    linked = link([signed, later, old, before])
    ev = linked.event_of
    assert ev["r"] == ev["s"] and linked.rule_of["r"].startswith("referenced")
    assert ev["o"] != ev["s"] and ev["x"] != ev["s"]  # a past treaty; a "past" signing told before it happened


def test_a_background_mention_dated_by_its_article_keeps_the_year_it_names():
    visit = m("v", "A", ["Việt Nam", "Hoa Kỳ"], "--05-31", type="trade_agreement",
              evidence="hai bên đã ký kết các thỏa thuận thương mại trong chuyến thăm")
    bta = m("b", "B", ["Việt Nam", "Mỹ"], "--05-31", status="referenced", type="trade_agreement",
            evidence="kể từ khi hai bên ký kết hiệp định thương mại song phương năm 2001")
    same_day = m("r", "C", ["Việt Nam", "Mỹ"], "--05-31", status="referenced", type="trade_agreement",
                 evidence="hai bên đã ký kết các thỏa thuận thương mại trong chuyến thăm này")
    linked = link([visit, bta, same_day])
    assert linked.event_of["r"] == linked.event_of["v"] != linked.event_of["b"]
    assert bta.date_value == "--05-31" and bta.when == "2001"  # the record's value is kept for the tables


def test_one_article_telling_a_signing_and_a_plan_tells_two_and_chains_cannot_join_two_days():
    ms = [m("a", "A", ["Việt Nam", "Lào"], "--02-08"),
          m("b", "A", ["Việt Nam", "Lào"], "--02-08", status="planned"),
          # b2 would link to both c (same day) and d (window); c and d are different days
          m("c", "C", ["Nhật Bản", "Nga"], "2017-02-07"),
          m("d", "D", ["Nhật Bản", "Nga"], "2017-02-09"),
          m("e", "E", ["Nhật Bản", "Nga"], published="2017-02-08")]
    ev = link(ms).event_of
    assert ev["a"] != ev["b"]
    assert ev["c"] != ev["d"] and ev["e"] in (ev["c"], ev["d"])


def test_every_mention_is_in_exactly_one_event_and_ids_do_not_depend_on_order_or_rerun():
    rng = random.Random(7)
    ms = []
    for i in range(60):  # 20 signings, 3 reports each, and unrelated ones
        day = f"2017-{1 + i // 20:02d}-{1 + i % 20:02d}"
        ms += [m(f"{i}-{k}", f"art{i}-{k}", [f"Công ty Alpha{i}", f"Tập đoàn Beta{i}"], day if k else None,
                 published=day) for k in range(3)]
    first = link(ms).event_of
    for _ in range(3):
        again = [Mention(**{f: getattr(x, f) for f in ("mention_id", "article_id", "status", "type", "parties",
                                                       "date_value", "published", "evidence")}) for x in ms]
        rng.shuffle(again)
        assert link(again).event_of == first
    assert set(first) == {x.mention_id for x in ms}
    events = defaultdict(set)
    for mid, eid in first.items():
        events[eid].add(mid.split("-")[0])
    assert len(events) == 60 and all(len(v) == 1 for v in events.values())
    assert all(eid.startswith("ev_") and len(eid) == 19 for eid in first.values())


def test_blocking_compares_only_mentions_that_share_a_party_key_and_a_time():
    ms = [m(f"x{i}", f"a{i}", [f"Công ty Gamma{i}", f"Tập đoàn Delta{i}"], "2017-05-01") for i in range(300)]
    assert link(ms).pairs_compared == 0
    # 100 copies of one report (a syndicated story): one comparison-free node, one event
    copies = [m(f"c{i}", f"copy{i}", ["Mỹ", "Qatar"], "2017-07-11") for i in range(100)]
    linked = link(copies)
    assert linked.pairs_compared == 0 and len(set(linked.event_of.values())) == 1
    assert {linked.rule_of[f"c{i}"] for i in range(1, 100)} == {"same_signature"}


def test_event_rows_carry_best_values_and_counts():
    ms = [m("a", "A", ["Mỹ", "Ả Rập Xê-út"], "2017-05-20", type="contract", published="2017-05-20",
            location="Riyadh"),
          m("b", "B", ["Hoa Kỳ", "Saudi Arabia"], "2017-05-20", type="contract", published="2017-05-21",
            location="Riyadh"),
          m("c", "C", ["Mỹ", "Saudi Arabia", "GE"], "--05-20", type="other", published="2017-05-22",
            title="Thỏa thuận vũ khí")]
    for x, site in zip(ms, ("vnexpress.net", "vnexpress.net", "tuoitre.vn"), strict=True):
        x.site = site
    rows = event_rows(link(ms))
    (ev,) = rows["events"]
    assert ev["mention_count"] == 3 and ev["article_count"] == 3 and ev["outlet_count"] == 2
    assert ev["date_value"] == "2017-05-20" and ev["date"] == dt.date(2017, 5, 20) and ev["date_agreement_id"] == "a"
    assert ev["type"] == "contract" and ev["type_agreement_id"] == "a"
    assert ev["parties"] == ["Mỹ", "Ả Rập Xê-út"] and ev["parties_agreement_id"] == "a"  # the set most reports share
    assert ev["party_keys"] == ["c:SA", "c:US"]
    assert ev["location"] == "Riyadh" and ev["title"] == "Thỏa thuận vũ khí" and ev["title_agreement_id"] == "c"
    assert ev["first_reported"] == dt.date(2017, 5, 20) and ev["last_reported"] == dt.date(2017, 5, 22)
    assert ev["status"] == "signed" and ev["first_article_id"] == "A"
    assert sorted(r["agreement_id"] for r in rows["event_mentions"]) == ["a", "b", "c"]
    assert {r["event_id"] for r in rows["event_mentions"]} == {ev["event_id"]}


def test_event_index_for_the_review_page(seed_records):
    recs = [json.loads(r.model_dump_json(by_alias=True)) for r in seed_records.values()]
    twice = recs + [dict(r, article_id=r["article_id"] + "-copy",
                         agreements=[dict(a, agreement_id=a["agreement_id"] + "c") for a in r["agreements"]])
                    for r in recs]
    index = event_index(twice)
    ags = [a["agreement_id"] for r in recs for a in r["agreements"]]
    assert len(ags) == 4 and set(index) == set(ags) | {a + "c" for a in ags}
    assert all(index[a] == index[a + "c"] for a in ags)  # each seed signing and its copy: one event
    assert len({index[a] for a in ags}) == 4


# --- the labelled test ------------------------------------------------------------------------

def _gold(set_name: str) -> list[dict]:
    return [r for r in map(json.loads, GOLD.read_text(encoding="utf-8").splitlines()) if r["set"] == set_name]


def test_gold_file_is_stand_off_only():
    rows = [json.loads(x) for x in GOLD.read_text(encoding="utf-8").splitlines()]
    assert {r["set"] for r in rows} == {"dev", "bench35k"}
    assert len([r for r in rows if r["set"] == "bench35k"]) >= 200
    allowed = {"set", "article_id", "agreement", "evidence_start", "evidence_end", "event"}
    assert all(set(r) <= allowed for r in rows)


@needs_shared
def test_linking_the_dev_gold_agreements():
    gold_dir = SHARED / "dev" / "gold"
    gold = {f"{r['article_id']}:{r['agreement']}": r["event"] for r in _gold("dev")}
    mentions = []
    for path in sorted(gold_dir.glob("*.json")):
        mentions += mentions_from_gold(json.loads(path.read_text(encoding="utf-8")))
    assert {x.mention_id for x in mentions} == set(gold)  # the gold covers every gold agreement
    s = pairwise_scores(link(mentions).event_of, gold)
    print(f"\ndev gold agreements: pairwise P {s['precision']:.3f} R {s['recall']:.3f} "
          f"(tp {s['tp']} fp {s['fp']} fn {s['fn']}; {s['mentions']} agreements, {s['gold_events']} events)")
    assert s["precision"] >= 0.98 and s["recall"] >= 0.87  # measured 0.988 / 0.873
    # the named multi-article events are each one event
    ev = link(mentions).event_of
    for ids in (["baomoi-22246466:0", "baomoi-22247228:0", "baomoi-22255850:0"],   # Việt Nam–Trung Quốc, 11 May
                ["baomoi-22328718:0", "baomoi-22329792:0", "baomoi-22330668:0"],   # Mỹ–Ả Rập Xê-út, 20 May
                ["baomoi-22407033:0", "baomoi-22407167:0", "baomoi-22409119:0", "baomoi-22417541:0"],  # NASDAQ–VNG
                ["baomoi-21474023:0", "baomoi-21478595:0", "baomoi-21480586:0"],   # Hyosung – Bà Rịa-Vũng Tàu
                ["baomoi-21490888:0", "baomoi-21492049:0", "baomoi-21494279:0"],   # 39th Việt Nam–Lào session
                ["baomoi-22731354:0", "baomoi-22736594:0"]):                       # Mỹ–Qatar, 11 July
        assert len({ev[i] for i in ids}) == 1, ids


@pytest.mark.skipif(not BENCH.is_file(), reason=f"{BENCH} is absent: the bench gold needs the corpus")
def test_linking_the_bench_sample(tmp_path):
    from pipeline.batch import run_batch

    rows = _gold("bench35k")
    ids = {r["article_id"] for r in rows}
    sample = tmp_path / "sample.jsonl"
    with gzip.open(BENCH, "rt", encoding="utf-8") as src, sample.open("w", encoding="utf-8") as dst:
        for line in src:
            if json.loads(line)["id"] in ids:
                dst.write(line)
    run_batch([str(sample)], tmp_path / "out", workers=2, quiet=True)
    recs = [json.loads(x) for x in (tmp_path / "out" / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    by_span = {(r["article_id"], a["evidence"]["start"], a["evidence"]["end"]): a["agreement_id"]
               for r in recs for a in r["agreements"]}
    keys = [(r["article_id"], r["evidence_start"], r["evidence_end"]) for r in rows]
    gold = {by_span[k]: r["event"] for k, r in zip(keys, rows, strict=True) if k in by_span}
    # the gold was read on the records of an earlier release; a later extraction drops some:
    # 46 of 337 today — 15 of them one official signing a document, decree or will (no
    # signings since the single-signer filters), 18 more since the mention model learnt from
    # the bench annotations (player contracts, a paper signed in a fraud or court story, "sẽ
    # không … ký": none of them a signing), 10 regrouped under another evidence sentence, 3
    # lost before
    assert len(gold) >= 0.85 * len(rows), f"only {len(gold)} of {len(rows)} gold agreements extracted again"
    s = pairwise_scores(link(mentions_from_records(recs)).event_of, gold)
    print(f"\nbench sample (extracted agreements): pairwise P {s['precision']:.3f} R {s['recall']:.3f} "
          f"(tp {s['tp']} fp {s['fp']} fn {s['fn']}; {s['mentions']} of {len(rows)} gold agreements found, "
          f"{s['gold_events']} events)")
    # measured 0.810 / 0.445 on the extraction the gold was read on, 0.870 / 0.429 on main's of 2 Dec
    assert s["precision"] >= 0.78 and s["recall"] >= 0.42

