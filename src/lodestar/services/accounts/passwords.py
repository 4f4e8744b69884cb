"""Password hashing (argon2) and the password rules."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from lodestar.errors import InvalidInput

MIN_PASSWORD = 10

_hasher = PasswordHasher()
# Cheap parameters for demo personas and tests: demo passwords are public anyway.
_fast_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def hash_password(password: str, *, fast: bool = False) -> str:
    return (_fast_hasher if fast else _hasher).hash(password)


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(
            f"The password is too short. Use at least {MIN_PASSWORD} characters; a phrase of a "
            "few words is easy to remember and hard to guess."
        )


def check_repeated(new_password: str, repeated: str) -> None:
    """A form's new password and its repetition must be the same (a typo would lock the person
    out)."""
    if new_password != repeated:
        raise InvalidInput(
            "The new password and its repetition differ, so nothing was changed. Type the same "
            "new password twice."
        )


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _stand_in_hash() -> str:
    return _hasher.hash("no account has this password")


def spend_a_verification(password: str) -> None:
    """Do the work of checking a password against a real-cost hash, for an e-mail with no
    account: signing in then takes as long as for one, so timing tells nobody which e-mails
    have accounts."""
    password_matches(_stand_in_hash(), password)
