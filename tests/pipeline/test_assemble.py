"""Assembling mentions into agreements, on articles written in the manner of the dev set."""
from pipeline.ingest import RawArticle
from pipeline.runner import process_article


def _record(body: str, published_at: str | None = None):
    text = "Tiêu đề bài viết\n" + body
    return process_article(RawArticle("t", text.encode("utf-8"), published_at=published_at), raise_errors=True)


def test_two_documents_at_one_meeting_are_two_agreements():
    rec = _record(
        "Chiều 5/7, tại La Hay, Thủ tướng Việt Nam Nguyễn Xuân Phúc và Thủ tướng Hà Lan Mark Rutte đã cùng "
        "Đại diện Ngân hàng Thế giới ký Bản ghi nhớ về hợp tác quản lý an toàn thực phẩm. "
        "Hai Thủ tướng đã ký Ý định thư về các dự án thích ứng với biến đổi khí hậu ở đồng bằng sông Cửu Long.")
    ags = rec.agreements
    assert [a.type for a in ags] == ["memorandum_of_understanding", "other"]
    assert {p.name for p in ags[0].parties} == {"Ngân hàng Thế giới", "Việt Nam", "Hà Lan"}
    assert {p.name for p in ags[1].parties} == {"Việt Nam", "Hà Lan"}
    # "Hai Thủ tướng" are the two office holders named before
    assert {(s.name, s.role) for s in ags[1].signatories} == {("Nguyễn Xuân Phúc", "signatory"), ("Mark Rutte", "signatory")}
    assert (ags[0].date.value, ags[0].date.part_of_day) == ("--07-05", "afternoon")
    assert ags[1].date.value == "--07-05"  # signed at the same meeting: the lead's date
    for a in ags:
        for p in a.parties:
            assert rec.text[p.start:p.end] == p.name


def test_setting_sentence_gives_date_and_place():
    rec = _record(
        "Chiều 6/7, tại Văn phòng Thương vụ ở thủ đô Berlin, đoàn công tác đã có buổi làm việc với các doanh nghiệp. "
        "Tại đây, Công ty CP Tập đoàn Hoành Sơn đã ký biên bản ghi nhớ với Tập đoàn Imal Pal Group (Italia).")
    (ag,) = rec.agreements
    assert [p.name for p in ag.parties] == ["Công ty CP Tập đoàn Hoành Sơn", "Tập đoàn Imal Pal Group"]
    assert (ag.date.value, ag.date.part_of_day) == ("--07-06", "afternoon")
    assert ag.location.text == "Văn phòng Thương vụ ở thủ đô Berlin"


def test_report_date_is_not_the_signing_date():
    rec = _record("Ngày 8/7, mạng tin quốc phòng Ấn Độ đưa tin tập đoàn Kalyani đã ký thỏa thuận thành lập liên doanh "
                  "với Tập đoàn Công nghiệp Không gian Israel (IAI).")
    (ag,) = rec.agreements
    # the two companies sign (the party model may also keep the reporting outlet's country:
    # in the labelled data a country after a lower-case noun is as often a party as not)
    assert {"tập đoàn Kalyani", "Tập đoàn Công nghiệp Không gian Israel"} <= {p.name for p in ag.parties}
    assert ag.date is None


def test_titles_are_names_not_descriptions():
    named = _record("Ngày 5/6, tại Tokyo, Nhật Bản, Tập đoàn BRG và Tập đoàn Sumitomo đã ký Thỏa thuận phát triển "
                    "đô thị thông minh Nhật Tân - Nội Bài nhằm xây dựng một thành phố mới.")
    (ag,) = named.agreements
    assert ag.title.text == "Thỏa thuận phát triển đô thị thông minh Nhật Tân - Nội Bài"
    assert ag.location.text == "Tokyo, Nhật Bản"  # the country after the comma belongs to the place
    generic = _record("Ngày 24/5, Thông tấn xã Việt Nam và Tân Hoa xã (THX) đã ký Thỏa thuận Hợp tác mới giữa hai hãng.")
    (ag,) = generic.agreements
    assert ag.title is None
    quoted = _record("Sở GDĐT tỉnh Bắc Ninh và Sở GDĐT tỉnh Bắc Giang đã ký kết chương trình hợp tác nhằm “xoa dịu” "
                     "khó khăn của ngành.")
    (ag,) = quoted.agreements
    assert ag.title is None  # a lower-case quotation is a figure of speech, not a programme's name


def test_background_signings_are_referenced():
    # no publication date: the latest full date the article prints sets its present, and a
    # signing in an earlier year is background — referenced, or (the mention model's call)
    # not an agreement at all; never the article's news
    rec = _record("Ngày 20/9/2016, Công ty Hoàng Gia và Công ty Cổ phần Minh Phát đã ký hợp đồng chuyển nhượng dự án. "
                  "Ngày 5/6/2017, Công an tỉnh đã khởi tố vụ án.")
    assert all(ag.status == "referenced" and ag.date.value == "2016-09-20" for ag in rec.agreements)
    # the same signing in the article's present year is its news (an agreement word: a bare
    # "hợp đồng" between companies with a full date is, in the bench, mostly a court case's
    # background, and the mention model has learnt so)
    rec = _record("Ngày 5/6/2017, Công ty Hoàng Gia và Công ty Cổ phần Minh Phát đã ký kết thỏa thuận hợp tác đầu tư dự án nhà máy.")
    assert [ag.status for ag in rec.agreements] == ["signed"]
    # a plan year ("đến năm 2030") is not the present
    rec = _record("Ngày 24/3/2023, Phòng GD&ĐT quận Đống Đa và Phòng GD&ĐT huyện Sóc Sơn đã ký kết biên bản ghi nhớ "
                  "hướng tới mục tiêu đến năm 2030.")
    (ag,) = rec.agreements
    assert ag.status == "signed"
    # the signing's clause prints an earlier year, whatever date is found elsewhere
    rec = _record("Ngày 4/7/2017, Triều Tiên phóng thử tên lửa đạn đạo. Năm 1994, chính quyền Tổng thống Bill Clinton "
                  "đã nhất trí viện trợ cho Triều Tiên, đổi lại việc Bình Nhưỡng ký kết một thỏa thuận với Mỹ "
                  "về từ bỏ chương trình hạt nhân.")
    assert rec.agreements and all(a.status == "referenced" for a in rec.agreements)
    # an anniversary of a signing
    rec = _record("Hai nước tổ chức kỷ niệm 40 năm Ngày ký Hiệp ước hữu nghị và hợp tác giữa Việt Nam và Lào.")
    assert all(a.status == "referenced" for a in rec.agreements)


def test_offices_refusals_speakers_and_venues():
    # "Bộ trưởng Quốc phòng Mỹ" is an office (its country signs), not a ministry named "Bộ …"
    rec = _record("Các Bộ trưởng Quốc phòng Mỹ và Qatar đã ký thỏa thuận chuyển giao chiến đấu cơ F-15.")
    (ag,) = rec.agreements
    assert [p.name for p in ag.parties] == ["Mỹ", "Qatar"]
    # refusing to sign is not a signing
    assert _record("Thủ tướng Đức nói việc Mỹ và Nga từ chối ký tuyên bố chung là điều đáng tiếc.").agreements == []
    # the country after "tại Tokyo," is part of the venue, not a party
    rec = _record("Ngày 5/6, tại Tokyo, Nhật Bản, Tập đoàn BRG và Tập đoàn Sumitomo đã ký thỏa thuận hợp tác.")
    (ag,) = rec.agreements
    assert [p.name for p in ag.parties] == ["Tập đoàn BRG", "Tập đoàn Sumitomo"] and ag.location.text == "Tokyo, Nhật Bản"


def test_who_reports_a_signing_and_who_signs():
    # the reported clause has no subject of its own: the speaker signed
    rec = _record("General Electric (GE) cho biết đã ký hợp đồng trị giá 5,58 tỷ USD với Tập đoàn Điện lực Việt Nam.")
    (ag,) = rec.agreements
    assert {p.name for p in ag.parties} == {"General Electric", "Tập đoàn Điện lực Việt Nam"}
    # it has one: the speaker's side only reports it
    rec = _record("Bộ trưởng Bộ Kinh tế Hà Lan cho rằng việc Công ty Hoàng Gia và Công ty Minh Phát vừa ký kết hợp đồng là quan trọng.")
    (ag,) = rec.agreements
    assert [p.name for p in ag.parties] == ["Công ty Hoàng Gia", "Công ty Minh Phát"]


def test_listed_documents_are_agreements_not_terms_of_each_other():
    rec = _record("Ngày 29-6, Chủ tịch nước đã hội đàm với Tổng thống Nga. Ngay sau cuộc hội đàm, Chủ tịch nước Trần Đại "
                  "Quang và Tổng thống V.Putin đã chứng kiến lễ ký kết các văn kiện hợp tác gồm: Thỏa thuận hợp tác "
                  "giữa Thông tấn xã Việt Nam và Hãng Thông tấn nước Nga ngày nay; Bản ghi nhớ giữa Bộ Công an Việt Nam "
                  "và Bộ Nội vụ Liên bang Nga về phòng chống ma túy; Thỏa thuận hợp tác khoa học giữa Viện Hàn lâm Khoa "
                  "học xã hội Việt Nam và Viện Nghiên cứu chiến lược Nga.")
    assert [[p.name for p in a.parties] for a in rec.agreements if a.status == "signed"] == [
        ["Thông tấn xã Việt Nam", "Hãng Thông tấn nước Nga"], ["Bộ Công an Việt Nam", "Bộ Nội vụ Liên bang Nga"],
        ["Viện Hàn lâm Khoa học xã hội Việt Nam", "Viện Nghiên cứu chiến lược Nga"]]
    # each listed document is an agreement of its own, never a term (clause) of another
    assert [c.text for a in rec.agreements for c in a.clauses] == []


def test_the_ceremony_told_after_the_lead_is_the_same_signing():
    rec = _record("Vinalines ký biên bản hợp tác với Tập đoàn NYK Line (Nhật Bản) về nghiên cứu phát triển vận tải. "
                  "Chiều 5/6, tại Tokyo đã diễn ra Lễ ký kết biên bản ghi nhớ giữa Tổng công ty Hàng hải Việt Nam "
                  "(Vinalines) và Tập đoàn NYK Line. "
                  "Dự và chỉ đạo Lễ ký kết có Thứ trưởng Bộ Giao thông vận tải Nguyễn Nhật và Thứ trưởng Bộ Công "
                  "Thương Trần Quốc Khánh.")
    (ag,) = rec.agreements
    names = {p.name for p in ag.parties}
    assert "Tập đoàn NYK Line" in names and not any(n.startswith(("Bộ Giao thông", "Bộ Công Thương")) for n in names)


def test_status_weighs_every_mention_of_the_signing():
    """A signing's status is the mention model's evidence summed over all its mentions; the
    first mention's ConText modifier (here: hypothetical) still decides."""
    from extractors.events import EventMention
    from pipeline.assemble import _status
    from pipeline.document import Document, Span
    from pipeline.grouping import Group

    text = "Hai bên đã ký thỏa thuận. Thỏa thuận đã được ký từ lâu."
    doc = Document(article_id="t", text=text, folded=text.lower())

    def mention(at: int, cue: str, probs: dict, **info) -> Span:
        m = EventMention(trigger=(at, at + 2), sentence=(0, len(text)), clause=(0, len(text)), doc_type=None,
                         doc_priority=0, doc_span=None, cue=cue, anaphoric=False, personal=False, rule="t",
                         extras={"probs": probs, "info": info})
        return Span(at, at + 2, "event", value=m)

    lead = {"signed": 0.50, "planned": 0.05, "referenced": 0.45}
    retold = {"signed": 0.05, "planned": 0.05, "referenced": 0.90}
    assert _status(doc, Group(mentions=[mention(11, "signed", lead)]), None) == "signed"
    two = Group(mentions=[mention(11, "signed", lead), mention(44, "referenced", retold)])
    assert _status(doc, two, None) == "referenced"
    planned = Group(mentions=[mention(11, "planned", lead, future=True), mention(44, "referenced", retold)])
    assert _status(doc, planned, None) == "planned"
    # the lead counts twice: a firm lead outweighs two retellings told against later events
    # ("Trước đó, ông Tillerson đã ký …", "thỏa thuận mà Mỹ ký với Qatar"), a hesitant one does not
    firm = {"signed": 0.89, "planned": 0.01, "referenced": 0.10}
    later = [mention(30, "referenced", {"signed": 0.11, "planned": 0.03, "referenced": 0.86}),
             mention(44, "referenced", {"signed": 0.15, "planned": 0.15, "referenced": 0.70})]
    assert _status(doc, Group(mentions=[mention(11, "signed", firm), *later]), None) == "signed"
    assert _status(doc, Group(mentions=[mention(11, "signed", lead), *later]), None) == "referenced"


def test_the_members_of_a_list_of_parties_share_their_role():
    """Coordination: a list of open-class names joined by commas and "và" is one set of
    parties, although the model alone keeps only the names nearest the trigger."""
    rec = _record("Chiều 11-5, các doanh nghiệp viễn thông di động là Viettel, VNPT-VinaPhone, MobiFone, Vietnamobile "
                  "và Gtel đã ký cam kết phối hợp ngăn chặn tin nhắn rác.")
    (ag,) = rec.agreements
    assert [p.name for p in ag.parties] == ["Viettel", "VNPT-VinaPhone", "MobiFone", "Vietnamobile", "Gtel"]
    assert all(rec.text[p.start:p.end] == p.name for p in ag.parties)
    # a venue joined by a comma stays a venue
    rec = _record("Ngày 5/3, tại Hà Nội, Tập đoàn FPT và Tập đoàn Masan đã ký kết thỏa thuận hợp tác chiến lược.")
    (ag,) = rec.agreements
    assert [p.name for p in ag.parties] == ["Tập đoàn FPT", "Tập đoàn Masan"]


def test_a_signing_told_at_the_time_of_the_talks_takes_the_talks_sentence_as_its_setting():
    """"Sau hội đàm, … đã ký": the latest sentence before it that prints a date is one of the
    signing's settings, however many sentences lie between (the date model weighs it); a
    signing not told at such a time does not get it."""
    from extractors import events as events_x
    from pipeline.assemble import _settings
    from pipeline.runner import prepare_document

    lead = "Chiều 27/6, tại Minsk, Chủ tịch nước Trần Đại Quang hội đàm với Tổng thống Belarus."
    filler = " ".join(f"Hai bên trao đổi về lĩnh vực thứ {i} của quan hệ hai nước." for i in range(5))
    for opener, expected in (("Sau hội đàm, ", True), ("Trước đó cùng ngày, ", True), ("Ngoài ra, ", False)):
        text = f"{lead} {filler} {opener}Bộ Công Thương và Bộ Công nghiệp Belarus đã ký kết thỏa thuận hợp tác.\n"
        doc = prepare_document(RawArticle("t", text))
        (ev,) = [e for e in events_x.candidates(doc) if "ký kết" in doc.text[e.start:e.end]]
        sentences = [doc.text[s:e] for (s, e), _t in _settings(doc, [ev])]
        assert (lead in sentences) is expected, (opener, sentences)


def test_a_time_reference_to_a_named_event_takes_the_date_of_the_sentence_that_told_that_event():
    """"Sau hội đàm, …" after a later-dated aside: the setting is the latest date up to the
    sentence that told of the talks ("sáng 5/6 … tiến hành hội đàm"), not the aside's date;
    "Cùng ngày, …" names no event and keeps the latest dated sentence before it."""
    from extractors import events as events_x
    from pipeline.assemble import _settings
    from pipeline.runner import prepare_document

    talks = "Sáng 5/6, hai Bộ trưởng đã tiến hành hội đàm tại Havana."
    aside = "Ngày 7/6, đoàn sẽ thăm một đơn vị quân đội."
    assert events_x.time_reference("sau hội đàm, hai bên ký", 0) == "hội đàm"
    assert events_x.time_reference("cùng ngày, hai bên ký", 0) == ""
    assert events_x.time_reference("ngoài ra, hai bên ký", 0) is None
    for opener, expected in (("Sau hội đàm, ", talks), ("Cùng ngày, ", aside)):
        text = f"{talks} {aside} {opener}Bộ Quốc phòng hai nước đã ký kết thỏa thuận hợp tác.\n"
        doc = prepare_document(RawArticle("t", text))
        (ev,) = [e for e in events_x.candidates(doc) if "ký kết" in doc.text[e.start:e.end]]
        sentences = [doc.text[s:e] for (s, e), _t in _settings(doc, [ev])]
        assert sentences[1:] == [expected], (opener, sentences)
