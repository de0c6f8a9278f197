"""Segmentation: underthesea's words re-aligned to the exact offsets of `text`."""
import pytest

from pipeline.segment import AlignmentError, align


def test_align_plain_and_spacing():
    text = "Hai  bên ký kết  biên bản"
    spans = align(text, ["Hai", "bên", "ký kết", "biên bản"])
    assert [text[s:e] for s, e in spans] == ["Hai", "bên", "ký kết", "biên bản"]


def test_align_survives_the_tokenizer_respelling_words():
    # underthesea rewrites old spellings ("truờng" → "trường", "qui" → "quy")
    text = "hội nhập vào thị truờng theo qui chuẩn"
    spans = align(text, ["hội nhập", "vào", "thị trường", "theo", "quy chuẩn"], offset=10)
    assert [text[s - 10:e - 10] for s, e in spans] == ["hội nhập", "vào", "thị truờng", "theo", "qui chuẩn"]


def test_align_refuses_a_different_word():
    with pytest.raises(AlignmentError):
        align("hai bên ký kết", ["hai", "nước"])


def test_compiled_pos_features_give_underthesea_pos_tag_exactly():
    """`_pos_tag` computes underthesea's POS features with the compiled featurizer; the tags
    must be those of `underthesea.pos_tag` itself, including on tokens that open with a digit
    or a mark (where the compiled `istitle` differs and is recomputed)."""
    from underthesea import pos_tag

    from pipeline.segment import _pos_tag

    tag = _pos_tag()
    assert tag is not pos_tag, "the compiled featurizer path was not taken"
    sentences = [
        "Sáng 12/3, Bộ Công Thương và Tập đoàn ExxonMobil (Mỹ) đã ký kết biên bản ghi nhớ hợp tác tại Hà Nội.",
        "Hai bên ký Hiệp định vay 100 triệu USD, giai đoạn 2019-2022 - \"VNPT\" & Nissho Electronics.",
        "3 văn kiện được ký: (1) Thỏa thuận khung; (2) Bản ghi nhớ về giáo dục.",
        "TP.HCM",
        "",
    ]
    for s in sentences:
        assert tag(s) == pos_tag(s), s
    assert len(tag(sentences[0])) > 10 and tag("") == []
