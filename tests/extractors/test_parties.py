from extractors.parties import extract_orgs
from tests.conftest import make_doc


def _orgs(text):
    doc = make_doc(text)
    out = []
    for s in doc.layer("sentences"):
        out.extend(extract_orgs(doc, s))
    return doc, out


def test_list_after_plural_head_is_expanded():
    doc, orgs = _orgs("Đại diện lãnh đạo các Sở GDĐT: Hà Tĩnh, Quảng Bình, Quảng Trị và Quảng Ngãi đã tổ chức lễ ký kết hợp tác.")
    assert [o.value.name for o in orgs] == ["Sở GDĐT Hà Tĩnh", "Sở GDĐT Quảng Bình", "Sở GDĐT Quảng Trị", "Sở GDĐT Quảng Ngãi"]
    assert orgs[1].value.canonical == "Sở Giáo dục và Đào tạo Quảng Bình"
    assert doc.text[orgs[1].start:orgs[1].end] == "Quảng Bình"


def test_name_with_descriptor_and_locality():
    doc, orgs = _orgs("Ông Nguyễn Thế Sơn, Giám đốc Sở Giáo dục và Đào tạo tỉnh Bắc Ninh và ông Tạ Việt Hùng trao đổi biên bản.")
    assert [o.value.name for o in orgs] == ["Sở Giáo dục và Đào tạo tỉnh Bắc Ninh"]
    assert orgs[0].value.kind == "department"
    assert all(doc.text[o.start:o.end] == o.value.name for o in orgs)


def test_org_stops_before_person_name():
    _doc, orgs = _orgs("Cục trưởng Cục Đường thủy nội địa Việt Nam Hoàng Hồng Giang và Tổng Giám đốc Tổng Công ty Bưu điện Việt Nam Phạm Anh Tuấn ký thỏa thuận hợp tác.")
    names = [o.value.name for o in orgs]
    assert "Tổng Công ty Bưu điện Việt Nam" in names
    assert not any("Giang" in n or "Tuấn" in n for n in names)


def test_countries_and_capitals():
    _doc, orgs = _orgs("Moscow và Damascus đã ký một thỏa thuận về căn cứ hải quân.")
    assert [(o.value.name, o.value.canonical, o.value.kind) for o in orgs] == [
        ("Moscow", "Nga", "country"), ("Damascus", "Syria", "country")]


def test_foreign_company_with_head():
    _doc, orgs = _orgs("Tập đoàn Thành Công đã chính thức ký kết thỏa thuận hợp tác cùng Tập đoàn Hyundai Motor Hàn Quốc.")
    assert [o.value.name for o in orgs] == ["Tập đoàn Thành Công", "Tập đoàn Hyundai Motor Hàn Quốc"]


def test_acronym_in_parentheses_names_an_organisation():
    doc, orgs = _orgs("Đồng chí Thái Danh Chiếu, Xã trưởng Tân Hoa xã (THX) đã ký thỏa thuận.")
    acr = [o for o in orgs if o.source == "parties.acronym"]
    assert [o.value.name for o in acr] == ["Tân Hoa xã"]
    assert doc.text[acr[0].start:acr[0].end] == "Tân Hoa xã"


def test_acronym_of_an_organisation_named_earlier():
    doc, orgs = _orgs("Tổng Giám đốc Thông tấn xã Việt Nam đã phát biểu. Thỏa thuận giữa TTXVN và Sputnik mở ra cơ hội mới.")
    ttx = [o for o in orgs if o.value.name == "TTXVN"]
    assert len(ttx) == 1 and ttx[0].value.canonical == "Thông tấn xã Việt Nam"
    assert doc.text[ttx[0].start:ttx[0].end] == "TTXVN"


def test_province_by_lexicon_name_across_tokens():
    # underthesea splits "Bà" (also an honorific) off "Rịa-Vũng Tàu"; the lexicon name wins
    doc, orgs = _orgs("Tập đoàn Hyosung đã ký kết biên bản ghi nhớ với tỉnh Bà Rịa-Vũng Tàu.")
    prov = [o for o in orgs if o.source == "parties.province"]
    assert [o.value.name for o in prov] == ["tỉnh Bà Rịa-Vũng Tàu"]
    assert doc.text[prov[0].start:prov[0].end] == "tỉnh Bà Rịa-Vũng Tàu"


def test_bare_head_refers_back_to_the_named_organisation():
    text = ("Thủ tướng tiếp Tổng Giám đốc Quỹ Phát triển quốc tế của Tổ chức các nước xuất khẩu dầu mỏ (OFID). "
            "Thủ tướng đánh giá cao Quỹ và Bộ Tài chính Việt Nam đã ký kết Hiệp định vay.")
    _doc, orgs = _orgs(text)
    quy = [o for o in orgs if o.source.startswith("parties.anaphora")]
    assert [o.value.name for o in quy] == ["Quỹ"]
    assert quy[0].value.canonical.startswith("Quỹ Phát triển quốc tế của Tổ chức các nước xuất khẩu dầu mỏ")


def _named(orgs):
    return [(o.value.name, o.value.canonical, o.value.kind) for o in orgs]


def test_countries_in_other_spellings_share_the_cldr_canonical():
    doc, orgs = _orgs("Mỹ và Ả-rập Xê-út đã ký kết một thỏa thuận vũ khí trị giá 110 tỷ USD.")
    assert _named(orgs) == [("Mỹ", "Hoa Kỳ", "country"), ("Ả-rập Xê-út", "Ả Rập Xê-út", "country")]
    assert all(doc.text[o.start:o.end] == o.value.name for o in orgs)
    _doc, orgs = _orgs("Hoa Kỳ và Ả Rập Xê Út đã ký kết thỏa thuận hợp tác quốc phòng.")
    assert _named(orgs) == [("Hoa Kỳ", "Hoa Kỳ", "country"), ("Ả Rập Xê Út", "Ả Rập Xê-út", "country")]


def test_countries_cldr_knows_and_transliterations():
    _doc, orgs = _orgs("Việt Nam và Belarus đã ký hiệp định, Xin-ga-po và Ma-lai-xi-a cũng ký thỏa thuận.")
    assert _named(orgs) == [("Việt Nam", "Việt Nam", "country"), ("Belarus", "Belarus", "country"),
                            ("Xin-ga-po", "Singapore", "country"), ("Ma-lai-xi-a", "Malaysia", "country")]


def test_a_bloc_written_over_several_words():
    _doc, orgs = _orgs("Anh và Úc cũng ký thỏa thuận với Liên minh châu Âu.")
    assert [(n, c) for n, c, _k in _named(orgs)] == [
        ("Anh", "Vương quốc Anh"), ("Úc", "Úc"), ("Liên minh châu Âu", "Liên Minh Châu Âu")]


def test_embassies_and_ministries_of_other_countries():
    doc, orgs = _orgs("Đại sứ quán Belarus và Bộ Thương mại Hoa Kỳ đã ký biên bản ghi nhớ.")
    assert [o.value.name for o in orgs] == ["Đại sứ quán Belarus", "Bộ Thương mại Hoa Kỳ"]
    _doc, orgs = _orgs("Bộ Quốc phòng Ả Rập Xê Út ký thỏa thuận với Tổng lãnh sự quán Nhật Bản tại TP.HCM.")
    assert [o.value.name for o in orgs] == ["Bộ Quốc phòng Ả Rập Xê Út", "Tổng lãnh sự quán Nhật Bản"]


def test_a_country_ending_a_company_name_is_no_party_of_its_own():
    doc, orgs = _orgs("VNPT và Nissho Electronics Việt Nam ký thỏa thuận hợp tác chiến lược.")
    assert "Việt Nam" not in [o.value.name for o in orgs]
    assert ("Nissho Electronics Việt Nam", "organisation") in [(o.value.name, o.value.kind) for o in orgs]
    assert all(doc.text[o.start:o.end] == o.value.name for o in orgs)
    _doc, orgs = _orgs("Samsung Việt Nam và Honda Việt Nam đã ký hợp đồng.")
    assert [o.value.name for o in orgs] == ["Samsung Việt Nam", "Honda Việt Nam"]
    assert not any(o.value.kind == "country" for o in orgs)


def test_a_country_after_a_person_or_an_office_stays_a_country():
    _doc, orgs = _orgs("Bộ trưởng Ngoại giao Nga Sergei Lavrov và Ngoại trưởng Mỹ Rex Tillerson đã ký.")
    assert _named(orgs) == [("Nga", "Nga", "country"), ("Mỹ", "Hoa Kỳ", "country")]


def test_a_country_name_inside_a_person_name_is_no_country():
    _doc, orgs = _orgs("Ông Phạm Anh Tuấn cho biết Tập đoàn Hyundai Motor Hàn Quốc đã ký với tỉnh Thừa Thiên Huế.")
    assert [(o.value.name, o.value.kind) for o in orgs] == [
        ("Tập đoàn Hyundai Motor Hàn Quốc", "company"), ("tỉnh Thừa Thiên Huế", "province")]


def test_a_country_after_and_is_a_new_party():
    _doc, orgs = _orgs("Phái đoàn EU cùng với Đức, Tây Ban Nha, Vương quốc Anh và Việt Nam đã ký tuyên bố chung.")
    assert [o.value.name for o in orgs] == ["EU", "Đức", "Tây Ban Nha", "Vương quốc Anh", "Việt Nam"]


def test_a_name_runs_to_the_end_of_its_province_across_a_dash():
    for dash in ("-", "–"):
        doc, orgs = _orgs(f"UBND tỉnh Bà Rịa {dash} Vũng Tàu đã ký kết biên bản ghi nhớ với Công ty Hyosung.")
        assert [o.value.name for o in orgs] == [f"UBND tỉnh Bà Rịa {dash} Vũng Tàu", "Công ty Hyosung"]
        assert doc.text[orgs[0].start:orgs[0].end] == orgs[0].value.name


def test_a_capitalised_descriptor_before_its_province():
    _doc, orgs = _orgs("Đại diện Sở Công Thương Hà Nội và Sở Công Thương tỉnh Bắc Giang đã ký cam kết.")
    assert [o.value.name for o in orgs] == ["Sở Công Thương Hà Nội", "Sở Công Thương tỉnh Bắc Giang"]


def test_a_legal_form_split_into_words_stays_in_the_name():
    _doc, orgs = _orgs("Công ty PTI đã ký thỏa thuận hợp tác với Ngân hàng TNHH một thành viên Shinhan Việt Nam.")
    assert [o.value.name for o in orgs] == ["Công ty PTI", "Ngân hàng TNHH một thành viên Shinhan Việt Nam"]


def test_countries_listed_after_a_preposition_are_places():
    _doc, orgs = _orgs("Ông ta đã ký thỏa thuận nhận tội buôn ma túy ở Honduras, Guatemala và Mexico.")
    assert [o.value.name for o in orgs] == ["Honduras"]  # the first is left to the grouping's "ở" test
    _doc, orgs = _orgs("Tại Hà Nội, Việt Nam và Lào đã ký hiệp định.")
    assert [o.value.name for o in orgs] == ["Việt Nam", "Lào"]


def test_provinces_listed_with_a_place_party_are_parties_and_hanoi_is_the_city():
    doc, orgs = _orgs("Bang Virginia ký thỏa thuận với các đối tác gồm Hà Nội, Bà Rịa-Vũng Tàu, Long An và Cục Ngoại vụ.")
    assert _named(orgs) == [("Hà Nội", "Hà Nội", "province"), ("Bà Rịa-Vũng Tàu", "Bà Rịa-Vũng Tàu", "province"),
                            ("Long An", "Long An", "province"), ("Cục Ngoại vụ", "Cục Ngoại vụ", "government")]
    assert all(doc.text[o.start:o.end] == o.value.name for o in orgs)
    _doc, orgs = _orgs("Đại diện các tỉnh Long An, Đồng Tháp và Tiền Giang ký kết chương trình phối hợp.")
    assert [o.value.name for o in orgs] == ["tỉnh Long An", "Đồng Tháp", "Tiền Giang"]


def test_the_full_stop_glued_to_a_place_is_not_in_the_name():
    doc, orgs = _orgs("Xin-ga-po đã ký thỏa thuận với UBND TP.HCM.")
    assert [o.value.name for o in orgs] == ["Xin-ga-po", "UBND TP.HCM"]
    assert doc.text[orgs[1].start:orgs[1].end] == "UBND TP.HCM"


def test_a_ministry_of_a_country_written_anh_and_a_lower_case_head_before_an_acronym():
    _doc, orgs = _orgs("Theo Bộ Quốc phòng Anh và Tập đoàn BAE Systems, hợp đồng đã được ký.")
    assert [o.value.name for o in orgs] == ["Bộ Quốc phòng Anh", "Tập đoàn BAE Systems"]
    _doc, orgs = _orgs("Tờ báo cho biết Bộ quốc phòng Anh vừa ký hợp đồng đặt hàng với tập đoàn BAE Systems.")
    assert [o.value.name for o in orgs] == ["Bộ quốc phòng Anh", "tập đoàn BAE Systems"]


def test_a_capitalised_administrative_word_before_a_province():
    _doc, orgs = _orgs("Thành phố Đà Nẵng và tỉnh Quảng Nam ký biên bản ghi nhớ.")
    assert [(o.value.name, o.value.kind) for o in orgs] == [("Thành phố Đà Nẵng", "province"), ("tỉnh Quảng Nam", "province")]


def test_countries_joined_into_one_word_by_a_dash():
    doc, orgs = _orgs("Hiệp định Việt Nam-Lào và Guinea-Bissau được nhắc lại.")
    assert _named(orgs) == [("Việt Nam", "Việt Nam", "country"), ("Lào", "Lào", "country"),
                            ("Guinea-Bissau", "Guinea-Bissau", "country")]
    assert all(doc.text[o.start:o.end] == o.value.name for o in orgs)


def test_a_state_by_its_formal_name_stays_the_country():
    _doc, orgs = _orgs("Quan hệ hợp tác giữa CHXHCN Việt Nam và LB Nga được thúc đẩy.")
    assert _named(orgs) == [("CHXHCN Việt Nam", "Việt Nam", "country"), ("LB Nga", "Nga", "country")]
