"""E-mail through the office's SMTP server, when one is configured (else nothing is sent).

Settings (environment): ``IPCITY_SMTP_HOST`` (required to send), ``IPCITY_SMTP_PORT``
(default 25), ``IPCITY_SMTP_USER`` / ``IPCITY_SMTP_PASSWORD`` (log in when set),
``IPCITY_SMTP_FROM`` (default ``ipcity@<host>``), ``IPCITY_SMTP_SECURITY`` = ``none`` |
``starttls`` | ``ssl`` (default: ssl on port 465, starttls on 587, else none).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage

from ipcity.settings import current


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    user: str | None = None
    password: str | None = None
    sender: str = ""
    security: str = "none"  # none | starttls | ssl
    timeout: float = 30.0

    @classmethod
    def from_env(cls) -> SmtpSettings | None:
        """The configured server, or None when ``IPCITY_SMTP_HOST`` is unset."""
        s = current()
        if not s.smtp_host:
            return None
        port = s.smtp_port or 25
        default_sec = {465: "ssl", 587: "starttls"}.get(port, "none")
        return cls(
            host=s.smtp_host,
            port=port,
            user=s.smtp_user,
            password=s.smtp_password,
            sender=s.smtp_from or f"ipcity@{s.smtp_host}",
            security=s.smtp_security or default_sec,
        )


def send_mail(settings: SmtpSettings, to: Sequence[str], subject: str, body: str) -> None:
    """Send one plain-text UTF-8 message; raises OSError / smtplib.SMTPException on failure."""
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = ", ".join(to)
    msg["Subject"] = subject
    msg.set_content(body)
    smtp: smtplib.SMTP
    if settings.security == "ssl":
        smtp = smtplib.SMTP_SSL(
            settings.host,
            settings.port,
            timeout=settings.timeout,
            context=ssl.create_default_context(),
        )
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with smtp:
        if settings.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if settings.user:
            smtp.login(settings.user, settings.password or "")
        smtp.send_message(msg)
