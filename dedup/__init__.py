"""dedup: boilerplate stripping and near-duplicate removal for scraped text.

Public API::

    from dedup import Config, clean
    result = clean(["corpus/"], "out/", Config())
"""

from dedup.api import clean, clean_records, strip
from dedup.config import Config, ConfigError
from dedup.pipeline import CleanResult
from dedup.version import __version__

__all__ = ["CleanResult", "Config", "ConfigError", "__version__", "clean", "clean_records", "strip"]
