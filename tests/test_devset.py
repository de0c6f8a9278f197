"""Dev-set floor on honest figures: 5-fold cross-validation by article over the 441 labelled
articles (every trained part retrained on four folds, the fifth scored), pooled — the same
figures as `kyket eval --cv 5`. The floors sit just under what the code reaches today and
rise with it; the accuracy issue's targets are the end point (README "Evaluation")."""
import pytest

from tests.conftest import SHARED, needs_shared

FLOOR = {
    "detection": 0.94, "agreements": 0.83, "parties": 0.78, "signatories": 0.74,
    "clauses": 0.70, "relations": 0.80,
}
ACC_FLOOR = {"date": 0.86, "status": 0.88, "location": 0.69, "type": 0.86, "period": 0.90,
             "part_of_day": 0.92, "boilerplate": 0.98, "article_title": 0.99, "authors": 0.95,
             "published_at": 0.97}


@pytest.fixture(scope="module")
def cv():
    from pipeline import annotations
    from pipeline.evaluate import score
    from pipeline.train import cross_validate

    # the shipped models are trained with the repository's signing annotations: so are the folds'
    records, golds = cross_validate(SHARED / "dev" / "gold", SHARED / "dev" / "articles", k=5,
                                    annotations=annotations.default_path(), shared=SHARED)
    return records, score(records, golds)


@needs_shared
@pytest.mark.parametrize("metric", sorted(FLOOR))
def test_cv_f1_floor(cv, metric):
    _records, report = cv
    assert report[metric]["f1"] >= FLOOR[metric], report[metric]


@needs_shared
@pytest.mark.parametrize("field", sorted(ACC_FLOOR))
def test_cv_accuracy_floor(cv, field):
    _records, report = cv
    assert report[field]["accuracy"] >= ACC_FLOOR[field], report[field]


@needs_shared
def test_cv_detection_precision(cv):
    _records, report = cv
    assert report["articles"] == 441
    assert report["detection"]["precision"] >= 0.92, report["detection"]


@needs_shared
def test_every_cv_span_slices_text(cv):
    records, _report = cv
    n = 0
    for rec in records.values():
        assert rec.status == "ok", rec.errors
        for a in rec.agreements:
            spans = [a.evidence, a.title, a.date, a.location, *a.clauses]
            for obj in spans:
                if obj is not None:
                    assert rec.text[obj.start:obj.end] == obj.text
                    n += 1
            for p in a.parties:
                assert p.start < p.end <= len(rec.text)
            for s in a.signatories:
                assert rec.text[s.start:s.end] == s.name
    assert n > 300
