"""How a derived view is written to the database and read back (``services.derived``).

A view is a value of Lodestar's own making (frozen dataclasses of numbers, strings and dates),
pickled. Unpickling whatever bytes a table holds would run whatever they name: anyone able to
write one row of ``derived_views`` (a leaked database password, a careless restore, a tool
writing to the wrong table) could run code inside every server process that reads it. So a
view is read back with an unpickler that builds only what views are made of:

- Lodestar's own dataclasses, enumerations and named tuples (classes, never functions, from
  modules under ``lodestar.`` that are imported already: the code that computes a view has
  imported them, and importing a module named by the bytes would run it);
- dates and times, decimals and ordered dicts from the standard library;
- the values pickle writes with opcodes of its own (numbers, strings, bytes, lists, tuples,
  dicts, sets), which need no lookup at all.

Anything else (``os.system``, ``builtins.eval``, a class with side effects, a NumPy scalar) is
refused with ``UnreadableView``: the caller computes the view again, so a refused row costs one
computation, never a wrong or harmful answer.
"""

from __future__ import annotations

import dataclasses
import enum
import io
import pickle
import sys
from typing import Any

# Standard-library classes a view may hold, by module.
_STANDARD: dict[str, frozenset[str]] = {
    "datetime": frozenset({"date", "datetime", "time", "timedelta", "timezone"}),
    "decimal": frozenset({"Decimal"}),
    "collections": frozenset({"OrderedDict"}),
}


class UnreadableView(Exception):
    """The stored bytes are not a view this code wrote (or not one it may read)."""


def dump_view(value: Any) -> bytes:
    """The bytes stored for ``value``. Raises ``pickle.PicklingError``, ``TypeError`` or
    ``AttributeError`` for a value pickle cannot write."""
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def load_view(data: bytes) -> Any:
    """The view ``data`` holds, built only from the classes listed in the module doc; raises
    ``UnreadableView`` for anything else, or for bytes that are not a whole pickle."""
    try:
        return _ViewUnpickler(io.BytesIO(data)).load()
    except UnreadableView:
        raise
    except Exception as exc:  # noqa: BLE001 - truncated or foreign bytes: computed again
        raise UnreadableView(f"not a stored view ({type(exc).__name__}: {exc})") from None


class _ViewUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if name in _STANDARD.get(module, ()):
            return super().find_class(module, name)
        loaded = sys.modules.get(module) if module.startswith("lodestar.") else None
        if loaded is not None and "." not in name:  # imported already: importing runs code
            found = getattr(loaded, name, None)
            if _a_plain_value_class(found):
                return found
        raise UnreadableView(f"a stored view may not name {module}.{name}")


def _a_plain_value_class(found: object) -> bool:
    """A class whose instances only hold values: built without running code of its own."""
    if not isinstance(found, type):
        return False  # functions and other callables would be called by the pickle
    if issubclass(found, enum.Enum):
        return True
    if issubclass(found, tuple) and hasattr(found, "_fields"):
        return True  # a named tuple
    return dataclasses.is_dataclass(found)


__all__ = ["UnreadableView", "dump_view", "load_view"]
