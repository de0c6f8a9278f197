"""Place phrases after "tại"/"ở": where a venue's name ends."""
import pytest

from pipeline.document import Document


def _places(text: str) -> list[str]:
    from extractors.places import locations

    doc = Document(article_id="t", text=text, folded=text.lower())
    out = list(locations(doc, 0, len(text)))
    assert all(text[sp.start:sp.end] == sp.value for sp in out)
    return [sp.value for sp in out]


@pytest.mark.parametrize("text, place", [
    # the lower-case half of a word whose first syllable is capitalised belongs to the name
    ("Lễ ký diễn ra tại Cung Độc lập ở thủ đô Minsk.", "Cung Độc lập ở thủ đô Minsk"),
    ("Hai bên ký kết tại Phủ Chủ tịch sáng nay.", "Phủ Chủ tịch"),
    ("Buổi lễ được tổ chức tại Trường Đại học Văn Hiến.", "Trường Đại học Văn Hiến"),
    # a time after the place is not part of it
    ("Thỏa thuận được ký tại thủ đô Riyadh ngày 20/5.", "thủ đô Riyadh"),
    ("Tổng thống đón Thủ tướng tại Phòng Bầu Dục lúc 3h30 chiều 31/5.", "Phòng Bầu Dục"),
])
def test_where_a_place_name_ends(text, place):
    assert _places(text)[0] == place


def test_a_lower_case_word_that_is_no_compound_ends_the_name():
    # "Hà Nội đầu tư": "Nội đầu" is no word, the name stops at Hà Nội
    assert _places("Hai công ty ký hợp đồng tại Hà Nội đầu tuần này.")[0] == "Hà Nội"
