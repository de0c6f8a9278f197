"""The trained parts: fitting, shipping, loading, and separating examples they never saw."""
import json
from collections import Counter

import pytest

from pipeline import models
from tests.conftest import SHARED, needs_shared


def _toy(n=60):
    data = []
    for i in range(n):
        data.append(({"bias": 1.0, "doc=contract": 1.0, f"w{i % 7}": 1.0}, "signed"))
        data.append(({"bias": 1.0, "negated": 1.0, f"w{i % 5}": 1.0}, "none"))
    return data


def test_fit_is_deterministic_and_round_trips(tmp_path):
    a = models.fit("toy", _toy())
    b = models.fit("toy", _toy())
    assert a.to_json() == b.to_json()
    path = models.save(a, tmp_path)
    loaded = models.LinearModel.from_json(json.loads(path.read_text(encoding="utf-8")))
    x = {"bias": 1.0, "doc=contract": 1.0}
    assert loaded.scores(x) == pytest.approx(a.scores(x))
    assert a.scores(x)["signed"] > 0.9
    assert a.scores({"bias": 1.0, "negated": 1.0})["none"] > 0.9


def test_multiclass_probabilities_sum_to_one():
    data = _toy() + [({"bias": 1.0, "sẽ": 1.0}, "planned")] * 30
    m = models.fit("toy3", data)
    p = m.scores({"bias": 1.0, "sẽ": 1.0})
    assert sum(p.values()) == pytest.approx(1.0)
    assert max(p, key=p.get) == "planned"


def test_use_overrides_and_disable_falls_back(monkeypatch):
    toy = models.fit("mentions", _toy())
    with models.use({"mentions": toy}):
        assert models.get("mentions") is toy
        with models.use({"mentions": None}):
            assert models.get("mentions") is None
        assert models.get("mentions") is toy
    from pipeline import config

    monkeypatch.setattr(config, "DISABLED", {"mentions.model"})
    assert models.get("mentions") is None


def test_shipped_models_are_small_and_load():
    files = sorted(models.MODEL_DIR.glob("*.json"))
    assert {p.stem for p in files} >= {"mentions", "parties", "dates", "locations", "signers", "clauses"}
    assert sum(p.stat().st_size for p in files) < 20 * 2**20
    m = models.get("mentions")
    assert m is not None and set(m.classes) == {"none", "signed", "planned", "referenced"}


@pytest.fixture(scope="module")
def dev_examples():
    from pipeline.evaluate import load_golds
    from pipeline.ingest import read_articles
    from pipeline.train import collect

    golds = load_golds(SHARED / "dev" / "gold")
    return collect(read_articles([SHARED / "dev" / "articles"]), golds)


@needs_shared
@pytest.mark.parametrize(("name", "negative", "margin"), [("mentions", "none", 0.15), ("parties", "no", 0.15),
                                                          ("dates", "no", 0.05), ("locations", "no", 0.02)])
def test_trained_part_separates_held_out_articles(dev_examples, name, negative, margin):
    """Trained on four fifths of the labelled articles, each part tells its positive examples
    from the rest on the fifth, which it never saw, better than the majority class."""
    from pipeline.train import TRAINERS, fit_all, folds

    assert name in {t.name for t in TRAINERS}
    held = set(folds(dev_examples.keys(), 5)[0])
    model = fit_all(dev_examples, [a for a in dev_examples if a not in held])[name]
    test = [x for a in sorted(held) for x in dev_examples[a][name]]
    assert len(test) > 50 and len({y for _f, y in test}) >= 2
    truth = [y != negative for _f, y in test]
    pred = [model.scores(f)[negative] < 0.5 for f, _y in test]
    acc = sum(p == t for p, t in zip(pred, truth, strict=True)) / len(test)
    majority = max(sum(truth), len(truth) - sum(truth)) / len(truth)
    assert acc >= majority + margin, (acc, majority)


@needs_shared
def test_signer_model_tells_roles_apart_on_articles_it_never_saw(dev_examples):
    """Each fold's people (signatory, witness or neither) judged by a model trained on the
    other four: pooled over the five folds, right more often than the majority role and
    than the rules' own role (the `rule=` feature alone), and it finds signatories."""
    from pipeline.train import fit_all, folds

    right = rules_right = 0
    test = []
    for part in folds(dev_examples.keys(), 5):
        held = set(part)
        model = fit_all(dev_examples, [a for a in dev_examples if a not in held])["signers"]
        for a in sorted(held):
            for feats, y in dev_examples[a]["signers"]:
                scores = model.scores(feats)
                guess = max(scores, key=scores.get)
                rule = next(k for k in feats if k.startswith("rule="))[5:]
                right += guess == y
                rules_right += (rule if rule != "None" else "none") == y
                test.append((guess, y))
    assert len(test) > 100 and {"signatory", "witness", "none"} <= {y for _g, y in test}
    majority = max(sum(y == c for _g, y in test) for c in ("signatory", "witness", "none"))
    assert right >= majority + 0.1 * len(test), (right, majority, len(test))
    assert right > rules_right, (right, rules_right)
    found = sum(g == y == "signatory" for g, y in test)
    assert found >= 0.6 * sum(y == "signatory" for _g, y in test)


@needs_shared
def test_clause_model_picks_terms_better_than_the_rules_on_articles_it_never_saw(dev_examples):
    """The prose sentences after each signing, judged by a model trained on the other four
    folds: pooled over the five, its clauses match the gold ones (F1) better than the rules'
    own choice (the `rule` feature), by precision, without losing most of their recall."""
    from pipeline.assemble import CLAUSE_THRESHOLD
    from pipeline.train import fit_all, folds

    model_c = Counter()
    rule_c = Counter()
    for part in folds(dev_examples.keys(), 5):
        held = set(part)
        model = fit_all(dev_examples, [a for a in dev_examples if a not in held])["clauses"]
        for a in sorted(held):
            for feats, y in dev_examples[a]["clauses"]:
                for c, said in ((model_c, model.scores(feats)["yes"] >= CLAUSE_THRESHOLD), (rule_c, bool(feats.get("rule")))):
                    c["tp" if said and y == "yes" else "fp" if said else "fn" if y == "yes" else "tn"] += 1

    def f1(c):
        return 2 * c["tp"] / (2 * c["tp"] + c["fp"] + c["fn"])

    assert model_c["tp"] + model_c["fn"] > 100 and model_c["tn"] > 300
    assert f1(model_c) >= f1(rule_c) + 0.05, (model_c, rule_c)
    assert model_c["fp"] < 0.6 * rule_c["fp"] and model_c["tp"] >= 0.8 * rule_c["tp"], (model_c, rule_c)
