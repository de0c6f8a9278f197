"""Stand-off signing annotations: read, checked against their corpus, used for training."""
from __future__ import annotations

import json

import pytest

from pipeline import annotations
from pipeline.ingest import RawArticle
from tests.conftest import SHARED, needs_shared

TEXT = ("Sáng 27/6, tại Hà Nội, hai bên đã hội đàm.\n"
        "Sau hội đàm, Bộ Công Thương và Tập đoàn ABC đã ký kết biên bản ghi nhớ hợp tác.\n")


def _corpus(tmp_path, text=TEXT):
    root = tmp_path / "shared"
    (root / "bench").mkdir(parents=True)
    (root / "bench" / "c.jsonl").write_text(json.dumps({"id": "a1", "text": text}, ensure_ascii=False) + "\n",
                                            encoding="utf-8")
    return root


def _line(**kw):
    s = TEXT.index("Sau hội đàm")
    a = {"article_id": "a1", "corpus": "bench/c.jsonl", "content_sha256": RawArticle("a1", TEXT).content_sha256(),
         "evidence": [s, TEXT.index("\n", s)], "status": "signed", "date": "--06-27"}
    a.update(kw)
    return json.dumps(a, ensure_ascii=False)


def test_load_makes_a_gold_from_offsets_and_the_corpus_text(tmp_path):
    root = _corpus(tmp_path)
    f = tmp_path / "a.jsonl"
    f.write_text(_line() + "\n" + _line(status="not_agreement", date=None, evidence=[0, 10]) + "\n", encoding="utf-8")
    golds, raws = annotations.load(f, root)
    assert [r.article_id for r in raws] == ["a1"]
    g = golds["a1"]
    # the signed one carries its sentence and date; the not_agreement line is a `none` mention
    assert g["agreements"] == [
        {"status": "signed", "optional": False, "date": "--06-27",
         "evidence": "Sau hội đàm, Bộ Công Thương và Tập đoàn ABC đã ký kết biên bản ghi nhớ hợp tác."},
        {"status": "none", "optional": False, "date": None, "evidence": "Sáng 27/6,"}]
    assert g["_trains"] == ["dates", "mentions"]


def test_an_annotated_article_labels_only_its_judged_sentences(tmp_path):
    """The mention trainer labels a candidate of an annotated article by the annotation of its
    sentence, and leaves the article's other candidates unlabelled (nobody judged them)."""
    from extractors import events
    from pipeline.runner import prepare_document
    from pipeline.train import mention_examples

    text = TEXT + "Năm 2015, hai bên đã ký hợp đồng mua bán điện.\n"
    root = _corpus(tmp_path, text)
    f = tmp_path / "a.jsonl"
    s = text.index("Sau hội đàm")
    f.write_text(_line(content_sha256=RawArticle("a1", text).content_sha256(), evidence=[s, text.index("\n", s)]) + "\n",
                 encoding="utf-8")
    golds, raws = annotations.load(f, root)
    doc = prepare_document(raws[0])
    assert len(events.candidates(doc)) == 2  # the 2015 signing is a candidate too, but unjudged
    assert [y for _f, y in mention_examples(doc, golds["a1"])] == ["signed"]


def test_a_changed_corpus_text_is_refused(tmp_path):
    root = _corpus(tmp_path, TEXT.replace("27/6", "28/6"))
    f = tmp_path / "a.jsonl"
    f.write_text(_line() + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not the one annotated"):
        annotations.load(f, root)


@pytest.mark.parametrize("bad, message", [
    ({"text": "Sau hội đàm"}, "unknown keys text"),
    ({"evidence": [5, 2]}, "evidence must be"),
    ({"status": "maybe"}, "unknown status"),
])
def test_bad_lines_are_named(tmp_path, bad, message):
    f = tmp_path / "a.jsonl"
    f.write_text(_line(**bad) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        annotations.read(f)


def test_a_missing_corpus_is_one_sentence(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_text(_line() + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="does not exist"):
        annotations.load(f, tmp_path / "nowhere")


def test_cli_train_names_a_missing_annotations_file(tmp_path, capsys):
    from pipeline.cli import main

    gold, arts = tmp_path / "gold", tmp_path / "articles"
    gold.mkdir()
    arts.mkdir()
    (gold / "a1.json").write_text(json.dumps({"agreements": []}), encoding="utf-8")
    (arts / "a1.txt").write_text(TEXT, encoding="utf-8")
    rc = main(["train", "--gold", str(gold), "--articles", str(arts), "--out", str(tmp_path / "m"),
               "--annotations", str(tmp_path / "no.jsonl")])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.strip() == (f"kyket train: {tmp_path / 'no.jsonl'} does not exist (an annotations file of signings, "
                           "one JSON object a line)")
    assert not (tmp_path / "m").exists()


def test_cli_trains_without_the_repository_annotations_when_their_corpus_is_elsewhere(tmp_path, capsys):
    """A gold folder outside ../shared: the default annotations cannot be read, which is said
    in one line, and training goes on with the gold alone (here it stops at the one-class data)."""
    from pipeline.cli import main

    gold, arts = tmp_path / "g" / "gold", tmp_path / "g" / "articles"
    gold.mkdir(parents=True)
    arts.mkdir()
    (gold / "a1.json").write_text(json.dumps({"agreements": []}), encoding="utf-8")
    (arts / "a1.txt").write_text(TEXT, encoding="utf-8")
    rc = main(["train", "--gold", str(gold), "--articles", str(arts), "--out", str(tmp_path / "m")])
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0] == (f"kyket train: training without the repository's signing annotations "
                        f"({tmp_path / 'bench' / 'baomoi-35k.jsonl.gz'} is absent; give --shared DIR)")
    assert rc == 2 and "one class only" in lines[1]


def test_the_repository_annotations_hold_no_text():
    path = annotations.default_path()
    assert path is not None, "data/annotations/signings.jsonl is missing"
    anns = annotations.read(path)
    assert len(anns) >= 200
    assert all(set(a) == annotations._KEYS for a in anns)
    assert sum(a["status"] == "signed" and a["date"] is not None for a in anns) >= 50


@needs_shared
def test_every_repository_annotation_finds_its_sentence_in_the_prepared_article():
    """Each annotated signing's evidence (offsets into the bench text) is a sentence of the
    article as the pipeline prepares it, so the date trainer sees it; none is a dev article."""
    from pipeline.evaluate import load_golds
    from pipeline.runner import prepare_document
    from pipeline.train import _evidence_spans

    golds, raws = annotations.load(annotations.default_path(), SHARED)
    assert not set(golds) & set(load_golds(SHARED / "dev" / "gold"))
    missing = []
    for raw in raws:
        doc = prepare_document(raw)
        found = len(_evidence_spans(doc.text, golds[raw.article_id]))
        if found != len(golds[raw.article_id]["agreements"]):
            missing.append(raw.article_id)
    assert not missing, missing


def test_the_shipped_date_model_learnt_from_the_annotations():
    """The dates model is trained on the labelled articles and the annotated ones (its
    `articles` count both); the other models on the labelled articles only."""
    from pipeline import models

    annotated = {a["article_id"] for a in annotations.read(annotations.default_path())}
    meta = {n: json.loads((models.MODEL_DIR / f"{n}.json").read_text(encoding="utf-8"))["meta"]
            for n in ("dates", "parties")}
    assert meta["dates"]["articles"] == meta["parties"]["articles"] + len(annotated)
