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


def test_a_place_reads_the_words_of_its_sentence_around_it():
    """What happened at a place (a signing, a visit) is a feature of it: the words of its own
    sentence near it, not those of another sentence or far along its own."""
    from extractors.places import location_features, locations
    from tests.conftest import make_doc

    far = "rất " * 50
    doc = make_doc(f"Đoàn đã thăm nhà máy. Lễ ký kết diễn ra tại Phủ Chủ tịch {far}vui vẻ.")
    (sp,) = locations(doc, 0, len(doc.text))
    f = location_features(doc, sp, 1, 1, sp.start - 20, True)
    assert f["S:ký"] == f["S:kết"] == f["S:lễ"] == 0.3
    assert "S:thăm" not in f and "S:vui" not in f
