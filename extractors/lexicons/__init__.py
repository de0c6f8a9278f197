"""Lexicon files (YAML) shipped as package data, loaded once and cached."""
from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

LEXICON_DIR = Path(__file__).parent
# libyaml's parser when PyYAML was built with it (its wheels are): the same safe loading,
# several times faster than the pure-Python one every worker process would run at start
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def load(name: str) -> dict[str, Any]:
    path = LEXICON_DIR / f"{name}.yaml"
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_LOADER)  # noqa: S506 — a safe loader


def names() -> list[str]:
    return sorted(p.stem for p in LEXICON_DIR.glob("*.yaml"))
