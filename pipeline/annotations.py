"""Stand-off signing annotations: extra labelled signings for training, without article text.

Each line of an annotations file says of one signing in one article of a corpus that the
repository does not hold (the bench dump in ../shared) what an annotator decided:

    {"article_id": "baomoi-22581796", "corpus": "bench/baomoi-35k.jsonl.gz",
     "content_sha256": "…", "evidence": [1204, 1290], "status": "signed", "date": "--06-21"}

`corpus` is relative to the shared data folder (the one that holds dev/ and bench/);
`content_sha256` is the article's input hash (`source.content_sha256` of a run's record), so a
changed corpus is refused rather than mislabelled; `evidence` is the character span, in the
article's text as the corpus stores it, of the sentence that reports the signing; `status` is
signed / planned / referenced / not_agreement, `date` the signing's date in the form of
../shared/dev/GUIDELINES.md (null when unstated). No text of the article is stored.

`kyket train` and `kyket eval --cv` read them (from `data/annotations/` of the repository by
default) as extra training articles for the trained parts they label — the date and mention
models (`TRAINS`) — and never score them: the figures stay those of the labelled articles. In
an annotated article only the judged sentences' mentions are labelled.
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from pipeline.ingest import RawArticle, read_articles

STATUSES = ("signed", "planned", "referenced", "not_agreement")
# the trained parts these labels are complete enough to train: a signing's date needs its
# status, its sentence and its date, and a mention its sentence and status, all of which an
# annotation gives (not its parties, people, place or clauses)
TRAINS = ("dates", "mentions")
DEFAULT = Path(__file__).resolve().parents[1] / "data" / "annotations" / "signings.jsonl"
_KEYS = {"article_id", "corpus", "content_sha256", "evidence", "status", "date"}


def shared_root(gold_dir: str | Path) -> Path:
    """The shared data folder the annotations' corpus paths are relative to, by default: the
    one that holds the gold folder's parent (../shared for ../shared/dev/gold)."""
    return Path(gold_dir).resolve().parent.parent


def default_path() -> Path | None:
    """The repository's annotations file, when kyket runs from a checkout that has one."""
    return DEFAULT if DEFAULT.is_file() else None


def _check(a: object, where: str) -> dict:
    if not isinstance(a, dict) or not _KEYS <= set(a):
        raise ValueError(f"{where}: not a signing annotation (needs {', '.join(sorted(_KEYS))})")
    extra = set(a) - _KEYS
    if extra:
        raise ValueError(f"{where}: unknown keys {', '.join(sorted(extra))} (annotations hold ids, offsets and labels only)")
    ev = a["evidence"]
    if not (isinstance(ev, list) and len(ev) == 2 and all(isinstance(x, int) for x in ev) and 0 <= ev[0] < ev[1]):
        raise ValueError(f"{where}: evidence must be [start, end] character offsets")
    if a["status"] not in STATUSES:
        raise ValueError(f"{where}: unknown status {a['status']!r} (known: {', '.join(STATUSES)})")
    if a["date"] is not None and not isinstance(a["date"], str):
        raise ValueError(f"{where}: date must be an ISO string or null")
    return a


def read(path: str | Path) -> list[dict]:
    """The annotations of a file, checked line by line (ValueError in one sentence)."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path} does not exist (an annotations file of signings, one JSON object a line)")
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            a = json.loads(line)
        except json.JSONDecodeError:
            raise ValueError(f"{path}:{n}: not JSON") from None
        out.append(_check(a, f"{path}:{n}"))
    return out


def missing_corpus(path: str | Path, shared: str | Path) -> Path | None:
    """The first corpus the annotations read their text from that is not under `shared`."""
    for corpus in sorted({a["corpus"] for a in read(path)}):
        if not (Path(shared) / corpus).exists():
            return Path(shared) / corpus
    return None


def load(path: str | Path, shared: str | Path) -> tuple[dict[str, dict], list[RawArticle]]:
    """(gold by article id, RawArticles) of an annotations file: each annotated article as a
    gold file of GUIDELINES.md's shape holding its annotated signings (evidence, status,
    date), its text read from the corpus under `shared`."""
    anns = read(path)
    by_corpus: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for a in anns:
        by_corpus[a["corpus"]][a["article_id"]].append(a)
    golds: dict[str, dict] = {}
    raws: list[RawArticle] = []
    for corpus, by_article in sorted(by_corpus.items()):
        src = Path(shared) / corpus
        if not src.exists():
            raise ValueError(f"{path}: the annotated articles are read from {src}, which does not exist "
                             "(give the shared data folder, or no annotations)")
        found = {r.article_id: r for r in read_articles([src]) if r.article_id in by_article}
        for aid, items in sorted(by_article.items()):
            raw = found.get(aid)
            if raw is None or not isinstance(raw.data, str):
                raise ValueError(f"{path}: article {aid} is not in {src}")
            if raw.content_sha256() != items[0]["content_sha256"]:
                raise ValueError(f"{path}: the text of {aid} in {src} is not the one annotated (its hash differs)")
            text = raw.data
            agreements = []
            for a in items:
                s, e = a["evidence"]
                if e > len(text):
                    raise ValueError(f"{path}: the evidence of {aid} ends at {e}, past its text ({len(text)} characters)")
                # a sentence judged to report no agreement is a `none` mention
                status = "none" if a["status"] == "not_agreement" else a["status"]
                agreements.append({"status": status, "optional": False, "evidence": text[s:e].strip(),
                                   "date": a["date"] if status == "signed" else None})
            golds[aid] = {"id": aid, "agreements": agreements, "_trains": list(TRAINS)}
            raws.append(raw)
    return golds, raws
