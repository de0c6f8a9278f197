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
    "Chủ tịch UBND tỉnh vừa ký Kết luận số 09/KL-UBND về nội dung thanh tra.",
    "Sắc lệnh trên đã được Tổng thống Putin ký và đăng tải trên cổng thông tin của Chính phủ Nga.",
    "Chỉ thị này đã được ký ngay lúc 13 giờ chiều nay, mang số 20.",
    "Chiều 12/7, Chi cục trưởng ký báo cáo gửi UBND tỉnh về vụ ngộ độc.",
    # one official signing a letter, report or approval: "ký văn bản …" without an agreement word
    "Ngày 14/7, Chủ tịch UBND thành phố ký văn bản báo cáo Thủ tướng về giải pháp chống sạt lở.",
    "Phó Chủ tịch huyện đã ký các văn bản chấp thuận cho doanh nghiệp thuê đất.",
    "Đó là nội dung bản báo cáo 1558/SYT-NVD do Giám đốc Sở Y tế tỉnh Bình Định Lê Quang Hùng ký hôm 11.7.",
    "Tại công văn số 314, do bà Trần Thị Thảo – Phó Giám đốc Sở ký ngày 7.4, nêu rõ chế độ làm việc.",
    "Chủ tịch nước đã ký thư chúc mừng nhà giáo nhân dịp sinh nhật.",
])
def test_other_senses_of_ky_are_not_signings(text):
    assert _mentions(text) == []


def _rule_candidates(text):
    doc = make_doc(text)
    return [e.value.rule for e in events.candidates(doc) if events.rule_accepts(e.value)]


def test_a_passive_agreement_is_still_a_candidate():
    # the single-signer filter reads the passive subject: an agreement word there is kept as a
    # candidate the rules accept (the mention model then decides: "do … ký" in the bench is
    # mostly one official signing a paper, so it may still call this one none)
    assert _mentions("Thỏa thuận này đã được Bộ trưởng hai nước ký kết tại Hà Nội.")
    assert _rule_candidates("Văn bản hợp tác do Giám đốc hai sở ký tại Hà Nội có hiệu lực 5 năm.") == ["trig.ky"]
    assert _rule_candidates("Quyết định do Giám đốc sở ký tại Hà Nội có hiệu lực 5 năm.") == []


def test_a_document_named_as_an_agreement_is_still_a_signing():
    assert _mentions("Sở Y tế và Sở Giáo dục đã ký văn bản hợp tác về chăm sóc sức khỏe học sinh.")
    assert _mentions("Hai bên đã ký văn bản thỏa thuận về đầu tư xây dựng nhà máy.")


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


def test_player_contract_is_suggested_as_personal_and_rejected():
    doc = make_doc("Tiền đạo Mbappe đã ký hợp đồng với CLB Real Madrid.")
    (cand,) = events.candidates(doc)
    assert cand.value.personal and cand.value.doc_type == "contract"
    assert events.extract(doc) == []  # a player's contract is not an agreement between organisations


def test_the_article_s_player_and_artist_words_are_counted_outside_names():
    """A contract told without a player word in its own sentence, in a football story, carries
    the story's count of such words (names such as "Liên đoàn Lao động" do not count)."""
    from extractors.event_features import mention_features

    doc = make_doc("Cầu thủ người Pháp được chờ đợi từ lâu. Mùa giải mới sắp bắt đầu. "
                   "Sau khi kết thúc việc ký hợp đồng, Everton đã đăng tải một video.")
    (cand,) = events.candidates(doc)
    assert cand.value.extras["info"]["personal_words"] == 2
    feats = mention_features(doc.text, doc.folded, cand.value.sentence, cand.value.trigger, cand.value.extras["info"])
    assert feats["article_personal=3"] == 1.0
    doc = make_doc("Liên đoàn Lao động tỉnh và Sở Y tế đã ký kết chương trình phối hợp.")
    (cand,) = events.candidates(doc)
    assert cand.value.extras["info"]["personal_words"] == 0


def test_the_mention_reads_its_sentence_s_words_within_reach():
    """Every word of the sentence within REACH characters of the trigger is a feature (what
    the sentence is about: a transfer, a ceremony), those beyond it and in other sentences
    are not."""
    from extractors.event_features import REACH, mention_features

    far = "rất " * (REACH // 4)
    doc = make_doc(f"Trận đấu hôm qua rất hay. Sau mùa giải chuyển nhượng {far}sôi động, CLB Everton đã ký hợp đồng với Rooney.")
    (cand,) = events.candidates(doc)
    feats = mention_features(doc.text, doc.folded, cand.value.sentence, cand.value.trigger, cand.value.extras["info"])
    assert feats["S:sôi"] == feats["S:everton"] == feats["S:rooney"] == 0.5
    assert "S:chuyển" not in feats and "S:trận" not in feats


@pytest.mark.parametrize("text", [
    "Công ty A không tiến hành ký hợp đồng với Công ty B như dự kiến.",
    "Bộ Quốc phòng từ chối ký thỏa thuận hợp tác với tập đoàn này.",
    "Hiện Việt Nam và Tây Ban Nha chưa ký hiệp định hợp tác nào về lao động.",
])
def test_negated_signing_is_not_signed(text):
    doc = make_doc(text)
    assert any(c.value.extras["info"]["negated"] for c in events.candidates(doc))
    assert all(m.cue != "signed" for _t, m in _mentions(text))


@pytest.mark.parametrize("text", [
    "Xiaomi và Nokia vừa công bố ký kết thỏa thuận hợp tác kinh doanh dài hạn.",
    "ExxonMobil và VinaCapital ký kết biên bản ghi nhớ tài trợ.",
    "Chủ tịch nước và Tổng thống Belarus đã ký Tuyên bố chung về phát triển quan hệ đối tác.",
    "Chiều 5/7, hai bên đã đặt bút ký kết phối hợp sản xuất và tiêu thụ nông sản.",
])
def test_signings_worded_otherwise_are_signed(text):
    ms = _mentions(text)
    assert ms and ms[0][1].cue == "signed" and ms[0][1].extras["p"] >= 0.5


@pytest.mark.parametrize("text", [
    "Thành phố Hà Nội, Tập đoàn BRG và Tập đoàn Sumitomo sẽ ký kết hợp tác phát triển thành phố thông minh.",
    "Thủ tướng Australia muốn ký kết thỏa thuận thương mại tự do với Anh.",
    "Hai bên dự kiến ký biên bản ghi nhớ hợp tác vào tháng tới.",
])
def test_announced_or_wanted_signing_is_planned_whatever_the_model_says(text):
    # ConText's hypothetical modifier: "sẽ", "muốn", "dự kiến" before the trigger
    doc = make_doc(text)
    assert any(c.value.extras["info"]["future"] for c in events.candidates(doc))
    kept = events.extract(doc)
    assert kept and all(ev.value.cue == "planned" for ev in kept)


@pytest.mark.parametrize("text,published,when", [
    # the lead's day is the news day; a signing dated that day is its news
    ("Ngày 5/7, hai tỉnh tổ chức hội nghị. Cùng ngày 5/7, chính quyền Libya đã ký thỏa thuận với Italy.", None, "today"),
    ("Ngày 5/7, hai tỉnh tổ chức hội nghị. Ngày 20/6, Công ty A đã ký hợp đồng với Công ty B.", None, "recent"),
    ("Ngày 5/7, hai tỉnh tổ chức hội nghị. Tháng 9/2016, VEC và VINCI đã ký biên bản ghi nhớ.", "2017-07-05", "past"),
    ("Ngày 5/7, hai tỉnh tổ chức hội nghị. Ngày 2/3, Công ty A đã ký hợp đồng với Công ty B.", None, "past"),
    ("Hai tỉnh tổ chức hội nghị. Sáng nay, Công ty A đã ký hợp đồng với Công ty B.", None, "today"),
    # no date in the first two sentences: the article's first day is the news day
    ("Hai tỉnh tổ chức hội nghị. Nhiều doanh nghiệp tham dự. Ngày 5/7, hội nghị bế mạc. "
     "Cùng ngày 5/7, chính quyền Libya đã ký thỏa thuận với Italy.", None, "today"),
    ("Hai tỉnh tổ chức hội nghị. Nhiều doanh nghiệp tham dự. Ngày 5/7, hội nghị bế mạc. "
     "Ngày 2/3, Công ty A đã ký hợp đồng với Công ty B.", None, "past"),
    # no day at all to compare with: dated, not comparable
    ("Hai tỉnh tổ chức hội nghị. Tháng 3/2017, Công ty A đã ký hợp đồng với Công ty B.", None, "dated"),
    # the publication day is the news day; a day after it is later
    ("Hai tỉnh tổ chức hội nghị. Ngày 9/7, Công ty A sẽ ký hợp đồng với Công ty B.", "2017-07-05", "later"),
    ("Công ty A đã ký hợp đồng với Công ty B.", "2017-07-05", "none"),
    # a lead day without a year against a mention with one: compared within the year
    ("Ngày 5/7, hai tỉnh tổ chức hội nghị. Ngày 20/6/2017, Công ty A đã ký hợp đồng với Công ty B.", None, "recent"),
    # a day-month more than six months after the news month falls in the year before (as resolve)
    ("Hai tỉnh tổ chức hội nghị. Ngày 28/12, Công ty A đã ký hợp đồng với Công ty B.", "2018-01-03", "recent"),
    ("Hai tỉnh tổ chức hội nghị. Ngày 1/9, Công ty A đã ký hợp đồng với Công ty B.", "2018-02-01", "past"),
])
def test_a_mention_knows_its_date_against_the_news_day(text, published, when):
    from extractors.event_features import mention_features

    doc = make_doc(text, published_at=published)
    cand = [c for c in events.candidates(doc) if doc.text[c.start:c.end].startswith("ký")][-1]
    assert cand.value.extras["info"]["when"] == when
    feats = mention_features(doc.text, doc.folded, cand.value.sentence, cand.value.trigger, cand.value.extras["info"])
    assert feats[f"when={when}"] == 1.0
    assert not [k for k in feats if k.startswith("when=") and k != f"when={when}"]


def test_a_time_reference_glued_to_a_photo_credit_still_opens_its_sentence():
    """"Ảnh: Reuters Kết thúc hội đàm, …": a credit printed without a full stop runs into the
    sentence after it; the capitalised opener inside the sentence still sets its time. A
    lower-case "sau hội đàm" inside a sentence opens nothing."""
    text = ("Sáng 11/5, hai nhà lãnh đạo hội đàm tại Bắc Kinh. Ảnh: Reuters Kết thúc hội đàm, hai nhà lãnh đạo "
            "chứng kiến lễ ký kết Bản ghi nhớ. Hai bên đánh giá cao kết quả sau hội đàm và ký kết thỏa thuận mới.")
    doc = make_doc(text)
    sents = doc.layer("sentences")
    assert doc.text[sents[1].start:].startswith("Ảnh: Reuters Kết thúc")
    trig = text.index("ký kết Bản")
    assert events.time_reference(doc.folded, sents[1].start, doc.text, trig) == "hội đàm"
    assert events.time_reference(doc.folded, sents[1].start) is None  # the sentence's own start only
    assert events.time_reference(doc.folded, sents[2].start, doc.text, text.index("ký kết thỏa")) is None
    # an opener after the trigger is not this signing's
    assert events.time_reference(doc.folded, sents[1].start, doc.text, sents[1].start + 3) is None
