"""How a nudge reaches someone: e-mail over SMTP, or a chat webhook (Slack- or Teams-style JSON).

Each message carries its three answer links. The webhook payloads are what Slack's incoming
webhooks (``text`` and Block Kit ``blocks``) and Teams workflow webhooks (a ``message`` with an
Adaptive Card) accept, plus a ``recipient`` object (e-mail and name) the workflow behind the
webhook uses to send it to that person as a direct message.

A delivery that does not go through raises :class:`DeliveryFailed` with a sentence saying why;
``send-due`` then retries it later.
"""

from __future__ import annotations

import json
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr
from html import escape
from typing import Any

from lodestar.config import NudgeSettings
from lodestar.domain.nudges import ANSWER_LABELS


class DeliveryFailed(Exception):
    """The message did not go through; the text says why, for the nudges page."""


@dataclass(frozen=True)
class Message:
    to_email: str
    to_name: str
    subject: str
    body: str
    links: dict[str, str]  # answer -> signed URL


def _footer_lines(links: dict[str, str]) -> list[str]:
    return [
        f"{ANSWER_LABELS['done']}: {links['done']}",
        f"{ANSWER_LABELS['not_today']}: {links['not_today']}",
        "",
        f"Stop these reminders: {links['unsubscribe']}",
    ]


def email_message(msg: Message, sender: str) -> EmailMessage:
    """The e-mail: plain text with the links written out, and an HTML part with buttons."""
    mail = EmailMessage()
    mail["Subject"] = msg.subject
    mail["From"] = sender
    mail["To"] = f"{msg.to_name} <{msg.to_email}>" if msg.to_name else msg.to_email
    mail["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or None)
    mail["List-Unsubscribe"] = f"<{msg.links['unsubscribe']}>"
    mail.set_content("\n".join([msg.body, "", *_footer_lines(msg.links)]) + "\n")
    paragraphs = "".join(
        f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in msg.body.split("\n\n")
    )
    buttons = " ".join(
        f'<a href="{escape(msg.links[a])}">{escape(ANSWER_LABELS[a])}</a>'
        for a in ("done", "not_today")
    )
    stop = f'<p><small><a href="{escape(msg.links["unsubscribe"])}">Stop these reminders</a>'
    mail.add_alternative(
        f"<html><body>{paragraphs}<p>{buttons}</p>{stop}</small></p></body></html>", subtype="html"
    )
    return mail


def _connect(settings: NudgeSettings) -> smtplib.SMTP:
    if settings.smtp_security == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.smtp_host,
            settings.smtp_port,
            timeout=settings.timeout_seconds,
            context=ssl.create_default_context(),
        )
    else:
        server = smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=settings.timeout_seconds
        )
    if settings.smtp_security == "starttls":
        server.starttls(context=ssl.create_default_context())
    if settings.smtp_username:
        server.login(settings.smtp_username, settings.smtp_password)
    return server


class Outbox:
    """Sends one run's messages: one SMTP connection is kept open across its e-mails (and
    dropped after any error, so the next message starts afresh); webhooks are one POST each.
    Use as a context manager."""

    def __init__(self, settings: NudgeSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self._drop(polite=True)

    def send(self, channel: str, msg: Message) -> None:
        """Send ``msg`` through ``channel``; DeliveryFailed when it does not go through."""
        settings = self.settings
        if channel == "email":
            self._email(msg)
        elif channel == "slack":
            post_webhook(settings.slack_webhook_url, slack_payload(msg), settings, "slack")
        elif channel == "teams":
            post_webhook(settings.teams_webhook_url, teams_payload(msg), settings, "teams")
        else:
            raise DeliveryFailed(f"'{channel}' is not a channel Lodestar can send through.")

    def _email(self, msg: Message) -> None:
        settings = self.settings
        if not settings.smtp_host or not settings.mail_from:
            raise DeliveryFailed(
                "E-mail is not set up: set LODESTAR_NUDGES__SMTP_HOST and "
                "LODESTAR_NUDGES__MAIL_FROM (docs/settings.md); the delivery is tried again later."
            )
        mail = email_message(msg, settings.mail_from)
        try:
            if self._smtp is None:
                self._smtp = _connect(settings)
            self._smtp.send_message(mail)
        except smtplib.SMTPResponseException as exc:
            self._drop()
            reason = (
                exc.smtp_error.decode(errors="replace")
                if isinstance(exc.smtp_error, bytes)
                else str(exc.smtp_error)
            )
            raise DeliveryFailed(
                f"The mail server refused the message ({exc.smtp_code} {reason})."
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise DeliveryFailed(
                f"The mail server could not be reached or refused the message "
                f"({type(exc).__name__}: {exc})."
            ) from None

    def _drop(self, polite: bool = False) -> None:
        server, self._smtp = self._smtp, None
        if server is None:
            return
        try:
            if polite:
                server.quit()
            else:
                server.close()
        except (smtplib.SMTPException, OSError):
            server.close()


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(msg: Message) -> dict[str, Any]:
    buttons = [
        {
            "type": "button",
            "text": {"type": "plain_text", "text": ANSWER_LABELS[a]},
            "url": msg.links[a],
            **({"style": "primary"} if a == "done" else {}),
        }
        for a in ("done", "not_today")
    ]
    stop = f"<{msg.links['unsubscribe']}|Stop these reminders>"
    return {
        "text": f"{msg.subject}\n{msg.body}",
        "blocks": [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f"*{_slack_escape(msg.subject)}*\n{_slack_escape(msg.body)}",
                },
            },
            {"type": "actions", "elements": buttons},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": stop}]},
        ],
        "recipient": {"email": msg.to_email, "name": msg.to_name},
    }


def teams_payload(msg: Message) -> dict[str, Any]:
    actions = [
        {"type": "Action.OpenUrl", "title": ANSWER_LABELS[a], "url": msg.links[a]}
        for a in ("done", "not_today", "unsubscribe")
    ]
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": msg.subject, "weight": "Bolder", "wrap": True},
            {"type": "TextBlock", "text": msg.body, "wrap": True},
        ],
        "actions": actions,
    }
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
        "recipient": {"email": msg.to_email, "name": msg.to_name},
    }


def post_webhook(url: str, payload: dict[str, Any], settings: NudgeSettings, what: str) -> None:
    if not url.startswith(("https://", "http://")):
        raise DeliveryFailed(
            f"No {what} webhook is set up: set LODESTAR_NUDGES__{what.upper()}_WEBHOOK_URL to the "
            "https:// address of the webhook (docs/settings.md); the delivery is tried again later."
        )
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "User-Agent": "Lodestar nudges"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.timeout_seconds) as response:  # noqa: S310
            response.read(1024)
    except urllib.error.HTTPError as exc:
        raise DeliveryFailed(f"The {what} webhook answered {exc.code} {exc.reason}.") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryFailed(f"The {what} webhook could not be reached ({reason}).") from None


def unset_channels(settings: NudgeSettings) -> tuple[str, ...]:
    """The channels the settings do not set up yet, by label (deliveries through them fail
    with a sentence that names the setting, and are retried)."""
    from lodestar.domain.nudges import CHANNEL_LABELS

    missing = []
    if not settings.smtp_host or not settings.mail_from:
        missing.append(CHANNEL_LABELS["email"])
    if not settings.slack_webhook_url:
        missing.append(CHANNEL_LABELS["slack"])
    if not settings.teams_webhook_url:
        missing.append(CHANNEL_LABELS["teams"])
    return tuple(missing)
