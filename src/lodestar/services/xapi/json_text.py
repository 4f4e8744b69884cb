"""Statement JSON parsed on the ingest path (the LRS endpoint and the file import), where
parsing is a fifth of the work.

``orjson`` parses two to three times faster than the standard library. Where the two could
read a document differently, ``json`` reads it: a run of 19 digits or more may be an integer
beyond 64 bits, which ``json`` keeps exactly and ``orjson`` turns into a float; and what
``orjson`` refuses (``NaN``, numbers beyond a double, lone surrogates, or text that is not
JSON) goes to ``json``, which accepts what it accepted before and otherwise raises its own
``JSONDecodeError`` (its message and position are what the import report shows). So a
document means the same whichever parser read it.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

LONG_NUMBER = re.compile(r"\d{19}")
LONG_NUMBER_BYTES = re.compile(rb"\d{19}")


def parse(text: str | bytes) -> Any:
    """The JSON value in ``text``; raises ``json.JSONDecodeError`` (a ``ValueError``) or
    ``UnicodeDecodeError`` when it is not JSON."""
    if isinstance(text, str):
        long_number = LONG_NUMBER.search(text) is not None
    else:
        long_number = LONG_NUMBER_BYTES.search(text) is not None
    if not long_number:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)
