"""The code book of an index export: what each column (`A1.1.1.pct`, `A1.n`, `index` …) means, in Vietnamese
and English."""
from __future__ import annotations

from survey.services.exports.index_rows import IndicesExport

INDEX_CODEBOOK_HEADER = ["column", "meaning_vi", "meaning_en"]

FIXED = {
    "instrument": ("Mã bộ câu hỏi", "Instrument code"),
    "instrument_version": ("Phiên bản bộ câu hỏi", "Instrument version"),
    "method_version": ("Phiên bản phương pháp tính", "Method version"),
    "period": ("Kỳ báo cáo (ngày địa phương)", "Reporting period (local dates)"),
    "by": ("Cấp tổng hợp của các dòng", "Level the rows are aggregated at"),
    "min_n": ("Số phiếu tối thiểu để công bố một ô", "Minimum responses for a cell to be shown"),
    "computed_at": ("Thời điểm tính (UTC)", "When computed (UTC)"),
    "unit_vintage": ("Danh mục đơn vị hành chính dùng", "Administrative unit list used"),
    "approximate": ("Số liệu quy đổi gần đúng", "Re-based, approximate figures"),
    "unit_code": ("Mã đơn vị / cơ quan / điểm phục vụ", "Code of the unit, agency or service point"),
    "unit_name": ("Tên", "Name"),
    "level": ("Cấp", "Level"),
    "n": ("Số phiếu", "Number of responses"),
    "index": ("Chỉ số hài lòng (%)", "Satisfaction index (%)"),
    "ci_low": ("Cận dưới khoảng tin cậy 95% của chỉ số", "Lower bound of the index's 95% confidence interval"),
    "ci_high": ("Cận trên khoảng tin cậy 95% của chỉ số", "Upper bound of the index's 95% confidence interval"),
    "suppressed": ("Ô bị ẩn vì ít hơn min_n phiếu (số liệu để trống)",
                   "Hidden because it has fewer than min_n responses (figures left empty)"),
    "incomplete": ("Thiếu dữ liệu của một số thành phần", "Some components lack data"),
}
SUFFIXES = {
    "pct": ("tỷ lệ hài lòng (%)", "share satisfied (%)"),
    "n": ("số phiếu", "number of responses"),
    "n_valid": ("số câu trả lời hợp lệ", "number of valid answers"),
    "mean": ("điểm trung bình", "mean score"),
    "ci_low": ("cận dưới khoảng tin cậy 95%", "lower bound of the 95% confidence interval"),
    "ci_high": ("cận trên khoảng tin cậy 95%", "upper bound of the 95% confidence interval"),
}


def index_codebook_rows(table: IndicesExport) -> list[list[str]]:
    """One row per column of the export: [column, meaning in Vietnamese, meaning in English]."""
    rows = []
    for column in table.header:
        if column in FIXED:
            rows.append([column, *FIXED[column]])
            continue
        code, _dot, suffix = column.rpartition(".")
        if suffix.startswith("share_"):
            level = suffix.removeprefix("share_")
            meaning = (f"tỷ lệ chọn mức {level} (%)", f"share answering level {level} (%)")
        else:
            meaning = SUFFIXES.get(suffix, (suffix, suffix))
        kind = ("thành phần", "component") if code.count(".") <= 1 and suffix in ("pct", "n") else ("câu", "item")
        rows.append([column, f"{meaning[0].capitalize()} của {kind[0]} {code}",
                     f"{meaning[1].capitalize()} of {kind[1]} {code}"])
    return rows
