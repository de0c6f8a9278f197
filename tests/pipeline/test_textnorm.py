import regex

from pipeline.textnorm import _MOVES, fold, fold_tones, name_key, names_match, normalize_unicode


def test_fold_moves_tone_and_keeps_length():
    for old, new in [("hoà", "hòa"), ("thoả thuận", "thỏa thuận"), ("Uỷ ban", "ủy ban"), ("khoẻ", "khỏe")]:
        assert fold(old) == new
        assert len(fold(old)) == len(old)


def test_fold_leaves_closed_syllables_and_qu():
    assert fold("Hoàng") == "hoàng"
    assert fold("quý") == "quý"


def test_fold_tones_equals_the_literal_alternation():
    # the compact pattern must move exactly what an alternation of the 45 sources moves,
    # in every context: text start, after q/Q or another letter, before a letter or not
    literal = regex.compile(r"(?<![qQ])(" + "|".join(map(regex.escape, _MOVES)) + r")(?!\p{L})")
    cases = [pre + src + post for src in _MOVES for pre in ("", "q", "Q", "h", " ", "Qu") for post in ("", "n", " ", ".")]
    moved = 0
    for text in cases:
        expected = literal.sub(lambda m: _MOVES[m.group(1)], text)
        assert fold_tones(text) == expected, text
        moved += expected != text
    assert moved == len(_MOVES) * 4 * 3  # not after q/Q, not before a letter


def test_normalize_unicode_nfc_nbsp_zero_width():
    text = "Ho\u0300a\u00a0bi\u0300nh\u200b"
    assert normalize_unicode(text) == "Hòa bình"


def test_name_key_expands_abbreviations_and_drops_admin_words():
    assert name_key("Sở GDĐT tỉnh Quảng Nam") == name_key("Sở Giáo dục và Đào tạo Quảng Nam")
    assert name_key("Phòng Giáo dục và Đào tạo (GD&ĐT) quận Đống Đa") == name_key("Phòng GD&ĐT Đống Đa")
    assert names_match("UBND tỉnh Hà Tĩnh", "Ủy ban nhân dân tỉnh Hà Tĩnh")
    assert not names_match("Sở GDĐT Hà Tĩnh", "Sở GDĐT Quảng Bình")
