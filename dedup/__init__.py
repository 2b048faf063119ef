"""dedup: boilerplate stripping and near-duplicate removal for scraped text.

Public API::

    from dedup import Config, clean
    result = clean(["corpus/"], "out/", Config())
"""

import logging
from typing import TYPE_CHECKING

from dedup.lazy import lazy_exports
from dedup.version import __version__

# A library prints nothing of its own accord: without this, Python's "last
# resort" handler would print our warnings (bad records) to stderr for every
# application that has not configured logging.
logging.getLogger("dedup").addHandler(logging.NullHandler())

# Lazy: ``from dedup import Config`` should not import numba, numpy, pyarrow and
# trafilatura (1.6 s here) just to read a config.
if TYPE_CHECKING:
    from dedup.api import clean, clean_dataset, clean_records, strip
    from dedup.config import Config, ConfigError
    from dedup.io.results import CleanResult

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "clean": ".api",
        "clean_records": ".api",
        "clean_dataset": ".api",
        "strip": ".api",
        "Config": ".config",
        "ConfigError": ".config",
        "CleanResult": ".io.results",
    },
)

__all__ = [
    "CleanResult",
    "Config",
    "ConfigError",
    "__version__",
    "clean",
    "clean_dataset",
    "clean_records",
    "strip",
]
