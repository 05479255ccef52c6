"""Printed labels of the campaign report in Vietnamese and English, on top of the reports' shared labels."""
from __future__ import annotations

from collections.abc import Mapping

from survey.reports.labels import labels_for

_VI = {
    "campaign_title": "Kết quả khảo sát chọn mẫu về sự hài lòng của người dân đối với sự phục vụ hành chính",
    "campaign": "Đợt khảo sát",
    "fieldwork": "Thời gian khảo sát",
    "status": "Trạng thái",
    "status.draft": "chưa chọn mẫu", "status.drawn": "đã chọn mẫu", "status.fieldwork": "đang khảo sát",
    "status.closed": "đã kết thúc",
    "estimate_index": "Chỉ số hài lòng của tỉnh (ước lượng)",
    "precision": "Sai số chuẩn; hiệu ứng thiết kế",
    "precision_value": "{se} điểm phần trăm; deff {deff}",
    "sample_size": "Mẫu",
    "sample_value": "{issued} phiếu phát ra tại {villages} thôn, tổ dân phố của {communes} xã, phường; "
                    "{completed} phiếu trả lời",
    "rr1": "Tỷ lệ trả lời (AAPOR RR1)",
    "no_answers": "Chưa có phiếu trả lời.",
    "method_title": "PHƯƠNG PHÁP",
    "method_text": "Mẫu xác suất hai giai đoạn, phân tầng theo xã, phường (mỗi xã, phường là một tầng), theo "
                   "phương pháp của Bộ Nội vụ. Giai đoạn 1: trong mỗi xã chọn {villages} thôn, tổ dân phố theo "
                   "phương pháp chọn hệ thống với xác suất tỷ lệ với số dân trưởng thành (PPS); thôn, tổ có xác "
                   "suất bằng 1 được chọn chắc chắn. Giai đoạn 2: trong mỗi thôn, tổ được chọn phát {people} phiếu "
                   "cho người được chọn ngẫu nhiên. Trọng số cơ sở là nghịch đảo của xác suất chọn "
                   "1/(π<sub>v</sub>·π<sub>k|v</sub>), được điều chỉnh không trả lời trong từng thôn, tổ; "
                   "trọng số không hiệu chỉnh theo cơ cấu giới tính × nhóm tuổi.",
    "method_variance": "Phương sai được ước lượng bằng tuyến tính hóa Taylor theo thiết kế (chọn có hoàn lại, "
                       "không hiệu chỉnh quần thể hữu hạn); khoảng tin cậy 95% = ước lượng ± 1,96 × sai số chuẩn. "
                       "Hiệu ứng thiết kế (deff) so phương sai với phương sai của mẫu ngẫu nhiên đơn giản cùng cỡ. "
                       "Ô có ít hơn {min_n} người trả lời không công bố số liệu. Phương pháp {method_version}, bộ "
                       "câu hỏi {instrument}, hạt giống chọn mẫu {seed}: với cùng khung mẫu và hạt giống, mẫu được "
                       "chọn lại y hệt.",
    "rr_note": "RR1 = số phiếu trả lời ÷ (số phiếu phát ra − số không thuộc đối tượng); phiếu chưa thu về được "
               "tính là không trả lời.",
    "sample_title": "MẪU KHẢO SÁT THEO XÃ, PHƯỜNG (TẦNG)",
    "frame_villages": "Thôn, tổ trong khung mẫu",
    "frame_population": "Dân số trưởng thành",
    "villages": "Thôn, tổ được chọn",
    "issued": "Phiếu phát ra",
    "total": "Toàn tỉnh",
    "response_title": "TỶ LỆ TRẢ LỜI THEO XÃ, PHƯỜNG",
    "completed": "Trả lời",
    "refused": "Từ chối",
    "not_reached": "Không liên hệ được",
    "ineligible": "Không thuộc đối tượng",
    "outstanding": "Chưa thu về",
    "rr1_short": "RR1 (%)",
    "estimates_title": "CHỈ SỐ HÀI LÒNG THEO XÃ, PHƯỜNG (ƯỚC LƯỢNG THEO THIẾT KẾ)",
    "se": "Sai số chuẩn",
    "deff": "deff",
    "lonely_note": "Xã, phường chỉ có một thôn, tổ được chọn: thiết kế không cho biết độ biến thiên giữa các "
                   "thôn, tổ nên không có khoảng tin cậy (—).",
    "components_title": "TỶ LỆ HÀI LÒNG THEO LĨNH VỰC, YẾU TỐ (TOÀN TỈNH)",
    "component": "Lĩnh vực, yếu tố",
    "ours": "Đợt khảo sát",
}

_EN = {
    "campaign_title": "Results of the sample survey of citizen satisfaction with public administrative services",
    "campaign": "Campaign",
    "fieldwork": "Fieldwork",
    "status": "Status",
    "status.draft": "not drawn", "status.drawn": "drawn", "status.fieldwork": "in fieldwork",
    "status.closed": "closed",
    "estimate_index": "Province satisfaction index (estimate)",
    "precision": "Standard error; design effect",
    "precision_value": "{se} percentage points; deff {deff}",
    "sample_size": "Sample",
    "sample_value": "{issued} questionnaires issued in {villages} villages of {communes} communes; "
                    "{completed} completed",
    "rr1": "Response rate (AAPOR RR1)",
    "no_answers": "No completed questionnaire yet.",
    "method_title": "METHOD",
    "method_text": "A two-stage probability sample stratified by commune (each commune a stratum), the Ministry's "
                   "way. Stage 1: in each commune {villages} villages are selected by systematic sampling with "
                   "probability proportional to adult population (PPS); villages with probability 1 are taken "
                   "with certainty. Stage 2: {people} questionnaires per selected village, for people selected at "
                   "random. Base weights are the inverse selection probabilities 1/(π<sub>v</sub>·π<sub>k|v</sub>), "
                   "adjusted for non-response within each village; the weights are not calibrated to sex × age "
                   "margins.",
    "method_variance": "Variances by Taylor linearisation under the design (with replacement, no finite "
                       "population correction); 95% interval = estimate ± 1.96 × standard error. The design "
                       "effect (deff) compares the variance with that of a simple random sample of the same size. "
                       "Cells with fewer than {min_n} respondents are not published. Method {method_version}, "
                       "instrument {instrument}, sampling seed {seed}: the same frame and seed draw the same sample.",
    "rr_note": "RR1 = completed ÷ (issued − ineligible); questionnaires not returned count as non-respondents.",
    "sample_title": "SAMPLE BY COMMUNE (STRATUM)",
    "frame_villages": "Villages in the frame",
    "frame_population": "Adult population",
    "villages": "Villages drawn",
    "issued": "Issued",
    "total": "Province",
    "response_title": "RESPONSE RATES BY COMMUNE",
    "completed": "Completed",
    "refused": "Refused",
    "not_reached": "Not reached",
    "ineligible": "Ineligible",
    "outstanding": "Not returned",
    "rr1_short": "RR1 (%)",
    "estimates_title": "SATISFACTION INDEX BY COMMUNE (DESIGN-BASED ESTIMATES)",
    "se": "Std. error",
    "deff": "deff",
    "lonely_note": "Communes with a single village drawn: the design holds no information on the variation between "
                   "villages, so they have no interval (—).",
    "components_title": "SHARE SATISFIED BY AREA AND FACTOR (PROVINCE)",
    "component": "Area or factor",
    "ours": "This campaign",
}


def campaign_labels(lang: str) -> Mapping[str, str]:
    """The shared report labels of `lang` with the campaign report's."""
    return {**labels_for(lang), **(_EN if lang == "en" else _VI)}
