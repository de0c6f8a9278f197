"""No catastrophic backtracking: every compiled pattern of the pipeline and the lexicons,
on pathological strings, finishes fast (the regex module's timeout turns a blow-up into a
failure here instead of a hung batch)."""
from __future__ import annotations

import importlib
import time

import pytest
import regex

MODULES = ["pipeline.clean", "pipeline.lines", "pipeline.textnorm", "pipeline.segment", "pipeline.encodings", "pipeline.html",
           "pipeline.assemble", "extractors.events", "extractors.parties", "extractors.people", "extractors.dates",
           "extractors.places", "extractors.clauses", "extractors.relations"]
LOADERS = ("_rules", "_lex", "_patterns", "_first_pass", "_printed_patterns")
NASTY = ["a" * 50_000, "A" * 50_000, "Ấ " * 25_000, " " * 50_000, "1/" * 25_000, "ký " * 15_000, "(" * 50_000,
         "Sở " * 15_000, "- " * 25_000, "." * 50_000, "tại " + "A " * 20_000, "“" * 50_000, "đ" * 50_000,
         "\n" * 50_000, "ngày " * 10_000, ", " * 25_000, "Theo đó, " * 6_000,
         # a dateline's start, then a run of spaces that ends in no date: adjacent space runs
         # ("\\s*,?\\s*") re-split it quadratically
         "Thứ hai" + " " * 20_000 + "x", "05/06/2023" + " " * 20_000 + "x", "08:30" + " " * 20_000 + "x",
         "Cập nhật" + " " * 20_000 + "x"]


def _patterns():
    for m in MODULES:
        mod = importlib.import_module(m)
        for name in dir(mod):
            obj = getattr(mod, name)
            if isinstance(obj, regex.Pattern):
                yield f"{m}.{name}", obj
            elif isinstance(obj, tuple):  # a module's tuple of patterns (searched one by one)
                yield from ((f"{m}.{name}[{i}]", p) for i, p in enumerate(obj) if isinstance(p, regex.Pattern))
        for loader in LOADERS:
            fn = getattr(mod, loader, None)
            if fn is None:
                continue
            stack = [(f"{m}.{loader}()", fn())]
            while stack:
                key, value = stack.pop()
                if isinstance(value, regex.Pattern):
                    yield key, value
                elif isinstance(value, dict):
                    stack += [(f"{key}[{k}]", v) for k, v in value.items()]
                elif isinstance(value, (list, tuple)):
                    stack += [(f"{key}[{i}]", v) for i, v in enumerate(value)]


PATTERNS = list(_patterns())


def test_the_audit_sees_the_lexicon_patterns():
    names = [n for n, _p in PATTERNS]
    assert len(PATTERNS) > 60
    assert any("clean._rules()" in n for n in names) and any("events._lex()" in n for n in names)


@pytest.mark.parametrize("name,pattern", PATTERNS, ids=[n for n, _p in PATTERNS])
def test_pattern_is_linear_enough(name, pattern):
    for s in NASTY:
        t = time.perf_counter()
        try:
            pattern.search(s, timeout=2.0)
        except TimeoutError:
            pytest.fail(f"{name} ({pattern.pattern[:80]!r}) timed out on {s[:8]!r}×")
        except (TypeError, ValueError):
            return  # a bytes pattern or one that needs groups: not applicable
        assert time.perf_counter() - t < 0.5, (name, s[:8])
