"""Reading inputs and writing outputs: the only package that touches corpus files."""

from dedup.io.readers import ErrorLog, InputFatalError, read_inputs
from dedup.io.writers import atomic_writer, write_json

__all__ = ["ErrorLog", "InputFatalError", "atomic_writer", "read_inputs", "write_json"]
