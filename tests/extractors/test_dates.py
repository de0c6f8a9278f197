import pytest

from extractors.dates import extract_dates, extract_periods, parse_printed_datetime, resolve
from pipeline.textnorm import fold


def _one(text, published=None):
    ds = extract_dates(fold(text))
    assert len(ds) == 1, ds
    return ds[0], resolve(ds[0], published)


def test_afternoon_day_month_without_year():
    d, (value, src) = _one("Chiều ngày 11/11, tại Sở GDĐT tỉnh Quảng Nam")
    assert (value, src, d.part_of_day) == ("--11-11", "unknown", "afternoon")


def test_year_from_publication_date():
    _d, (value, src) = _one("Ngày 24/3, Phòng GD&ĐT quận Đống Đa", "2023-03-25T13:44")
    assert (value, src) == ("2023-03-24", "published_at")


def test_full_and_verbal_dates():
    assert _one("ký kết hôm 05/02/2017")[1] == ("2017-02-05", "text")
    assert _one("vào ngày 8 tháng 1 năm 2015")[1] == ("2015-01-08", "text")
    assert _one("sáng 14-7-2023 tại Hà Nội")[1][0] == "2023-07-14"
    assert _one("ký vào tháng 6/2015 giữa hai bên")[1] == ("2015-06", "text")


def test_january_and_december_by_name():
    assert _one("ký kết vào hôm 26 tháng Giêng tại Moskva")[1] == ("--01-26", "unknown")
    assert _one("ngày 23 tháng Chạp năm 2016")[1] == ("2016-12-23", "text")
    assert extract_dates(fold("ngày 5 tháng Giêngx")) == []


def test_relative_day_needs_publication_date():
    rel, explicit = extract_dates(fold("Ngày hôm qua (6/7), tại Berlin"))
    assert resolve(rel, "2017-07-07")[0] == "2017-07-06"
    assert resolve(explicit, "2017-07-07") == ("2017-07-06", "published_at")
    rel = extract_dates(fold("Chiều hôm qua, hai bên ký kết"))
    assert resolve(rel[0], None) == (None, "unknown")
    assert resolve(rel[0], "2020-01-01")[0] == "2019-12-31"


def test_invalid_dates_are_not_dates():
    assert extract_dates(fold("ngày 31/2 và ngày 99/99")) == []
    assert extract_dates(fold("tăng 13.5 lần")) == []


def test_a_range_of_a_count_is_not_a_date():
    assert extract_dates(fold("Dự kiến trong 7-10 năm tới, hai công ty sẽ sản xuất")) == []
    assert extract_dates(fold("mỗi đoàn 3-5 người")) == []
    # the same digits stay a date before a year or a comma
    assert _one("ngày 7-10 năm 2017 hai bên đã ký")[1] == ("--10-07", "unknown")
    assert _one("Chiều 7-10, hai bên ký kết")[1] == ("--10-07", "unknown")


def test_periods():
    ps = extract_periods(fold("phong trào giai đoạn 2019 - 2022 và năm học 2023-2024"))
    assert [(p.first, p.last) for p in ps] == [(2019, 2022), (2023, 2024)]
    assert extract_periods(fold("giai đoạn 2025 - 2019")) == []


def test_printed_publication_time():
    assert parse_printed_datetime("Sơn Dương 13:44 25/03/2023")[0] == "2023-03-25T13:44"
    assert parse_printed_datetime("6:20, Thứ Sáu, 14-7-2023")[0] == "2023-07-14T06:20"
    assert parse_printed_datetime("Ngày 13/7, tại TP. Đông Hà, Cụm thi đua số 6 khu vực Bắc Trung bộ") is None


@pytest.mark.parametrize("line,value", [
    ("08:30 | 05/06/2023", "2023-06-05T08:30"),
    ("Thứ Hai, 5/6/2023 | 08:30", "2023-06-05T08:30"),
    ("05.06.2023 08:30", "2023-06-05T08:30"),
    ("2023-06-05 08:30:00", "2023-06-05T08:30"),
    ("T2, 05/06/2023 08:30", "2023-06-05T08:30"),
    ("Thứ hai, ngày 05/06/2023 08:30 AM (GMT+7)", "2023-06-05T08:30"),
    # a section label after the time is not a sentence: "|", "AM" and the date are not its words
    ("07-03-2026 - 00:01 AM | Thị trường chứng khoán", "2026-03-07T00:01"),
    ("05/06-2023 08:30", None),  # mixed separators: not a printed date
    ("105/06/2023 08:30", None),  # no day of 105
    ("08:30 - 05/06/2023", "2023-06-05T08:30"),
    ("Thứ Hai, 05/06/2023 08:30 PM", "2023-06-05T20:30"),  # a 12-hour clock
    ("12:15 AM 05/06/2023", "2023-06-05T00:15"),
    ("07-03-2026 - 00:01 AM", "2026-03-07T00:01"),  # a 24-hour clock with a stray AM
    ("CN, 04/06/2023 20:15", "2023-06-04T20:15"),
    ("Thứ Hai, 05/06/2023", None),  # a day alone only where asked for
    ("Lúc 08:30 ngày 05/06/2023, lãnh đạo hai tỉnh đã ký kết biên bản hợp tác phát triển du lịch", None),
])
def test_printed_publication_time_formats(line, value):
    got = parse_printed_datetime(line)
    assert (got[0] if got else None) == value


@pytest.mark.parametrize("line,value", [
    ("Thứ Hai, 05/06/2023", "2023-06-05"),
    ("Ngày đăng: 05/06/2023", "2023-06-05"),
    ("Cập nhật 5-6-2023", "2023-06-05"),
    ("Thứ Hai, 05/06/2023 - 08:30", "2023-06-05T08:30"),  # a time still wins
    ("Ngày 05/06/2023, hai bên đã ký kết hợp tác.", None),  # a sentence's date is no dateline
    ("Thứ Hai, 05/06/2023, lãnh đạo hai tỉnh đã ký kết biên bản hợp tác", None),
    ("Thứ 2, 05/06/2023", "2023-06-05"),
    ("* Thứ Hai, 05/06/2023", "2023-06-05"),
    # an ordinal or a title is no weekday, a weekday's abbreviation inside a word is none
    ("Kỳ họp thứ năm ngày 05/06/2023", None),
    ("Gặp Thứ trưởng ngày 05/06/2023", None),
    ("Mẫu CT2, 05/06/2023", None),
    ("PCN 05/06/2023", None),
])
def test_a_dateline_may_print_its_day_alone(line, value):
    got = parse_printed_datetime(line, day_alone=True)
    assert (got[0] if got else None) == value


def test_year_printed_elsewhere_for_the_same_day():
    from extractors.dates import year_in_text

    text = fold("Hôm 05/02, hai bên ký thỏa thuận. Ảnh chụp tại Damascus hôm 05/02/2017.")
    assert year_in_text(text, 5, 2) == 2017
    assert year_in_text(text, 6, 2) is None
    # a printed range that contains the day fixes its year too
    assert year_in_text(fold("Đoàn thăm Việt Nam từ ngày 23-27/5/2017."), 24, 5) == 2017
    # … also when its first day prints its own month, across a month's end
    visit = fold("Thủ tướng thăm Nhật Bản từ ngày 4/6 – 8/6/2017; đoàn sang Nga từ ngày 28/6 - 3/7/2017.")
    assert (year_in_text(visit, 5, 6), year_in_text(visit, 9, 6), year_in_text(visit, 30, 6)) == (2017, None, 2017)
    # two different years for the day: undecided
    assert year_in_text(fold("ngày 1/3/2016 và ngày 1/3/2017"), 1, 3) is None


def test_a_date_reads_the_words_of_its_sentence_around_it():
    """What the date's sentence is about near the date (talks, a report, a signing) is a
    feature of the date; words of another sentence, or far along its own, are not."""
    from extractors.date_features import date_features

    far = "rất " * 50
    text = f"Trước đó, đoàn đã thăm nhà máy. Sáng 5/6, hai bên tiến hành hội đàm {far}tại thủ đô."
    folded = fold(text)
    (d,) = extract_dates(folded)
    s = text.index("Sáng")
    f = date_features(folded, d, 1, s, len(text), 1, s, s + 40, False, True, 1)
    assert f["S:hội"] == f["S:đàm"] == f["S:sáng"] == 0.3
    assert "S:thăm" not in f and "S:thủ" not in f
