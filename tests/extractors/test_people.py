"""People: the title-before-name rule, the spaCy Matcher patterns, and what is not a person."""
import pytest

from extractors.parties import extract_orgs
from extractors.people import extract_people
from pipeline import config
from tests.conftest import make_doc


def _people(text):
    doc = make_doc(text)
    sents = doc.layer("sentences")
    doc.layers["orgs"] = [o for s in sents for o in extract_orgs(doc, s)]
    people = [p for s in sents for p in extract_people(doc, s)]
    return doc, people


def test_title_org_name():
    doc, people = _people("Cục trưởng Cục Đường thủy nội địa Việt Nam Hoàng Hồng Giang ký thỏa thuận hợp tác.")
    (p,) = people
    assert p.value.name == "Hoàng Hồng Giang"
    assert p.value.title == "Cục trưởng Cục Đường thủy nội địa Việt Nam"
    assert doc.text[p.start:p.end] == "Hoàng Hồng Giang"


def test_matcher_finds_name_after_an_apposition():
    text = ("Tổng Giám đốc Hãng thông tấn quốc tế Rossiya Segodnya, cơ quan chủ quản của hãng Sputnik, "
            "Dmitry Kiselev đã ký thỏa thuận trao đổi thông tin.")
    doc, people = _people(text)
    found = {p.value.name: p for p in people}
    assert "Dmitry Kiselev" in found
    p = found["Dmitry Kiselev"]
    assert p.source == "people.matcher:signer_apposition"
    assert p.value.title.startswith("Tổng Giám đốc Hãng thông tấn quốc tế Rossiya Segodnya")
    assert doc.text[p.start:p.end] == "Dmitry Kiselev"


def test_matcher_finds_agent_of_passive_signing():
    doc, people = _people("Bản ghi nhớ được ký bởi Thủ tướng Chính phủ của Syria Imad Khamis ở Tehran.")
    names = {p.value.name: p.value.title for p in people}
    assert names.get("Imad Khamis", "").startswith("Thủ tướng Chính phủ")
    assert "Syria" not in names and "Tehran" not in names


def test_matcher_can_be_disabled(monkeypatch):
    monkeypatch.setattr(config, "DISABLED", {"people.matcher"})
    import extractors.people as people_mod
    monkeypatch.setattr(people_mod, "DISABLED", config.DISABLED)
    _doc, people = _people("Tổng Giám đốc Hãng Sputnik, cơ quan chủ quản, Dmitry Kiselev đã ký thỏa thuận.")
    assert all(p.source == "people.rule" for p in people)


@pytest.mark.parametrize("text,not_a_name,person", [
    ("Ông Bob McCooey, Phó chủ tịch Nasdaq, và ông Lê Hồng Minh đã ký thỏa thuận.", "Nasdaq", "Lê Hồng Minh"),
    ("Tổng Giám đốc Thông Tấn Xã Việt Nam, Nguyễn Đức Lợi đã ký thỏa thuận.", "Thông Tấn Xã", "Nguyễn Đức Lợi"),
])
def test_organisations_are_not_people(text, not_a_name, person):
    _doc, people = _people(text)
    names = [p.value.name for p in people]
    assert not_a_name not in names
    assert person in names


@pytest.mark.parametrize("text, name", [
    ("Ông Choi Young Gyo, Chủ tịch Tập đoàn Hyosung và ông Nguyễn Văn Trình đã ký kết biên bản ghi nhớ.",
     "Choi Young Gyo"),
    ("Ông Robert H. McCooey Jr, Phó Chủ tịch Sàn chứng khoán NASDAQ đã ký kết Bản ghi nhớ với VNG.",
     "Robert H. McCooey Jr"),
    ("Ngoại trưởng Qatar Sheikh Mohammed bin Abdulrahman Al Thani đã ký bản ghi nhớ với Mỹ.",
     "Sheikh Mohammed bin Abdulrahman Al Thani"),
    ("Tổng thống Belarus Lukashenko đã ký Tuyên bố chung với Việt Nam.", "Lukashenko"),
])
def test_a_foreign_name_split_by_the_segmenter_is_whole_and_without_its_country(text, name):
    doc, people = _people(text)
    names = [p.value.name for p in people]
    assert name in names, names
    p = next(p for p in people if p.value.name == name)
    assert doc.text[p.start:p.end] == name
    assert not any(n != name and (n in name or name in n) for n in names)
