"""Run-wide switches.

`DISABLED` names statistical or pattern components to leave out, for ablations:
`kyket eval --disable people.matcher,parties.ner` measures what each one adds (README).
Known names: `people.matcher` (spaCy Matcher patterns for signatories),
`parties.ner` (underthesea's CRF NER for organisations the lexicons do not know),
`mentions.model` (the trained mention model; without it the hand rules decide).
"""
from __future__ import annotations

COMPONENTS = ("people.matcher", "parties.ner", "mentions.model")
DISABLED: set[str] = set()
