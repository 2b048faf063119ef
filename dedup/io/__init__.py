"""Reading inputs and writing outputs: the only package that touches corpus files."""

from dedup.io.readers import DuplicateIdError, ErrorLog, InputFatalError, read_inputs
from dedup.io.writers import atomic_writer, json_safe, write_json

__all__ = [
    "DuplicateIdError",
    "ErrorLog",
    "InputFatalError",
    "atomic_writer",
    "json_safe",
    "read_inputs",
    "write_json",
]
