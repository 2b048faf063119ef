"""dedup: boilerplate stripping and near-duplicate removal for scraped text.

Public API::

    from dedup import Config, clean
    result = clean(["corpus/"], "out/", Config())
"""

import logging

# A library prints nothing of its own accord: without this, Python's "last
# resort" handler would print our warnings (bad records) to stderr for every
# application that has not configured logging.
logging.getLogger("dedup").addHandler(logging.NullHandler())

from dedup.api import clean, clean_records, strip  # noqa: E402
from dedup.config import Config, ConfigError  # noqa: E402
from dedup.pipeline import CleanResult  # noqa: E402
from dedup.version import __version__  # noqa: E402

__all__ = ["CleanResult", "Config", "ConfigError", "__version__", "clean", "clean_records", "strip"]
