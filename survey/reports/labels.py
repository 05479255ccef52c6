"""Printed labels in Vietnamese and English: a plain dict per language, so rendering needs no Flask request."""
from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from survey.errors import DomainError

_VI = {
    "nation": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "motto": "Độc lập - Tự do - Hạnh phúc",
    "doc_type": "BÁO CÁO",
    "unit_title": "Kết quả khảo sát sự hài lòng của người dân, tổ chức",
    "province_title": "Chỉ số hài lòng về sự phục vụ hành chính",
    "unit": "Đơn vị",
    "code": "Mã",
    "period": "Kỳ báo cáo",
    "level.province": "Tỉnh, thành phố",
    "level.commune": "Xã, phường, đặc khu",
    "level.district": "Huyện (dữ liệu cũ)",
    "level.agency": "Cơ quan, sở, ngành",
    "level.service_point": "Điểm phục vụ",
    "key_figures": "KẾT QUẢ CHUNG",
    "n_respondents": "Số người trả lời",
    "overall_index": "Chỉ số hài lòng chung",
    "ci": "khoảng tin cậy 95%",
    "incomplete": "chưa đủ mọi thành phần",
    "change": "So với kỳ trước",
    "vs_province": "So với toàn tỉnh",
    "flag.above": "cao hơn",
    "flag.below": "thấp hơn",
    "flag.same": "không khác biệt",
    "flag.none": "chưa so sánh được",
    "points": "điểm",
    "components": "TỶ LỆ HÀI LÒNG THEO YẾU TỐ",
    "items": "KẾT QUẢ THEO TỪNG CÂU HỎI",
    "item_code": "Mã",
    "item_text": "Nội dung",
    "n_valid": "Số phiếu",
    "pct": "% hài lòng",
    "mean": "Điểm TB",
    "scale_legend": "Mức trả lời: 1 Rất không hài lòng · 2 Không hài lòng · 3 Bình thường · 4 Hài lòng · "
    "5 Rất hài lòng. % hài lòng = tỷ lệ trả lời mức 4 hoặc 5 trên số phiếu hợp lệ.",
    "reasons": "LÝ DO CHƯA HÀI LÒNG THƯỜNG GẶP",
    "reason": "Lý do",
    "count": "Số lượt",
    "comments": "Ý KIẾN CỦA NGƯỜI DÂN (ĐÃ DUYỆT)",
    "none": "Không có.",
    "suppressed_note": "—: ít hơn {min_n} phiếu, không công bố số liệu để bảo vệ người trả lời.",
    "province_index": "Chỉ số hài lòng của tỉnh",
    "trend": "DIỄN BIẾN QUA CÁC KỲ",
    "communes": "XẾP HẠNG CÁC XÃ, PHƯỜNG, ĐẶC KHU",
    "departments": "XẾP HẠNG CÁC SỞ, BAN, NGÀNH",
    "rank": "Hạng",
    "name": "Tên đơn vị",
    "index": "Chỉ số",
    "ci_short": "KTC 95%",
    "flag": "So với tỉnh",
    "small_units": "ĐƠN VỊ CHƯA ĐỦ SỐ PHIẾU (ít hơn {min_n})",
    "priorities": "ƯU TIÊN CẢI THIỆN",
    "priority": "Nội dung cần cải thiện",
    "priority_pct": "% chọn nhiều / rất nhiều",
    "method": "GHI CHÚ PHƯƠNG PHÁP",
    "method_default": "Chỉ số tính theo phương pháp {method_version} trên bộ câu hỏi {instrument}: tỷ lệ hài "
    "lòng của mỗi câu hỏi là tỷ lệ trả lời mức 4 hoặc 5; chỉ số của yếu tố là trung bình không trọng số "
    "của các câu hỏi, chỉ số chung là trung bình của các yếu tố. Khoảng tin cậy 95% tính xấp xỉ từ điểm "
    "của từng người trả lời. Đơn vị có ít hơn {min_n} phiếu không được xếp hạng và không công bố số liệu.",
    "generated": "Tạo lúc {time} ngày {date}",
    "footer": "Bộ câu hỏi {instrument} · phương pháp {method_version} · tạo lúc {time} {date} (giờ Việt Nam)",
    "page": "Trang {page}/{pages}",
    "general_factor": "Yếu tố",
    "general_items": "% hài lòng (các câu hỏi)",
    "general_question": "Câu hỏi chung",
    "general_pct": "% hài lòng (câu hỏi chung)",
    "assessment": "ĐÁNH GIÁ (PHẦN I): TỶ LỆ Ở MỖI MỨC",
    "assessment_levels": "Tỷ lệ ở mỗi mức (%)",
    "assessment_multi": "*: câu chọn nhiều; tỷ lệ trên số người trả lời câu hỏi, tổng có thể vượt 100%.",
    "approximate": "Số liệu trước ngày 01/7/2025 được quy đổi sang đơn vị hành chính hiện nay theo bảng "
    "chuyển đổi: là số liệu gần đúng.",
    "number": "Số: {number}",
    "number_blank": "Số:        /BC-SNV",
    "recipients": "Nơi nhận:",
    "archive": "Lưu: VT.",
    "signer_default": "GIÁM ĐỐC",
}

_EN = {
    "nation": "SOCIALIST REPUBLIC OF VIET NAM",
    "motto": "Independence - Freedom - Happiness",
    "doc_type": "REPORT",
    "unit_title": "Results of the citizen and organisation satisfaction survey",
    "province_title": "Satisfaction index of public administrative services",
    "unit": "Unit",
    "code": "Code",
    "period": "Period",
    "level.province": "Province",
    "level.commune": "Commune-level unit",
    "level.district": "District (legacy data)",
    "level.agency": "Agency / department",
    "level.service_point": "Service point",
    "key_figures": "OVERALL RESULTS",
    "n_respondents": "Respondents",
    "overall_index": "Overall satisfaction index",
    "ci": "95% confidence interval",
    "incomplete": "not every component measured",
    "change": "Change from previous period",
    "vs_province": "Compared with the province",
    "flag.above": "above",
    "flag.below": "below",
    "flag.same": "no significant difference",
    "flag.none": "not comparable",
    "points": "points",
    "components": "SHARE SATISFIED BY COMPONENT",
    "items": "RESULTS BY QUESTION",
    "item_code": "Code",
    "item_text": "Question",
    "n_valid": "Valid",
    "pct": "% satisfied",
    "mean": "Mean",
    "scale_legend": "Answer codes: 1 Very dissatisfied · 2 Dissatisfied · 3 Neutral · 4 Satisfied · "
    "5 Very satisfied. % satisfied = share answering 4 or 5 among valid answers.",
    "reasons": "MOST FREQUENT REASONS FOR LOW SCORES",
    "reason": "Reason",
    "count": "Count",
    "comments": "CITIZENS' COMMENTS (APPROVED)",
    "none": "None.",
    "suppressed_note": "—: fewer than {min_n} responses, not published to protect respondents.",
    "province_index": "Province satisfaction index",
    "trend": "TREND OVER PERIODS",
    "communes": "RANKING OF COMMUNE-LEVEL UNITS",
    "departments": "RANKING OF DEPARTMENTS AND AGENCIES",
    "rank": "Rank",
    "name": "Unit",
    "index": "Index",
    "ci_short": "95% CI",
    "flag": "vs province",
    "small_units": "UNITS WITH TOO FEW RESPONSES (fewer than {min_n})",
    "priorities": "IMPROVEMENT PRIORITIES",
    "priority": "Area to improve",
    "priority_pct": "% much / very much",
    "method": "METHODOLOGY NOTE",
    "method_default": "Computed with method {method_version} on instrument {instrument}: an item's share "
    "satisfied is the share answering 4 or 5; a component is the unweighted mean of its items and the overall "
    "index the unweighted mean of the components. 95% intervals are approximated from respondent-level scores. "
    "Units with fewer than {min_n} responses are neither ranked nor published.",
    "generated": "Generated {date} {time}",
    "footer": "Instrument {instrument} · method {method_version} · generated {date} {time} (Viet Nam time)",
    "page": "Page {page}/{pages}",
    "general_factor": "Factor",
    "general_items": "% satisfied (items)",
    "general_question": "General question",
    "general_pct": "% satisfied (general question)",
    "assessment": "ASSESSMENT (PART I): SHARE AT EACH LEVEL",
    "assessment_levels": "Share at each level (%)",
    "assessment_multi": "*: several may be ticked; shares of those who answered, which may add up to more than 100%.",
    "approximate": "Data from before 1 July 2025 is re-based onto today's units through the crosswalk: the "
    "figures are approximate.",
    "number": "No. {number}",
    "number_blank": "No.        /BC-SNV",
    "recipients": "Recipients:",
    "archive": "Archived: Office.",
    "signer_default": "DIRECTOR",
}

LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {"vi": MappingProxyType(_VI), "en": MappingProxyType(_EN)}
)


def labels_for(lang: str) -> Mapping[str, str]:
    """The label dict for `lang` ("vi" or "en"); another language is a domain error, not a silent fallback."""
    try:
        return LABELS[lang]
    except KeyError:
        raise DomainError("report_language_unknown", "Unknown report language", lang=lang) from None
