"""Bytes → Vietnamese text, or a clear error naming what the bytes look like.

Accepted: UTF-8 (with or without BOM), UTF-16 LE/BE (with a BOM, or without one when the
NUL pattern of ASCII-range text shows it), Windows-1258 (Vietnamese with combining tone
marks; decoded, then NFC), and UTF-8 that was decoded as Windows-1252 and saved again
("Há»™i" for "Hội"), which is repaired. Legacy 8-bit font encodings (TCVN3/ABC, VNI-Windows)
are recognised by their signature characters and refused with an error that names them —
kyket has no verified mapping table for them and no maintained library does the
conversion, so it does not guess. Bytes that no decoder turns into Vietnamese text are an
error, never passed on as mojibake.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

import regex


class DecodeError(ValueError):
    pass


_TONES = "\u0300\u0301\u0303\u0309\u0323"
_BASES = "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"


@lru_cache(maxsize=1)
def vietnamese_letters() -> frozenset[str]:
    """ASCII letters, đ/Đ, and every vowel with every tone (NFC)."""
    out = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZđĐ")
    for b in _BASES:
        out.add(b)
        for t in _TONES:
            out.add(unicodedata.normalize("NFC", b + t))
    return frozenset(out)


# Characters that VNI-Windows and TCVN3 text shows when read as Windows-125x: letters that
# Vietnamese does not have (VNI: ñ for đ, ö for ư, ø/ï/å/ù after a vowel …) and symbols that
# sit inside words (TCVN3: ¸ µ ¶ · ¹ for á à ả ã ạ, ® for đ …).
_VNI_SIGNS = set("ñÑöÖøØïÏåÅäÄëËüÜÿ")
_TCVN3_SIGNS = set("¸µ¶·¹¨»¾¼½®¬ª«©¦§¤¥¢£¡")
_MOJIBAKE = regex.compile(r"Ã[\x80-\xbf¡-ÿ]|á»|áº|Æ°|Æ¡|Ä‘|Ä\x91|Ä[ƒ\x83]")


def _in_word_hits(words: list[str], signs: set[str]) -> int:
    return sum(1 for w in words if any(c in signs for c in w) and any("a" <= c.lower() <= "z" for c in w))


def legacy_font(text: str) -> str | None:
    """'VNI-Windows' or 'TCVN3 (ABC)' when `text` (the bytes read as Windows-1252/1258) looks
    like Vietnamese prose in that legacy encoding, else None: mostly ASCII letters in words,
    and at least 5 words (and 8% of them) carrying the encoding's signature characters."""
    sample = text[:200_000]
    words = regex.findall(r"[^\s\d\p{P}]{2,}", sample)
    chars = "".join(words)
    if len(words) < 8 or sum(c.isascii() and c.isalpha() for c in chars) < 0.6 * len(chars):
        return None
    vni, tcvn = _in_word_hits(words, _VNI_SIGNS), _in_word_hits(words, _TCVN3_SIGNS)
    best = max(vni, tcvn)
    if best < 5 or best < 0.08 * len(words):
        return None
    return "VNI-Windows" if vni >= tcvn else "TCVN3 (ABC)"


def looks_vietnamese(text: str) -> bool:
    """Mostly Vietnamese letters, and some with diacritics (Vietnamese prose always has them)."""
    letters = [c for c in text[:200_000] if c.isalpha()]
    if not letters:
        return False
    viet = vietnamese_letters()
    known = sum(1 for c in letters if c in viet)
    marked = sum(1 for c in letters if c in viet and not c.isascii())
    return known / len(letters) >= 0.98 and (marked / len(letters) >= 0.05 or len(letters) < 40)


def _utf16_without_bom(data: bytes) -> str | None:
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    for zeros, codec in ((odd, "utf-16-le"), (even, "utf-16-be")):
        if zeros.count(0) / len(zeros) > 0.3:
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def repair_double_utf8(text: str) -> str:
    """"Há»™i nghá»‹" (UTF-8 read as Windows-1252) → "Hội nghị"; other text unchanged."""
    head = text[:50_000]
    # every mojibake pair starts with "Ã", "Æ" or "Ä", or is "á»"/"áº": `in` tests rule out
    # most texts before the pattern runs
    if not ("Ã" in head or "Æ" in head or "Ä" in head or "á»" in head or "áº" in head) \
            or len(_MOJIBAKE.findall(head)) < 3:
        return text
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) > 0xFF:
                return text
            out.append(ord(ch))  # bytes cp1252 leaves undefined pass through as Latin-1
    try:
        fixed = out.decode("utf-8")
    except UnicodeDecodeError:
        return text
    return fixed if looks_vietnamese(fixed) else text


def decode_bytes(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is None or "\x00" in text:
            raise DecodeError("binary content (NUL bytes) in a text article")
        return text
    try:
        return repair_double_utf8(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        first_bad = f"byte {exc.start}: {data[exc.start:exc.start + 4]!r}"
    try:
        text = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        text = None
    if text is not None and looks_vietnamese(text):
        return text
    font = legacy_font(data.decode("cp1252", errors="replace"))
    if font:
        raise DecodeError(f"not UTF-8 ({first_bad}); the text looks like Vietnamese in the legacy {font} font "
                          "encoding, which kyket does not convert: re-save it as Unicode (UTF-8) first")
    raise DecodeError(f"not valid UTF-8 ({first_bad}), and not Vietnamese text in UTF-16 or Windows-1258 either: "
                      "binary or unknown encoding")
