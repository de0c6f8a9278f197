import unicodedata

import yaml

from extractors.lexicons import LEXICON_DIR, load, names


def _strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)


def test_lexicons_are_nfc_and_ids_unique():
    assert {"abbreviations", "boilerplate", "dates", "events", "gazetteers", "organisations", "people", "places"} <= set(names())
    ids = []
    for name in names():
        data = load(name)
        for s in _strings(data):
            assert unicodedata.is_normalized("NFC", s), (name, s)
        ids += [x["id"] for x in _strings_ids(data)]
    assert len(ids) == len(set(ids))
    assert len(ids) > 80


def _strings_ids(obj):
    if isinstance(obj, dict):
        if "id" in obj:
            yield obj
        for v in obj.values():
            yield from _strings_ids(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings_ids(v)


def test_lexicon_files_parse():
    for p in LEXICON_DIR.glob("*.yaml"):
        assert yaml.safe_load(p.read_text(encoding="utf-8"))


def test_gazetteer_data_entries_have_ids_and_names():
    data = load("gazetteers")
    assert {"countries", "blocs", "capitals", "provinces", "state_forms"} <= set(data)
    for section, entries in data.items():
        for e in entries:
            words = e.get("names") or e.get("words")
            assert e["id"].split(".")[0] in ("country", "bloc", "capital", "province", "state_form"), (section, e)
            assert words and all(isinstance(w, str) and w.strip() == w for w in words), e["id"]
