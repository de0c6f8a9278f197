"""Run-wide switches.

`DISABLED` names statistical or pattern components to leave out, for ablations:
`kyket eval --disable people.matcher,mentions.model` measures what each one adds, and
`kyket eval --enable parties.ner` what an optional one adds (README "Trained decisions").
Known names: `people.matcher` (spaCy Matcher patterns for signatories),
`parties.ner` (underthesea's CRF NER: chunking + NER on top of word segmentation and POS;
off by default — 5-fold CV shows it adds nothing the open-class candidates and the party
model do not, at three times the cost of `pos_tag`), and one `NAME.model` per trained part
(`mentions`, `parties`, `dates`, `locations`, `signers`, `clauses`; without it the hand rules decide).
"""
from __future__ import annotations

COMPONENTS = ("people.matcher", "parties.ner", "mentions.model", "parties.model", "dates.model",
              "locations.model", "signers.model", "clauses.model")
OFF_BY_DEFAULT = frozenset({"parties.ner"})
DISABLED: set[str] = set(OFF_BY_DEFAULT)
