"""Clauses: list items and prose commitments (GUIDELINES: one clause per item or ';'-part)."""
from extractors.clauses import list_items, prose_commitments
from tests.conftest import make_doc


def _prose(text):
    doc = make_doc(text)
    return [doc.text[c.start:c.end] for c in prose_commitments(doc, 0, set())]


def test_opener_with_inline_lead_in_splits_items():
    text = ("Theo thỏa thuận được ký kết, Bưu điện tiếp nhận hồ sơ cho Cục và người dân, gồm các công việc sau: "
            "Tiếp nhận hồ sơ từ doanh nghiệp chuyển cho Cục; Trả kết quả giải quyết cho người dân; "
            "Xây dựng phần mềm kết nối với hệ thống của Cục. "
            "Thứ trưởng Nguyễn Văn A đánh giá cao nội dung ký kết.")
    assert _prose(text) == [
        "Theo thỏa thuận được ký kết, Bưu điện tiếp nhận hồ sơ cho Cục và người dân",
        "Tiếp nhận hồ sơ từ doanh nghiệp chuyển cho Cục",
        "Trả kết quả giải quyết cho người dân",
        "Xây dựng phần mềm kết nối với hệ thống của Cục.",
    ]


def test_collective_subject_needs_a_commitment_verb():
    # "hai bên" = "both sides (of the road)" is not the parties committing to anything
    assert _prose("Tập đoàn là chủ đầu tư quy hoạch hai bên trục đường Nhật Tân - Nội Bài.") == []
    assert _prose("Hai bên sẽ tăng cường hỗ trợ phóng viên tác nghiệp trên lãnh thổ của nhau.") == [
        "Hai bên sẽ tăng cường hỗ trợ phóng viên tác nghiệp trên lãnh thổ của nhau."]


def test_continuation_after_a_term():
    text = "Theo đó, hai Sở phối hợp bồi dưỡng giáo viên. Đồng thời, chỉ đạo đổi mới kiểm tra đánh giá. Ông A phát biểu tại buổi lễ."
    assert _prose(text) == ["Theo đó, hai Sở phối hợp bồi dưỡng giáo viên.", "Đồng thời, chỉ đạo đổi mới kiểm tra đánh giá."]


def test_roster_and_sub_headings_are_not_items():
    text = ("Hai bên thống nhất các nội dung sau:\n- Trao đổi kinh nghiệm quản lý\n- Bồi dưỡng giáo viên\n"
            "Danh sách các đơn vị ký kết:\n1. Đối với các trường THPT\n- Trường A giúp đỡ Trường B\n")
    doc = make_doc(text)
    items = [doc.text[c.start:c.end] for c, _lead in list_items(doc)]
    assert items == ["Trao đổi kinh nghiệm quản lý", "Bồi dưỡng giáo viên"]


def test_a_sentence_that_refers_back_to_the_agreement_states_its_terms():
    text = ("Theo các hiệp định được ký kết, lực lượng chức năng hai nước sẽ phối hợp phòng chống ma túy. "
            "Ông A cảm ơn các đối tác. "
            "Bản ghi nhớ này dành cho dự án nhà máy sản xuất hóa chất tại tỉnh. "
            "Bản ghi nhớ này được nhiều người quan tâm.")
    assert _prose(text) == [
        "Theo các hiệp định được ký kết, lực lượng chức năng hai nước sẽ phối hợp phòng chống ma túy.",
        "Bản ghi nhớ này dành cho dự án nhà máy sản xuất hóa chất tại tỉnh.",
    ]


def test_a_party_committing_states_a_term_only_for_its_own_agreement():
    text = ("Vinalines và NYK Line sẽ cùng tiến hành nghiên cứu phát triển hoạt động vận tải và logistics. "
            "Ông A cảm ơn các đối tác. "
            "Vietcombank sẽ mở thêm chi nhánh tại Hà Nội.")
    doc = make_doc(text)
    got = [doc.text[c.start:c.end] for c in prose_commitments(doc, 0, set(), ["Vinalines", "Tập đoàn NYK Line"])]
    assert got == ["Vinalines và NYK Line sẽ cùng tiến hành nghiên cứu phát triển hoạt động vận tải và logistics."]
    assert _prose(text) == []  # without the parties, nobody in these sentences is known to have signed


def test_a_continued_reference_to_the_agreement_states_its_terms():
    text = ("Ông A cảm ơn các đối tác. "
            "Ngoài ra, theo thỏa thuận, Xiaomi cũng tiến hành mua các bằng sáng chế từ Nokia.\n"
            "Ông A còn thăm nhà máy.")
    assert _prose(text) == ["Ngoài ra, theo thỏa thuận, Xiaomi cũng tiến hành mua các bằng sáng chế từ Nokia."]
