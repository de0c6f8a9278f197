"""Gazetteers: CLDR territory names (babel), vietnam-provinces, and the variants kept as data."""
from extractors import gazetteers as gz
from pipeline.textnorm import fold


def test_spellings_of_a_country_share_one_key_and_canonical():
    assert gz.key("Ả-rập Xê-út") == gz.key("Ả Rập Xê Út") == gz.key("Ả Rập Xê-út")
    assert gz.lookup("Ả-rập Xê-út").code == gz.lookup("Saudi Arabia").code == "SA"
    assert gz.lookup("Mỹ").canonical == gz.lookup("Hoa Kỳ").canonical == "Hoa Kỳ"
    assert gz.lookup("Anh").canonical == "Vương quốc Anh"
    assert gz.lookup("Belarus").kind == "country" and gz.lookup("Bê-la-rút").code == "BY"


def test_countries_come_from_cldr_and_regions_are_left_out():
    countries = gz.countries()
    assert len([p for p in countries.values() if p.name == p.canonical]) > 240  # CLDR's own names
    for name in ("Triều Tiên", "Úc", "Nga", "Thổ Nhĩ Kỳ", "Montenegro", "Paraguay"):
        assert countries[gz.key(name)].kind == "country", name
    assert gz.key("Châu Á") not in countries and gz.key("Thế giới") not in countries
    assert countries[gz.key("EU")].kind == countries[gz.key("ASEAN")].kind == "bloc"


def test_provinces_old_and_new_names():
    provinces = gz.provinces()
    for name in ("Hà Nội", "Hồ Chí Minh", "Huế", "Thừa Thiên Huế", "Bà Rịa-Vũng Tàu", "Bà Rịa - Vũng Tàu",
                 "Quảng Nam", "Bình Dương", "TP.HCM", "Quảng Tây"):
        assert gz.key(name) in provinces, name
    assert gz.capitals()[gz.key("Mát-xcơ-va")].canonical == "Nga"


def test_one_pattern_finds_whole_names_on_folded_text():
    text = "Mỹ và Ả-rập Xê-út, Liên minh châu Âu, tỉnh Bà Rịa - Vũng Tàu; Anhxtanh, Mỹanh không."
    found = [text[m.start():m.end()] for m in gz.pattern().finditer(fold(text))]
    assert found == ["Mỹ", "Ả-rập Xê-út", "Liên minh châu Âu", "Bà Rịa - Vũng Tàu"]
    assert gz.province_pattern().match(fold("Quảng Nam và"), 0).end() == len("Quảng Nam")


def test_every_variant_names_a_cldr_territory():
    from extractors.lexicons import load

    cldr = gz.cldr_names()
    data = load("gazetteers")
    for section in ("countries", "capitals", "blocs"):
        for entry in data[section]:
            assert entry.get("code") is None or entry["code"] in cldr, entry["id"]
    # a variant that only differs from CLDR's name by case, tone placement or hyphens is redundant
    cldr_keys = {gz.key(n) for n in cldr.values()}
    assert not [n for e in data["countries"] for n in e["names"] if gz.key(n) in cldr_keys]
