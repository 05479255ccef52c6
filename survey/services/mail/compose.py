"""Messages in the recipient's language: a report with its PDF attached."""
from __future__ import annotations

from flask import render_template
from flask_babel import force_locale, gettext

from survey.services.mail.send import Attachment, Message


def report_message(to: str, lang: str, place: str, period: str, pdf: bytes, filename: str) -> Message:
    """The scheduled summary of `place` for `period`, with the PDF attached, in `lang` (vi or en)."""
    lang = lang if lang in ("vi", "en") else "vi"
    with force_locale(lang):
        subject = gettext("Satisfaction report: %(place)s, %(period)s", place=place, period=period)
        context = {"place": place, "period": period, "filename": filename}
        return Message(to=[to], subject=subject, text=render_template("mail/report.txt", **context),
                       html=render_template("mail/report.html", **context), lang=lang,
                       attachments=[Attachment(filename, pdf)])


def alert_description(kind: str, evidence: dict) -> str:
    """One sentence of evidence in the current locale (used by e-mails and the dashboard's panel)."""
    if kind == "low_ratings":
        return gettext("%(low)d of %(total)d ratings in the last %(hours)s hours were 1 or 2 (%(share)s %%, "
                       "threshold %(threshold)s %%).", low=evidence["low"], total=evidence["total"],
                       hours=evidence["hours"], share=evidence["share"], threshold=evidence["threshold"])
    if kind == "kiosk_silent":
        return gettext("No kiosk of the service point has been heard for %(minutes)d minutes of opening hours.",
                       minutes=evidence["minutes_silent"])
    if kind == "outbox_growing":
        return gettext("A kiosk's unsent answers grew from %(previous)d to %(queue)d.",
                       previous=evidence["previous"], queue=evidence["queue_length"])
    return gettext("A citizen's comment contains: %(words)s.", words=", ".join(evidence.get("words", [])))


def alert_message(to: str, lang: str, kind: str, place: str, evidence: dict) -> Message:
    """An alert for a unit's manager, in `lang`, with its evidence."""
    lang = lang if lang in ("vi", "en") else "vi"
    with force_locale(lang):
        subject = gettext("Alert: %(place)s", place=place)
        context = {"place": place, "description": alert_description(kind, evidence)}
        return Message(to=[to], subject=subject, text=render_template("mail/alert.txt", **context),
                       html=render_template("mail/alert.html", **context), lang=lang)
