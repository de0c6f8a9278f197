"""Lexicon files (YAML) shipped as package data, loaded once and cached."""
from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

LEXICON_DIR = Path(__file__).parent


@cache
def load(name: str) -> dict[str, Any]:
    path = LEXICON_DIR / f"{name}.yaml"
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def names() -> list[str]:
    return sorted(p.stem for p in LEXICON_DIR.glob("*.yaml"))
