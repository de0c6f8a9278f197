"""Trained decision models: small linear classifiers over named features.

A model is a multinomial (or binary) logistic regression fitted with scikit-learn on
feature dicts (`{"w-1=ký": 1.0, "doc=memorandum": 1.0, …}`) and shipped as a JSON file under
`extractors/models/` — feature → weight per class, plus intercepts. Scoring needs no
scikit-learn: a dot product over the features a candidate has. Models load lazily, once per
process (`get`); `use` swaps in other models for a block (cross-validation trains one set
per fold and scores the held-out fold with it).

`kyket train` rebuilds every model from the labelled articles (pipeline/train.py).
"""
from __future__ import annotations

import contextvars
import json
import math
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline import config

MODEL_DIR = Path(__file__).resolve().parents[1] / "extractors" / "models"


@dataclass
class LinearModel:
    name: str
    classes: list[str]
    # feature -> one weight per class (binary models: one weight, for classes[1])
    weights: dict[str, list[float]]
    intercept: list[float]
    meta: dict

    def scores(self, feats: dict[str, float]) -> dict[str, float]:
        """Class probabilities for one candidate's features."""
        k = len(self.intercept)
        z = list(self.intercept)
        for f, v in feats.items():
            w = self.weights.get(f)
            if w is not None:
                for i in range(k):
                    z[i] += w[i] * v
        if k == 1:  # binary: the weight vector scores classes[1]
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z[0]))))
            return {self.classes[0]: 1.0 - p, self.classes[1]: p}
        top = max(z)
        ex = [math.exp(x - top) for x in z]
        s = sum(ex)
        return {c: e / s for c, e in zip(self.classes, ex, strict=True)}

    def to_json(self) -> dict:
        return {"name": self.name, "classes": self.classes, "intercept": self.intercept,
                "meta": self.meta, "weights": self.weights}

    @classmethod
    def from_json(cls, d: dict) -> LinearModel:
        return cls(d["name"], d["classes"], d["weights"], d["intercept"], d.get("meta", {}))


def fit(name: str, examples: list[tuple[dict[str, float], str]], c: float = 1.0,
        class_weight: str | None = "balanced", meta: dict | None = None) -> LinearModel:
    """Fit a logistic regression on (features, label) pairs; deterministic (fixed solver, no
    shuffling). Needs scikit-learn (a training-time dependency only)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    feats = [f for f, _y in examples]
    labels = [y for _f, y in examples]
    classes = sorted(set(labels))
    if len(classes) < 2:
        raise ValueError(f"model {name}: training data has one class only ({classes})")
    vec = DictVectorizer(sparse=True)
    x = vec.fit_transform(feats)
    clf = LogisticRegression(C=c, class_weight=class_weight, max_iter=2000, solver="lbfgs")
    clf.fit(x, labels)
    names = vec.get_feature_names_out()
    coef = clf.coef_
    weights: dict[str, list[float]] = {}
    for j, fname in enumerate(names):
        col = [round(float(coef[i, j]), 5) for i in range(coef.shape[0])]
        if any(abs(w) >= 1e-4 for w in col):
            weights[str(fname)] = col
    info = {"examples": len(examples), "features": len(weights), "C": c,
            "counts": {k: labels.count(k) for k in classes}}
    info.update(meta or {})
    return LinearModel(name, [str(k) for k in clf.classes_], weights,
                       [round(float(b), 5) for b in clf.intercept_], info)


def save(model: LinearModel, directory: Path = MODEL_DIR) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{model.name}.json"
    data = model.to_json()
    data["weights"] = dict(sorted(data["weights"].items()))
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False) + "\n",
                    encoding="utf-8")
    return path


@cache
def _load(name: str) -> LinearModel | None:
    path = MODEL_DIR / f"{name}.json"
    if not path.exists():
        return None
    return LinearModel.from_json(json.loads(path.read_text(encoding="utf-8")))


_OVERRIDE: contextvars.ContextVar[dict[str, LinearModel | None] | None] = contextvars.ContextVar(
    "kyket_models", default=None)


def get(name: str) -> LinearModel | None:
    """The model `name`: the one `use` set for this block, else the shipped file (None when
    no model of that name ships: callers fall back to their rules)."""
    if f"{name}.model" in config.DISABLED:
        return None
    over = _OVERRIDE.get()
    if over is not None and name in over:
        return over[name]
    return _load(name)


@contextmanager
def use(models: dict[str, LinearModel | None]):
    """Score with `models` (name → model, None = no model) inside the block."""
    token = _OVERRIDE.set({**(_OVERRIDE.get() or {}), **models})
    try:
        yield
    finally:
        _OVERRIDE.reset(token)
