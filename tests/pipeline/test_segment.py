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
