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
