"""The filters of a dashboard page, read from the query string; bad values become field errors, not guesses."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from survey.errors import Invalid
from survey.models.responses import CHANNELS
from survey.services.indices.periods import Period, parse_period

from survey.dashboard.period_labels import default_period

# Breakdowns offered on the overview (the API's `by` values beyond places), in the order shown.
BREAKDOWNS = {
    "channel": _l("Channel"), "field": _l("Procedure field"), "procedure": _l("Procedure"), "sex": _l("Sex"),
    "age_band": _l("Age group"), "ethnicity": _l("Ethnicity"), "education": _l("Education"),
    "occupation": _l("Occupation"), "area": _l("Urban or rural"), "terrain": _l("Terrain"),
    "respondent_type": _l("Respondent type"),
}
# Filters (keep only matching responses): the same names, each taking one value; the service checks the codes.
FILTERS = BREAKDOWNS
COMMENT_STATUSES = ("new", "approved", "hidden", "all")
DEFAULT_INSTRUMENT = "SIPAS-1001"  # the method in force (Decision 1001/QĐ-BNV)


@dataclass(frozen=True)
class Selection:
    """What a page shows: instrument, period, optional breakdown, filters and which comments."""

    instrument: str
    period: Period
    breakdown: str | None = None
    comments: str = "new"
    errors: dict[str, str] = field(default_factory=dict)  # field → message, for the filter form
    where: dict[str, str] = field(default_factory=dict)  # filter name → value (FILTERS)

    def args(self, **changes: str | None) -> dict[str, str]:
        """Query arguments that reproduce this selection (with changes), for links between pages."""
        out = {"instrument": self.instrument, "period": self.period.label}
        if self.breakdown:
            out["by"] = self.breakdown
        out.update(self.where)
        out.update({k: v for k, v in changes.items() if v is not None})
        return out


def parse_selection(args: Mapping[str, str], instruments: list[str]) -> Selection:
    """The selection in `args` (instrument, period or from/to, by, filters, comments); unknown values collect
    errors (filter codes are checked by the index service, whose Invalid the view turns into errors)."""
    errors: dict[str, str] = {}
    fallback = DEFAULT_INSTRUMENT if DEFAULT_INSTRUMENT in instruments else (instruments or [DEFAULT_INSTRUMENT])[0]
    instrument = (args.get("instrument") or fallback).strip()
    if instrument not in instruments:
        errors["instrument"] = _("Unknown instrument %(code)s.", code=instrument)
        instrument = fallback
    period = default_period()
    raw = (args.get("period") or "").strip()
    if raw or args.get("from") or args.get("to"):
        try:
            period = parse_period(raw, args.get("from") or None, args.get("to") or None)
        except Invalid as exc:
            reversed_ = exc.errors and exc.errors[0].get("code") == "period_reversed"
            errors["period"] = (_("The period ends before it starts.") if reversed_ else
                                _("Write the period as a year (2026), a quarter (2026-Q3), a month (2026-09) "
                                  "or a range of dates (2026-01-15..2026-03-31)."))
    breakdown = (args.get("by") or "").strip() or None
    if breakdown is not None and breakdown not in BREAKDOWNS:
        errors["by"] = _("Unknown breakdown %(by)s.", by=breakdown)
        breakdown = None
    where = {name: (args.get(name) or "").strip() for name in FILTERS if (args.get(name) or "").strip()}
    if where.get("channel", CHANNELS[0]) not in CHANNELS:
        errors["channel"] = _("Unknown channel %(channel)s.", channel=where.pop("channel"))
    quality = (args.get("quality") or "").strip()
    if quality == "clean":  # leave out responses with a quality flag (methodology §9); compute_indices reads it
        where["quality"] = quality
    elif quality not in ("", "all"):
        errors["quality"] = _("Unknown quality view %(value)s.", value=quality)
    comments = args.get("comments") or "new"
    if comments not in COMMENT_STATUSES:
        errors["comments"] = _("Unknown comment status %(status)s.", status=comments)
        comments = "new"
    return Selection(instrument, period, breakdown, comments, errors, where)
