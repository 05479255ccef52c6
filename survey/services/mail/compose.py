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
