"""`kyket train` and `kyket eval --cv K`: the trained parts, rebuilt from labelled articles.

Each trained part names how to read its examples from one prepared article and its gold
(`TRAINERS`); training is deterministic (fixed solver, sorted inputs) and writes
`extractors/models/<name>.json`. Cross-validation splits the labelled articles by article
into K folds, retrains every part on K-1 of them and runs the whole pipeline on the held-out
fold with those models; the pooled records are scored like `kyket eval`.

Labels come from the gold files (../shared/dev/gold, GUIDELINES.md).
"""
from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from extractors import clauses as clauses_x
from extractors import events as events_x
from extractors.parties import extract_orgs
from extractors.people import extract_people
from pipeline import models
from pipeline.assemble import _settings, date_candidates, location_candidates, signer_candidates
from pipeline.document import Document
from pipeline.evaluate import _person_key, load_golds, party_matches, word_f1
from pipeline.grouping import party_candidates
from pipeline.ingest import RawArticle, read_articles
from pipeline.runner import prepare_document, process_article
from pipeline.textnorm import fold

Example = tuple[dict[str, float], str]


def _evidence_spans(text: str, gold: dict) -> list[tuple[int, int, dict]]:
    out = []
    for a in gold.get("agreements", []):
        ev = a.get("evidence") or ""
        i = text.find(ev) if ev else -1
        if i >= 0:
            out.append((i, i + len(ev), a))
    return out


_RANK = {"signed": 0, "planned": 1, "referenced": 2}


def mention_label(doc: Document, ev, gold: dict) -> str | None:
    """The gold label of a mention candidate: the status of the gold agreement whose evidence
    its sentence holds; `none` in an article without agreements, or for a candidate the rules
    would reject in an article with some; None (not used) when unsure — an optional agreement,
    or a second wording of a signing whose evidence is elsewhere."""
    s, e = ev.value.sentence
    hits = [a for a0, a1, a in _evidence_spans(doc.text, gold) if a0 < e and a1 > s]
    if hits:
        firm = [a for a in hits if not a.get("optional")]
        if not firm:
            return None
        return min((a["status"] for a in firm), key=lambda st: _RANK.get(st, 9))
    if "_trains" in gold:  # an annotated article: only its judged sentences are labelled
        return None
    if not gold.get("agreements"):
        return "none"
    if not events_x.rule_accepts(ev.value):
        return "none"
    # a further wording of a signing: its sentence names a party of a gold agreement
    sent = fold(doc.text[s:e])
    named = [a for a in gold["agreements"] if not a.get("optional") and any(
        len(n) > 2 and fold(n) in sent for p in a.get("parties", []) for n in [p["name"], *p.get("aliases", [])])]
    if named:
        return min((a["status"] for a in named), key=lambda st: _RANK.get(st, 9))
    return None


def mention_examples(doc: Document, gold: dict) -> list[Example]:
    out = []
    for ev in events_x.candidates(doc):
        y = mention_label(doc, ev, gold)
        if y is not None:
            out.append((events_x.features(doc, ev), y))
    return out


def _date_matches(pred: str | None, gold: str | None) -> bool:
    return pred == gold or (gold is not None and gold.startswith("--") and pred is not None and pred[-5:] == gold[-5:])


def _signed_settings(doc: Document, gold: dict):
    """(gold agreement, where) for each signed gold agreement: the setting its evidence
    sentence gives, as the assemble stage reads it for a mention there."""

    cands = events_x.candidates(doc)
    for a0, a1, a in _evidence_spans(doc.text, gold):
        if a["status"] != "signed" or a.get("optional"):
            continue
        inside = [ev for ev in cands if a0 <= ev.start < a1] or [ev for ev in cands if ev.value.sentence[0] <= a0 < ev.value.sentence[1]]
        if inside:
            yield a, _settings(doc, inside[:1])
            continue
        sent = next((x for x in doc.layer("sentences") if x.start <= a0 < x.end), None)
        if sent is not None:
            yield a, [((sent.start, sent.end), a0)]


def date_examples(doc: Document, gold: dict) -> list[Example]:
    """Every date of the article against each signed gold agreement: `yes` for the dates
    whose value is the gold date (all `no` when the gold has none)."""

    return [(feats, "yes" if _date_matches(value, a.get("date")) else "no")
            for a, where in _signed_settings(doc, gold)
            for _d, value, _ysrc, feats in date_candidates(doc, where)]


def location_examples(doc: Document, gold: dict) -> list[Example]:
    """Every "tại X" of the article against each signed gold agreement: `yes` when it is the
    gold location by the scorer's rule (word F1 ≥ 0.6)."""

    return [(feats, "yes" if a.get("location") and word_f1(sp.value, a["location"]) >= 0.6 else "no")
            for a, where in _signed_settings(doc, gold)
            for sp, feats in location_candidates(doc, where)]


def _analyse(doc: Document, s: int, e: int) -> None:
    """The organisations and people of sentence [s, e), added to the document's layers once,
    as the extract stage adds those of the sentences it analyses."""
    done = doc.meta.setdefault("_analysed", set())
    if (s, e) in done:
        return
    done.add((s, e))
    sent = next(x for x in doc.layer("sentences") if (x.start, x.end) == (s, e))
    doc.layers.setdefault("orgs", []).extend(extract_orgs(doc, sent))
    doc.layers.setdefault("people", []).extend(extract_people(doc, sent))


def party_examples(doc: Document, gold: dict) -> list[Example]:
    """The organisation candidates of each mention whose sentence holds a gold agreement's
    evidence: `yes` when the candidate is one of that agreement's parties."""

    spans = [(a0, a1, a) for a0, a1, a in _evidence_spans(doc.text, gold) if not a.get("optional") and a.get("parties")]
    if not spans:
        return []
    out = []
    for ev in events_x.candidates(doc):
        s, e = ev.value.sentence
        hits = [a for a0, a1, a in spans if a0 < e and a1 > s]
        if not hits or ev.value.anaphoric:
            continue
        _analyse(doc, s, e)
        for o, feats in party_candidates(doc, ev):
            pred = {"name": o.value.name, "canonical": o.value.canonical}
            yes = any(party_matches(pred, gp) for a in hits for gp in a["parties"])
            out.append((feats, "yes" if yes else "no"))
    return out


def signer_examples(doc: Document, gold: dict) -> list[Example]:
    """The people named in each signing mention inside a signed gold agreement's evidence (in
    an article with one signed agreement, in every signing mention: the lead's "Lễ ký …" names
    the signers as often as the sentence the gold quotes), labelled by that agreement:
    `signatory` or `witness` when the gold lists the name so (compared as the scorer compares
    names), else `none`. The parties the rules compare titles with are the sentence's
    organisations that are gold parties."""
    out = []
    cands = events_x.candidates(doc)
    signed = [(a0, a1, a) for a0, a1, a in _evidence_spans(doc.text, gold) if a["status"] == "signed" and not a.get("optional")]
    for a0, a1, a in signed:
        if len(signed) == 1:
            a0, a1 = 0, len(doc.text)  # the article's only signed agreement: every signing mention counts
        sig = {_person_key(x["name"]) for x in a.get("signatories") or []}
        wit = {_person_key(x["name"]) for x in a.get("witnesses") or []}
        for ev in cands:
            s, e = ev.value.sentence
            if not (a0 <= ev.start < a1) or not events_x.rule_accepts(ev.value):
                continue
            _analyse(doc, s, e)
            parties = [o for o in doc.layer("orgs") if s <= o.start < e and any(
                party_matches({"name": o.value.name, "canonical": o.value.canonical}, gp) for gp in a.get("parties") or [])]
            for p, _rule, feats in signer_candidates(doc, ev, parties):
                key = _person_key(p.value.name)
                out.append((feats, "signatory" if key in sig else ("witness" if key in wit else "none")))
    return out


def clause_examples(doc: Document, gold: dict) -> list[Example]:
    """The prose clause candidates after each signed gold agreement's evidence sentence, up
    to the next gold agreement's evidence: `yes` when a candidate is one of that agreement's
    gold clauses by the scorer's rule (word F1 ≥ 0.6). The signing sentences the rules skip
    are those of the mentions the rules accept; the parties, the gold ones."""
    spans = sorted(_evidence_spans(doc.text, gold), key=lambda x: x[0])
    sents = doc.layer("sentences")
    cands = events_x.candidates(doc)
    signing = {ev.value.sentence for ev in cands if events_x.rule_accepts(ev.value) and not ev.value.anaphoric}
    out = []
    for a0, _a1, a in spans:
        if a["status"] != "signed" or a.get("optional"):
            continue
        anchor = next((x for x in sents if x.start <= a0 < x.end), None)
        if anchor is None:
            continue
        hi = min((b0 for b0, _b1, b in spans if b0 > anchor.end), default=len(doc.text))
        names = [n for p in a.get("parties") or [] for n in [p["name"], *p.get("aliases", [])]]
        golds = a.get("clauses") or []
        for sp, feats in clauses_x.prose_candidates(doc, anchor.start, signing - {(anchor.start, anchor.end)}, names, until=hi):
            if sp.start >= hi:  # a ';'-part of the sentence the next evidence starts in
                break
            yes = any(word_f1(doc.text[sp.start:sp.end], g) >= 0.6 for g in golds)
            out.append((feats, "yes" if yes else "no"))
    return out


@dataclass(frozen=True)
class Trainer:
    name: str
    examples: Callable[[Document, dict], list[Example]]
    c: float
    class_weight: str | None = "balanced"


SIGNERS_C = 2.0

TRAINERS: tuple[Trainer, ...] = (
    Trainer("mentions", mention_examples, c=2.0, class_weight=None),
    Trainer("dates", date_examples, c=4.0, class_weight=None),  # 5-fold CV: 0.5 → 0.750, 2–16 → 0.767–0.784
    Trainer("parties", party_examples, c=0.5, class_weight=None),
    Trainer("locations", location_examples, c=0.5, class_weight=None),
    Trainer("signers", signer_examples, c=SIGNERS_C, class_weight=None),
    Trainer("clauses", clause_examples, c=1.0, class_weight=None),
)


def collect(raws: Iterable[RawArticle], golds: dict[str, dict]) -> dict[str, dict[str, list[Example]]]:
    """article id → trainer name → examples (an annotated article's gold names in `_trains`
    the parts its labels train; it has examples for those only)."""
    out: dict[str, dict[str, list[Example]]] = {}
    for raw in raws:
        gold = golds.get(raw.article_id)
        if gold is None:
            continue
        try:
            doc = prepare_document(raw)
        except Exception as exc:  # noqa: BLE001 — named with its article, then stop
            raise ValueError(f"labelled article {raw.article_id} cannot be read for training: {exc}") from exc
        trains = gold.get("_trains")
        out[raw.article_id] = {t.name: t.examples(doc, gold) for t in TRAINERS if trains is None or t.name in trains}
    return out


def fit_all(examples: dict[str, dict[str, list[Example]]], ids: Iterable[str]) -> dict[str, models.LinearModel]:
    ids = sorted(ids)
    fitted = {}
    for t in TRAINERS:
        mine = [aid for aid in ids if t.name in examples[aid]]  # an annotated article trains only some parts
        data = [x for aid in mine for x in examples[aid][t.name]]
        fitted[t.name] = models.fit(t.name, data, c=t.c, class_weight=t.class_weight, meta={"articles": len(mine)})
    return fitted


def _annotated(annotations: Path | None, gold_dir: Path, shared: Path | None) -> tuple[dict[str, dict], list[RawArticle]]:
    """The stand-off signing annotations' golds and articles (none without a file); their
    corpus is read under `shared` (default: `annotations.shared_root` of the gold folder)."""
    if annotations is None:
        return {}, []
    from pipeline import annotations as annotations_x

    return annotations_x.load(annotations, shared if shared is not None else annotations_x.shared_root(gold_dir))


def train(gold_dir: Path, articles_dir: Path, out_dir: Path = models.MODEL_DIR,
          extra: Path | None = None, annotations: Path | None = None,
          shared: Path | None = None) -> dict[str, models.LinearModel]:
    """`extra`: an annotations file of `kyket review --export`; its articles (text from the
    run's records) are labelled articles too, their gold made from the verdicts.
    `annotations`: a file of stand-off signing annotations (pipeline/annotations.py), whose
    articles train the parts they label."""
    golds = load_golds(gold_dir)
    ann_golds, ann_raws = _annotated(annotations, gold_dir, shared)
    ann_raws = [r for r in ann_raws if r.article_id not in golds]  # a labelled article's gold file wins
    raws: Iterable[RawArticle] = chain(read_articles([articles_dir]), ann_raws)
    golds = {**ann_golds, **golds}
    if extra is not None:
        from pipeline.verdicts import load_extra

        extra_golds, extra_raws = load_extra(extra)
        golds = {**golds, **extra_golds}
        raws = chain((r for r in raws if r.article_id not in extra_golds), extra_raws)
    examples = collect(raws, golds)
    fitted = fit_all(examples, examples.keys())
    for m in fitted.values():
        models.save(m, out_dir)
    return fitted


def folds(ids: Iterable[str], k: int, seed: int = 13) -> list[list[str]]:
    """K folds of article ids, deterministic for a given set of ids."""
    order = sorted(ids)
    random.Random(seed).shuffle(order)
    return [sorted(order[i::k]) for i in range(k)]


def cross_validate(gold_dir: Path, articles_dir: Path, k: int = 5,
                   disabled: Iterable[str] = (), annotations: Path | None = None,
                   shared: Path | None = None) -> tuple[dict, dict]:
    """Records of every labelled article, each processed with models trained on the other
    folds only, and the golds: score them with `evaluate.score` (pooled figures). `disabled`
    names trained parts to leave out (their rules decide). The articles of `annotations`
    join every fold's training and are never scored."""
    runs, golds = repeated_cross_validation(gold_dir, articles_dir, k, 1, disabled, annotations, shared)
    return runs[0], golds


def repeated_cross_validation(gold_dir: Path, articles_dir: Path, k: int = 5, repeats: int = 1,
                              disabled: Iterable[str] = (), annotations: Path | None = None,
                              shared: Path | None = None) -> tuple[list[dict], dict]:
    """`cross_validate` over `repeats` different splits into folds (seeds 13, 14, …): one
    figure from one split varies by a few points with the split; pooled over several, less."""
    golds = load_golds(gold_dir)
    raws = {r.article_id: r for r in read_articles([articles_dir]) if r.article_id in golds}
    examples = collect(raws.values(), golds)
    ann_golds, ann_raws = _annotated(annotations, gold_dir, shared)
    annotated = collect((r for r in ann_raws if r.article_id not in golds), ann_golds)
    everything = {**examples, **annotated}
    runs = []
    for seed in range(13, 13 + repeats):
        records = {}
        for part in folds(examples.keys(), k, seed):
            held = set(part)
            fitted: dict[str, models.LinearModel | None] = dict(
                fit_all(everything, [a for a in examples if a not in held] + list(annotated)))
            for name in disabled:
                fitted[name] = None
            with models.use(fitted):
                for aid in part:
                    records[aid] = process_article(raws[aid])
        runs.append(records)
    return runs, golds
