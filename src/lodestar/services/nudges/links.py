"""Signed answer links: "done it", "not today" and "unsubscribe" without signing in.

A link names one delivery and one answer, signed with the app's secret key
(``LODESTAR_SECRET_KEY``; the command that sends and the server that answers must share it).
Nobody can answer for someone else by changing the number in a link: the signature would no
longer match. Opening a link only shows a confirmation page; the answer is recorded by the
button on it (a POST), so mail scanners that open every link answer nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, Signer

from lodestar.domain.nudges import ANSWERS, Answer
from lodestar.errors import NotFound

SALT = "lodestar.nudge-answer"


@dataclass(frozen=True)
class AnswerLink:
    delivery_id: int
    answer: Answer


def answer_token(secret: str, delivery_id: int, answer: Answer) -> str:
    return Signer(secret, salt=SALT).sign(f"{delivery_id}.{answer}").decode()


def answer_url(base_url: str, secret: str, delivery_id: int, answer: Answer) -> str:
    return f"{base_url.rstrip('/')}/nudges/answer/{answer_token(secret, delivery_id, answer)}"


def read_token(secret: str, token: str) -> AnswerLink:
    """The delivery and answer a link names; NotFound when it was not signed by Lodestar."""
    try:
        value = Signer(secret, salt=SALT).unsign(token.encode()).decode()
        number, answer = value.split(".", 1)
        delivery_id = int(number)
    except (BadSignature, ValueError, UnicodeError):
        raise NotFound(
            "This link is not valid: it may have been cut short or changed. Open it again from "
            "the message, or ignore the message if it was not meant for you."
        ) from None
    if answer not in ANSWERS:
        raise NotFound("This link asks for an answer Lodestar does not know. Open it again.")
    return AnswerLink(delivery_id, answer)  # type: ignore[arg-type]
