import pytest

from extractors import events
from tests.conftest import make_doc


def _mentions(text):
    doc = make_doc(text)
    return [(doc.text[e.start:e.end], e.value) for e in events.extract(doc)]


@pytest.mark.parametrize("text", [
    "Thí sinh đăng ký nguyện vọng 2 vào ĐH Bách Khoa Hà Nội.",
    "Thư ký báo chí của Tổng thống Nga cho biết thêm.",
    "Thứ trưởng đã ký văn bản số 2198 gửi Cục Nghệ thuật biểu diễn.",
    "Thứ trưởng Bộ Tư pháp là người ký quyết định bổ nhiệm.",
    "Việc nên làm: Cúng tế, động thổ, sửa kho, khai trương, ký kết, giao dịch, nạp tài.",
    "Sinh viên ở ký túc xá của trường.",
    "Có mỗi thằng em kết nghĩa mà không chịu cho ăn.",
])
def test_other_senses_of_ky_are_not_signings(text):
    assert _mentions(text) == []


def test_signing_with_document_and_type():
    ms = _mentions("Ngày 24/3, Phòng GD&ĐT quận Đống Đa và Phòng GD&ĐT huyện Sóc Sơn đã tổ chức lễ ký kết biên bản ghi nhớ phối hợp.")
    assert len(ms) == 1
    text, m = ms[0]
    assert text == "ký kết"
    assert m.doc_type == "memorandum_of_understanding"  # the document word wins over "phối hợp"
    assert m.cue == "signed"


def test_planned_and_referenced_cues():
    (_, planned), = _mentions("Hai nước dự kiến sẽ ký hiệp định thương mại tự do vào năm tới.")
    assert planned.cue == "planned" and planned.doc_type == "trade_agreement"
    (_, ref), = _mentions("Năm ngoái, Israel và Mỹ từng ký kết một gói viện trợ theo hợp đồng.")
    assert ref.cue == "referenced"


def test_ceremony_reference_is_anaphoric():
    ms = _mentions("Tại Lễ ký kết, lãnh đạo các Sở đã thống nhất ký biên bản ghi nhớ.")
    assert [m.anaphoric for _, m in ms] == [True, True]


def test_player_contract_is_personal():
    (_, m), = _mentions("Tiền đạo Mbappe đã ký hợp đồng với CLB Real Madrid.")
    assert m.personal and m.doc_type == "contract"
