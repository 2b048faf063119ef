"""Reading inputs and writing outputs: the only package that touches corpus files.

Exports are lazy (:mod:`dedup.lazy`): ``dedup.config`` reads ``dedup.io.ids``
for its checks, and an eager ``__init__`` would import the readers, which
import ``dedup.config`` back.
"""

from typing import TYPE_CHECKING

from dedup.lazy import lazy_exports

if TYPE_CHECKING:
    from dedup.io.errors import DuplicateIdError, ErrorLog, InputFatalError
    from dedup.io.readers import read_inputs
    from dedup.io.writers import atomic_writer, json_safe, write_json

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "DuplicateIdError": ".errors",
        "ErrorLog": ".errors",
        "InputFatalError": ".errors",
        "read_inputs": ".readers",
        "atomic_writer": ".writers",
        "json_safe": ".writers",
        "write_json": ".writers",
    },
)

__all__ = [
    "DuplicateIdError",
    "ErrorLog",
    "InputFatalError",
    "atomic_writer",
    "json_safe",
    "read_inputs",
    "write_json",
]
