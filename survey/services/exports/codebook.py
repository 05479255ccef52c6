"""The code book of a raw export: what each column means and what its codes stand for, in Vietnamese and English."""
from __future__ import annotations

from typing import TYPE_CHECKING

from survey.instruments.types import REGISTRY
from survey.models.base import utcnow

if TYPE_CHECKING:
    from survey.services.exports.responses import ResponseExport

CODEBOOK_HEADER = ["column", "label_vi", "label_en", "values"]
_PLACE = {
    "row": ("Số thứ tự dòng (không phải mã phiếu)", "Row number (not a response id)"),
    "instrument": ("Mã bộ câu hỏi", "Instrument code"),
    "version": ("Phiên bản bộ câu hỏi", "Instrument version"),
    "month": ("Tháng trả lời (giờ Việt Nam)", "Month answered (Viet Nam time)"),
    "province_code": ("Mã tỉnh, thành phố", "Province code"),
    "unit_code": ("Mã xã, phường, đặc khu (hoặc đơn vị cũ)", "Commune-level unit code (or legacy unit)"),
    "unit_name": ("Tên đơn vị hành chính", "Administrative unit name"),
    "agency_code": ("Mã định danh cơ quan giải quyết", "Electronic identifier of the agency"),
    "service_point_code": ("Mã điểm phục vụ", "Service point code"),
    "channel": ("Kênh trả lời", "Channel"),
    "procedure_code": ("Mã thủ tục hành chính", "National procedure code"),
    "field_code": ("Lĩnh vực", "Field (lĩnh vực)"),
}
_CHANNELS = "kiosk; online; paper; interview"
_CHOSEN = "1 = chọn / chosen; 0 = không chọn / not chosen; trống / blank = không được hỏi / not asked"


def _values(qtype_name: str, item: object) -> str:
    qtype = REGISTRY[qtype_name]
    vi, en = qtype.options(item, "vi"), dict(qtype.options(item, "en"))
    return "; ".join(f"{code} = {label}" + (f" / {en[code]}" if en.get(code, label) != label else "")
                     for code, label in vi)


def codebook_rows(export: ResponseExport) -> list[list[str]]:
    """[column, label_vi, label_en, values] for every column of the export, then notes on how it was made."""
    rows = [[name, vi, en, _CHANNELS if name == "channel" else ""] for name, (vi, en) in _PLACE.items()]
    for name in export.profile:
        item = export.definition.item(name)
        rows.append([name, item.label("vi"), item.label("en"), _values(item.type, item)])
    for column, _item_id, choice in export.item_columns:
        item = export.definition.item(column.rsplit(".", 1)[0] if choice is not None else column)
        if choice is None:
            rows.append([column, item.label("vi"), item.label("en"), _values(item.type, item)])
            continue
        options_vi = dict(REGISTRY[item.type].options(item, "vi"))
        options_en = dict(REGISTRY[item.type].options(item, "en"))
        rows.append([column, f"{item.label('vi')} — {options_vi.get(choice, choice)}",
                     f"{item.label('en')} — {options_en.get(choice, choice)}", _CHOSEN])
    rows += [
        ["", "", "", ""],
        ["period", f"Kỳ: {export.period.start.isoformat()} – {export.period.end.isoformat()}",
         f"Period: {export.period.start.isoformat()} – {export.period.end.isoformat()}", export.period.label],
        ["min_n", f"Nhóm (đơn vị, cơ quan, điểm phục vụ) dưới {export.min_n} phiếu bị loại: "
                  f"{export.withheld_responses} phiếu trong {export.withheld_groups} nhóm",
         f"Groups (unit, agency, service point) under {export.min_n} responses withheld: "
         f"{export.withheld_responses} responses in {export.withheld_groups} groups", str(export.min_n)],
        ["anonymised", "Không có mã phiếu, thiết bị, mã hồ sơ, quầy, cán bộ, thời điểm chính xác hay ý kiến tự do",
         "No response id, device, dossier code, counter, officer, exact time or free text", ""],
        ["generated_at", "Thời điểm xuất (UTC)", "Exported at (UTC)", utcnow().isoformat(timespec="seconds")],
    ]
    return rows
