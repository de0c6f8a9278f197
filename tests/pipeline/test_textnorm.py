from pipeline.textnorm import fold, name_key, names_match, normalize_unicode


def test_fold_moves_tone_and_keeps_length():
    for old, new in [("hoà", "hòa"), ("thoả thuận", "thỏa thuận"), ("Uỷ ban", "ủy ban"), ("khoẻ", "khỏe")]:
        assert fold(old) == new
        assert len(fold(old)) == len(old)


def test_fold_leaves_closed_syllables_and_qu():
    assert fold("Hoàng") == "hoàng"
    assert fold("quý") == "quý"


def test_normalize_unicode_nfc_nbsp_zero_width():
    text = "Ho\u0300a\u00a0bi\u0300nh\u200b"
    assert normalize_unicode(text) == "Hòa bình"


def test_name_key_expands_abbreviations_and_drops_admin_words():
    assert name_key("Sở GDĐT tỉnh Quảng Nam") == name_key("Sở Giáo dục và Đào tạo Quảng Nam")
    assert name_key("Phòng Giáo dục và Đào tạo (GD&ĐT) quận Đống Đa") == name_key("Phòng GD&ĐT Đống Đa")
    assert names_match("UBND tỉnh Hà Tĩnh", "Ủy ban nhân dân tỉnh Hà Tĩnh")
    assert not names_match("Sở GDĐT Hà Tĩnh", "Sở GDĐT Quảng Bình")
