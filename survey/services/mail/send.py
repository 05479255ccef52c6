"""Send one message over SMTP: smtp://[user:password@]host:port[?starttls=1] (smtps:// for implicit TLS)."""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app

from survey.errors import DomainError


@dataclass(frozen=True)
class MailSettings:
    """Where and how to send."""

    host: str
    port: int
    user: str = ""
    password: str = ""
    starttls: bool = False
    implicit_tls: bool = False
    timeout: float = 30.0


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message."""

    name: str
    data: bytes
    mimetype: str = "application/pdf"


@dataclass
class Message:
    """One e-mail: recipients, subject, plain text and HTML bodies, attachments, language (Content-Language)."""

    to: list[str]
    subject: str
    text: str
    html: str
    lang: str = "vi"
    attachments: list[Attachment] = field(default_factory=list)


def settings_from_url(url: str) -> MailSettings:
    """Parse SURVEY_MAIL_URL; a malformed one is a clear error naming the setting."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise DomainError("mail_not_configured", "SURVEY_MAIL_URL must look like smtp://host:587?starttls=1")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    return MailSettings(host=parts.hostname, port=parts.port or (465 if parts.scheme == "smtps" else 25),
                        user=unquote(parts.username or ""), password=unquote(parts.password or ""),
                        starttls=query.get("starttls", "0").lower() in ("1", "true", "yes"),
                        implicit_tls=parts.scheme == "smtps", timeout=float(query.get("timeout", 30)))


def configured() -> bool:
    """Whether this installation sends e-mail."""
    return bool(current_app.config.get("MAIL_URL"))


def build(message: Message, sender: str) -> EmailMessage:
    """The MIME message: multipart/alternative (text, HTML) inside multipart/mixed when there are attachments."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = ", ".join(message.to)
    mail["Subject"] = message.subject
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip(">") or None)
    mail.set_content(message.text)
    mail.add_alternative(message.html, subtype="html")
    for item in message.attachments:
        main, _, sub = item.mimetype.partition("/")
        mail.add_attachment(item.data, maintype=main, subtype=sub, filename=item.name)
    # Set last: turning the message multipart moves Content-* headers into its first part.
    mail["Content-Language"] = message.lang
    return mail


def send(message: Message) -> None:
    """Send now with the configured settings; SMTP failures become a DomainError the caller records."""
    config = current_app.config
    settings = settings_from_url(config.get("MAIL_URL", ""))
    sender = config.get("MAIL_SENDER") or formataddr(("Khảo sát hài lòng", f"no-reply@{settings.host}"))
    mail = build(message, sender)
    try:
        if settings.implicit_tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                                    context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with client:
            if settings.starttls:
                client.starttls(context=ssl.create_default_context())
            if settings.user:
                client.login(settings.user, settings.password)
            client.send_message(mail)
    except (OSError, smtplib.SMTPException) as exc:
        raise DomainError("mail_failed", f"Sending e-mail failed: {exc.__class__.__name__}") from None
