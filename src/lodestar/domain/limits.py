"""What the database can hold: the bounds typed input is checked against before it is stored.

Both backends must accept whatever passes these checks. PostgreSQL is the stricter one:
its ``integer`` columns stop at 2^31 - 1, its text cannot hold a NUL character, and an average
over values near the float limit overflows. SQLite takes all three silently, which is why the
checks live here and not in the database.
"""

from __future__ import annotations

# Record ids are PostgreSQL ``integer`` columns.
MAX_RECORD_ID = 2**31 - 1

# The largest magnitude a typed number (a KPI baseline, target or money value) may have.
# A quadrillion is beyond any real KPI or budget, and far enough from the float limit that
# sums and means over millions of such values stay finite.
MAX_MAGNITUDE = 1e15


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text, as a sentence; ``None`` when it can."""
    if "\x00" in value:
        return "Text cannot contain the NUL character (\\u0000); remove it and send the text again."
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return (
            "Text contains a lone surrogate code point, which is not valid Unicode; "
            "send it encoded as UTF-8."
        )
    return None
