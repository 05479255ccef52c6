"""E-mail: SMTP settings from SURVEY_MAIL_URL, messages in the recipient's language, text plus HTML, attachments."""
