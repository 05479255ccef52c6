"""E-mail through a real SMTP server (aiosmtpd on 127.0.0.1): recipients, language, text and HTML, the PDF."""
from __future__ import annotations

import email
from email import policy

import pytest

from survey.errors import DomainError
from survey.services.mail.compose import report_message
from survey.services.mail.send import send, settings_from_url
from tests.fixtures.smtp import free_port


def _parsed(envelope):
    return email.message_from_bytes(envelope.content, policy=policy.default)


def test_report_messages_in_each_language_with_the_pdf(app, smtp_inbox):
    pdf = b"%PDF-1.4 test"
    with app.test_request_context():
        send(report_message("a@example.vn", "vi", "Phường Hồng Gai", "2026-Q1", pdf, "bao-cao.pdf"))
        send(report_message("b@example.vn", "en", "Phường Hồng Gai", "2026-Q1", pdf, "bao-cao.pdf"))
    assert [e.rcpt_tos for e in smtp_inbox.envelopes] == [["a@example.vn"], ["b@example.vn"]]
    assert smtp_inbox.envelopes[0].mail_from == "survey@example.vn"
    vi, en = (_parsed(e) for e in smtp_inbox.envelopes)
    assert vi["Subject"] == "Báo cáo mức độ hài lòng: Phường Hồng Gai, 2026-Q1" and vi["Content-Language"] == "vi"
    assert en["Subject"] == "Satisfaction report: Phường Hồng Gai, 2026-Q1" and en["Content-Language"] == "en"
    for message, words in ((vi, "được đính kèm"), (en, "is attached")):
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert words in text and words in html and "<p>" in html
        [attachment] = list(message.iter_attachments())
        assert attachment.get_filename() == "bao-cao.pdf" and attachment.get_content_type() == "application/pdf"
        assert attachment.get_content() == pdf


def test_settings_and_failures(app, monkeypatch):
    s = settings_from_url("smtp://user%40x:p%3Ass@mail.example.vn:587?starttls=1")
    assert (s.host, s.port, s.user, s.password, s.starttls) == ("mail.example.vn", 587, "user@x", "p:ss", True)
    assert settings_from_url("smtps://mail.example.vn").port == 465
    with pytest.raises(DomainError) as bad:
        settings_from_url("http://mail.example.vn")
    assert bad.value.code == "mail_not_configured"
    port = free_port()  # nobody listens there
    monkeypatch.setitem(app.config, "MAIL_URL", f"smtp://127.0.0.1:{port}?timeout=5")
    with app.test_request_context(), pytest.raises(DomainError) as failed:
        send(report_message("a@example.vn", "vi", "X", "2026-01", b"%PDF", "x.pdf"))
    assert failed.value.code == "mail_failed"
