"""Dates, parts of day and validity periods in Vietnamese news text.

Vietnamese dates are day/month ("6/3" is 6 March). A date without a year gets the year of
the article's publication (`year_source="published_at"`) when that is known, else it stays
partial ("--03-06"). Today's date is never used.
"""
from __future__ import annotations

import bisect
import datetime as dt
import itertools
from dataclasses import dataclass
from functools import lru_cache

import regex

from extractors.lexicons import load
from pipeline.textnorm import fold

NAME = "dates"


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    day: int | None
    month: int | None
    year: int | None
    part_of_day: str | None
    relative: int | None = None  # days from the publication date (hôm qua = -1)
    source: str = "dates.rule"


@dataclass(frozen=True)
class PeriodMention:
    start: int
    end: int
    first: int
    last: int
    source: str = "dates.period"


def _valid(day: int | None, month: int | None, year: int | None) -> bool:
    if month is not None and not 1 <= month <= 12:
        return False
    if year is not None and not 1900 <= year <= 2100:
        return False
    if day is not None:
        if month is None or not 1 <= day <= 31:
            return False
        try:
            dt.date(year or 2000, month, day)  # 2000 is a leap year: 29/2 stays possible
        except ValueError:
            return False
    return True


def _year(text: str | None) -> int | None:
    if not text:
        return None
    y = int(text)
    if y < 100:
        y += 2000
    return y


@lru_cache(maxsize=1)
def _patterns():
    lex = load("dates")
    pods = "|".join(regex.escape(p["word"]) for p in lex["part_of_day"])
    weekday = "|".join(regex.escape(w) for w in lex["weekdays"])
    pod_re = rf"(?P<pod>{pods})(?:\s+(?:nay|qua|mai))?"
    lead = rf"(?:(?:{pod_re})\s+)?(?:(?:ngày|hôm)\s+)?(?:(?:{weekday})\s*,?\s*(?:ngày\s+)?)?(?:\(\s*)?"
    units = "|".join(regex.escape(w) for w in lex["count_units"])
    numeric = regex.compile(
        rf"(?<![\p{{L}}\p{{N}}/.-]){lead}"
        r"(?P<d>\d{1,2})\s*(?P<sep>[/.-])\s*(?P<m>\d{1,2})(?:\s*(?P=sep)\s*(?P<y>\d{4}))?"
        r"(?![\p{N}]|[/.-]\d|\s*%)"
        # "trong 7-10 năm tới", "3-5 người": a range of a count, not a day and month
        rf"(?(y)|(?!\s*(?:{units})(?!\p{{L}}|\s*\d{{4}})))"
    )
    names = "|".join(regex.escape(m["word"]) for m in lex["month_names"])
    verbal = regex.compile(
        rf"(?<![\p{{L}}\p{{N}}]){lead}(?P<d>\d{{1,2}})\s+tháng\s+(?P<m>\d{{1,2}}|{names})(?:\s*(?:năm|,)\s*(?P<y>\d{{4}}))?(?![\p{{N}}\p{{L}}])"
    )
    month_year = regex.compile(
        r"(?<![\p{L}\p{N}])tháng\s+(?P<m>\d{1,2})\s*(?:/|năm|-)\s*(?P<y>\d{4})(?!\p{N})"
    )
    relative = regex.compile(
        rf"(?<!\p{{L}})(?:(?:{pod_re})\s+)?(?P<rel>"
        + "|".join(sorted((regex.escape(r["phrase"]) for r in lex["relative_days"]), key=len, reverse=True))
        + r")(?!\p{L})"
    )
    pod_only = regex.compile(rf"(?<!\p{{L}})(?P<pod>{pods})\s+(?P<w>nay|hôm nay)(?!\p{{L}})")
    period = regex.compile(
        r"(?<!\p{L})(?P<lead>giai đoạn|năm học|nhiệm kỳ|thời kỳ|niên khóa|từ năm|thời hạn)?\s{0,5}"
        r"(?P<a>(?:19|20)\d{2})\s*(?:-|–|—|đến|tới|/)\s*(?P<b>(?:19|20)\d{2})(?!\p{N})"
    )
    pod_value = {p["word"]: p["value"] for p in lex["part_of_day"]}
    rel_value = {r["phrase"]: r["offset"] for r in lex["relative_days"]}
    month_value = {m["word"]: m["month"] for m in lex["month_names"]}
    return numeric, verbal, month_year, relative, pod_only, period, pod_value, rel_value, month_value


def extract_dates(folded: str, start: int = 0, end: int | None = None) -> list[DateMention]:
    """Date mentions in `folded[start:end]` (folded text: lower case, same offsets)."""
    numeric, verbal, month_year, relative, pod_only, _period, pod_value, rel_value, month_value = _patterns()
    end = len(folded) if end is None else end
    out: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for pat, source in ((verbal, "dates.verbal"), (numeric, "dates.numeric")):
        for m in pat.finditer(folded, start, end):
            mo_text = m.group("m")
            d, mo, y = int(m.group("d")), int(mo_text) if mo_text.isdigit() else month_value[mo_text], _year(m.group("y"))
            if source == "dates.numeric" and m.group("sep") == "." and not (m.group("pod") or "ngày" in m.group(0) or "hôm" in m.group(0)):
                continue  # "13.5" alone is a number, not a date
            if not _valid(d, mo, y) or not free(m.start(), m.end()):
                continue
            pod = pod_value.get(m.group("pod")) if m.group("pod") else None
            out.append(DateMention(m.start(), m.end(), d, mo, y, pod, source=source))
            taken.append((m.start(), m.end()))
    for m in month_year.finditer(folded, start, end):
        mo, y = int(m.group("m")), _year(m.group("y"))
        if _valid(None, mo, y) and free(m.start(), m.end()):
            out.append(DateMention(m.start(), m.end(), None, mo, y, None, source="dates.month_year"))
            taken.append((m.start(), m.end()))
    for m in relative.finditer(folded, start, end):
        if free(m.start(), m.end()):
            pod = pod_value.get(m.group("pod")) if m.group("pod") else None
            out.append(DateMention(m.start(), m.end(), None, None, None, pod,
                                   relative=rel_value[m.group("rel")], source="dates.relative"))
            taken.append((m.start(), m.end()))
    for m in pod_only.finditer(folded, start, end):
        if free(m.start(), m.end()):
            out.append(DateMention(m.start(), m.end(), None, None, None, pod_value[m.group("pod")],
                                   relative=0, source="dates.relative"))
            taken.append((m.start(), m.end()))
    out.sort(key=lambda x: x.start)
    return out


@lru_cache(maxsize=1)
def _report_verbs() -> regex.Pattern[str]:
    words = sorted((fold(w) for w in load("dates")["report_verbs"]), key=len, reverse=True)
    return regex.compile(r"(?<!\p{L})(?:" + "|".join(regex.escape(w) for w in words) + r")(?!\p{L})")


def article_dates(doc) -> list[DateMention]:
    """Every date mention of a Document's text, found once per article (cached on it)."""
    if "_dates" not in doc.meta:
        doc.meta["_dates"] = extract_dates(doc.folded)
    return doc.meta["_dates"]


def latest_year(doc) -> int | None:
    """The year of the latest full date the article prints (news is written about its
    present; bare years — "tầm nhìn đến năm 2030" — are plans, not the present)."""
    years = [d.year for d in article_dates(doc) if d.year and d.day]
    return max(years) if years else None


_BARE_YEAR = regex.compile(r"(?<![\p{N}/.-])((?:19|20)\d{2})(?!\p{N})")
# a year after these words is a plan's horizon or a range's end, not the article's present
_RANGE_AFTER = regex.compile(r"[ \t]{0,3}(?:-|–|đến)[ \t]{0,3}\d")
_PLAN_BEFORE = regex.compile(r"(?:đến|tới|tầm nhìn|giai đoạn|trước|sau|từ|-|–)\s*(?:năm\s*)?$")


def year_mentions(doc) -> list[tuple[int, int]]:
    """(offset, year) of every year the article prints: in its dates ("tháng 2-2013",
    "16.08.2008") and alone ("năm 2013"), in text order, found once per article."""
    if "_years" not in doc.meta:
        dated = [(d.start, d.end, d.year) for d in article_dates(doc) if d.year]
        bare = [(m.start(1), int(m.group(1))) for m in _BARE_YEAR.finditer(doc.folded)
                if not any(s <= m.start(1) < e for s, e, _y in dated)]
        doc.meta["_years"] = sorted([(s, y) for s, _e, y in dated] + bare)
    return doc.meta["_years"]


def _years_in(doc, start: int, end: int):
    """(offset, year) of the years the article prints between two offsets."""
    ys = year_mentions(doc)
    i = bisect.bisect_left(ys, (start, 0))
    while i < len(ys) and ys[i][0] < end:
        yield ys[i]
        i += 1


def years_between(doc, start: int, end: int) -> list[int]:
    """The years the article prints between two offsets."""
    return [y for _at, y in _years_in(doc, start, end)]


def _not_a_plan(folded: str, at: int) -> bool:
    """The year at `at` is not a plan's horizon or a range's end ("đến năm 2030", "2019-2022")."""
    return not _PLAN_BEFORE.search(folded, max(0, at - 20), at) \
        and not _RANGE_AFTER.match(folded, at + 4, min(len(folded), at + 12))


def present_year(doc) -> int | None:
    """The article's present as the years it prints suggest, for a day told without a year:
    the latest full date, else the latest month of a year ("tháng 1/2017"), else the latest
    year named most often (at least twice) outside plans and ranges ("Xuân Đinh Dậu 2017",
    not "đến năm 2030"); ties go to the later year."""
    years = latest_year(doc)
    if years:
        return years
    months = [d.year for d in article_dates(doc) if d.year and d.month]
    if months:
        return max(months)
    folded = doc.folded
    bare = [int(m.group(1)) for m in _BARE_YEAR.finditer(folded)
            if not _PLAN_BEFORE.search(folded, max(0, m.start() - 20), m.start())]
    if not bare:
        return None
    count, year = max((bare.count(y), y) for y in set(bare))
    return year if count >= 2 else None


def year_near(doc, spans: list[tuple[int, int]]) -> int | None:
    """The year printed most often (ties: the later) inside `spans` — a signing's sentences and
    the article's lead — outside plans and ranges ("đến năm 2030", "giai đoạn 2019-2022")."""
    years = [y for s, e in spans for at, y in _years_in(doc, s, e) if _not_a_plan(doc.folded, at)]
    if not years:
        return None
    return max((years.count(y), y) for y in set(years))[1]


def dates_a_report(folded: str, date_end: int, trigger_start: int) -> bool:
    """The date heads a reporting verb that comes before the signing trigger."""
    return date_end < trigger_start and reports(folded, date_end, trigger_start)


def reports(folded: str, start: int, end: int) -> bool:
    """A reporting verb ("cho biết", "thông báo" …) stands between two offsets."""
    return bool(_report_verbs().search(folded, start, end))


_DAY_RANGE = regex.compile(
    r"(?<![\p{N}/])(?P<d1>\d{1,2})(?:\s*/\s*(?P<m1>\d{1,2}))?\s*(?:-|–|đến)\s*(?:ngày\s+)?(?P<d2>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*/\s*(?P<y>\d{4})(?!\p{N})")


def year_in_text(folded: str, day: int, month: int, mentions: list[DateMention] | None = None) -> int | None:
    """The year the article prints for a day it elsewhere gives without one: a full date of
    the same day ("hôm 05/02/2017") or a printed range that contains it ("từ ngày
    23-27/5/2017", "từ ngày 4/6 – 8/6/2017"). None when the text prints no such year, or several. `mentions`: the
    article's date mentions when the caller already has them."""
    mentions = extract_dates(folded) if mentions is None else mentions
    years = {d.year for d in mentions if d.year and d.day == day and d.month == month}
    for m in _DAY_RANGE.finditer(folded):
        first = (int(m.group("m1") or m.group("m")), int(m.group("d1")))
        if first <= (month, day) <= (int(m.group("m")), int(m.group("d2"))):
            years.add(int(m.group("y")))
    return years.pop() if len(years) == 1 else None


def extract_periods(folded: str, start: int = 0, end: int | None = None) -> list[PeriodMention]:
    period = _patterns()[5]
    out = []
    for m in period.finditer(folded, start, len(folded) if end is None else end):
        a, b = int(m.group("a")), int(m.group("b"))
        if not a < b <= a + 50:
            continue  # "2025 - 2019" is not a period; neither is a 200-year span
        s = m.start("lead") if m.group("lead") else m.start("a")
        out.append(PeriodMention(s, m.end(), a, b))
    return out


def published_day(published: str | None) -> dt.date | None:
    """The day of an ISO publication date ("2017-07-05", "2017-07-05T08:30"); None when it is
    absent or known only to the month or year."""
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10])
    except ValueError:
        return None


def _year_before(month: int, ref_month: int) -> bool:
    """Whether a day and month without a year, told in a text of month `ref_month`, falls in
    the year before: an event told in January about "28/12" happened the year before."""
    return month - ref_month > 6


def resolve(mention: DateMention, published: str | None) -> tuple[str | None, str]:
    """ISO value and year source of a date mention, anchored to the publication date."""
    pub = published_day(published)
    if mention.relative is not None:
        if pub is None:
            return None, "unknown"
        return (pub + dt.timedelta(days=mention.relative)).isoformat(), "published_at"
    if mention.month is None:
        return None, "unknown"
    if mention.year is not None:
        if mention.day is None:
            return f"{mention.year:04d}-{mention.month:02d}", "text"
        return f"{mention.year:04d}-{mention.month:02d}-{mention.day:02d}", "text"
    if mention.day is None:
        return None, "unknown"
    if pub is not None:
        year = pub.year - _year_before(mention.month, pub.month)
        if _valid(mention.day, mention.month, year):
            return f"{year:04d}-{mention.month:02d}-{mention.day:02d}", "published_at"
    return f"--{mention.month:02d}-{mention.day:02d}", "unknown"


# separators are possessive: a run of spaces is read once, never re-split (linear on any line)
_DMY = r"(?<!\d)(?P<d{k}>\d{{1,2}})(?P<s{k}>[/.-])(?P<m{k}>\d{{1,2}})(?P=s{k})(?P<y{k}>\d{{4}})(?!\d)"
_CLOCK = r"(?<!\d)(?P<h{k}>\d{{1,2}})[:h](?P<mi{k}>\d{{2}})(?::\d{{2}})?(?!\d)(?:\s*+(?P<ap{k}>[ap]m)(?!\p{{L}}))?"


def _words_alt(words) -> str:
    """Lexicon words as one whole-word alternation, their spaces any run of spaces."""
    alts = sorted({regex.escape(w).replace("\\ ", " ").replace(" ", "\\s++") for w in words}, key=len, reverse=True)
    return r"(?<![\p{L}\d])(?:" + "|".join(alts) + r")(?![\p{L}\d])"


@lru_cache(maxsize=1)
def _printed_patterns() -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    """A printed publication time, and a day printed alone at a line's start after a weekday or
    a publishing label; the weekdays and labels are the lexicon's."""
    lex = load("dates")
    weekday = _words_alt(lex["weekdays"] + lex["dateline_weekdays"])
    printed = regex.compile(
        # "13:44 25/03/2023", "08:30 | 05/06/2023", "6:20, Thứ Sáu, 14-7-2023"
        rf"(?:{_CLOCK.format(k=1)}[\s,|-]*+(?:{weekday}[\s,]*+)?(?:ngày\s++)?{_DMY.format(k=1)})"
        # "Thứ Hai, 05/06/2023 - 08:30", "05.06.2023 | 08:30", "5/6/2023, 08:30 (GMT+7)"
        rf"|(?:(?:{weekday}[\s,]*+)?(?:ngày\s++)?{_DMY.format(k=2)}[\s,|-]*+(?:lúc\s*+)?{_CLOCK.format(k=2)}"
        r"(?:\s*+\(?GMT\s*+\+\s*+7\)?)?)"
        # "2023-06-05 08:30:00", "2023-06-05T08:30"
        r"|(?:(?<!\d)(?P<y3>\d{4})-(?P<m3>\d{1,2})-(?P<d3>\d{1,2})(?:T|\s++)(?P<h3>\d{1,2}):(?P<mi3>\d{2})(?::\d{2})?(?!\d))",
        regex.IGNORECASE,
    )
    # "Thứ Hai, 05/06/2023", "Ngày đăng: 05/06/2023", "Cập nhật 05-06-2023"
    day = regex.compile(
        rf"^[\W_]*+(?:{weekday}|{_words_alt(lex['dateline_labels'])})[\s,:|-]*+(?:ngày\s++)?" + _DMY.format(k=1),
        regex.IGNORECASE,
    )
    return printed, day


_REST_WORD = regex.compile(r"(?i)(?<!\p{L})(?!(?:am|pm|gmt)(?!\p{L}))\p{L}+")


def parse_printed_datetime(line: str, day_alone: bool = False) -> tuple[str, tuple[int, int]] | None:
    """A printed publication time ("13:44 25/03/2023", "6:20, Thứ Sáu, 14-7-2023", "Thứ Hai,
    05/06/2023 | 08:30", "2023-06-05 08:30:00") → ISO minute; with `day_alone`, a dateline
    that prints only its day after a weekday or a publishing label ("Thứ Hai, 05/06/2023",
    "Ngày đăng: 05/06/2023") → ISO day. None for a sentence that happens to hold a date."""
    printed, printed_day = _printed_patterns()
    m = printed.search(line)
    if m:
        g = m.groupdict()
        sfx = next(k for k in "123" if g["d" + k])
        d, mo, y = int(g["d" + sfx]), int(g["m" + sfx]), int(g["y" + sfx])
        h, mi = int(g["h" + sfx]), int(g["mi" + sfx])
        half = (g.get("ap" + sfx) or "").lower()
        if half and 1 <= h <= 12:  # "08:30 PM" is 20:30, "12:15 AM" is 00:15; "00:01 AM", "13:30 PM": a 24-hour clock
            h = h % 12 + (12 if half == "pm" else 0)
        if not _valid(d, mo, y) or h > 23 or mi > 59:
            return None
        value = f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}"
        most = 5
    elif day_alone and (m := printed_day.match(line)):
        d, mo, y = int(m.group("d1")), int(m.group("m1")), int(m.group("y1"))
        if not _valid(d, mo, y):
            return None
        value = f"{y:04d}-{mo:02d}-{d:02d}"
        most = 2
    else:
        return None
    rest = line[: m.start()] + " " + line[m.end():]
    if len(_REST_WORD.findall(rest)) > most:
        return None  # a sentence that happens to contain a time, not a dateline
    return value, (m.start(), m.end())


def news_day(doc) -> DateMention | None:
    """The day the article is news on, for judging a signing's date against it: the
    publication day when known, else the first day-and-month date of its first two
    sentences (news opens with its day: "Ngày 5/7, tại Hà Nội, …"), else the first the
    article prints at all. Found once per article."""
    if "_news_day" not in doc.meta:
        pub = published_day(doc.published_at)
        if pub is not None:
            day = DateMention(-1, -1, pub.day, pub.month, pub.year, None, source="published_at")
        else:
            sentences = doc.layer("sentences")
            lead_end = sentences[min(1, len(sentences) - 1)].end if sentences else min(len(doc.folded), 400)
            days = [m for m in article_dates(doc) if m.day and m.month]
            day = next((m for m in days if m.start < lead_end), days[0] if days else None)
        doc.meta["_news_day"] = day
    return doc.meta["_news_day"]


def when_against_news(doc, clause: tuple[int, int], trigger: tuple[int, int], present: int | None) -> str:
    """How the date nearest a signing trigger in its clause (the nearest before it, else after
    it) stands against the article's news day: "today" (that day, or a relative day of the
    last two: "sáng nay", "hôm qua"), "recent" (up to a month before), "past" (longer
    before, or an earlier year than the article's present), "later", "dated" (a date that
    cannot be compared) or "none" (no date in the clause)."""
    dates = article_dates(doc)  # in text order
    lo = bisect.bisect_left(dates, clause[0], key=lambda m: m.start)
    near = [m for m in itertools.takewhile(lambda m: m.start < clause[1], itertools.islice(dates, lo, None))
            if m.day or m.month or m.relative is not None]
    if not near:
        return "none"
    before = [m for m in near if m.end <= trigger[0]]
    m = before[-1] if before else near[0]
    if m.relative is not None:
        return "today" if m.relative >= -2 else "past"
    if m.year and present and m.year < present:
        return "past"
    news = news_day(doc)
    if news is None or news.month is None:
        return "dated"
    if not m.day:  # a month: the news day's month, or before it
        if m.year and news.year and m.year != news.year:
            return "past" if m.year < news.year else "later"
        return "today" if m.month == news.month else ("past" if m.month < news.month else "later")
    year = news.year or 2000  # a news day without a year: compare within one year
    m_year = m.year if m.year and news.year else year - _year_before(m.month, news.month)
    try:
        delta = (dt.date(year, news.month, news.day) - dt.date(m_year, m.month, m.day)).days
    except ValueError:
        return "dated"
    if -2 <= delta <= 2:
        return "today"
    if delta < 0:
        return "later"
    return "recent" if delta <= 31 else "past"
