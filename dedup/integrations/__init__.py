"""Bridges to other tools' data types (Hugging Face datasets, datatrove).

Each module imports its tool only when used: the tools are optional extras
(``pip install 'dedup[datasets]'``, ``'dedup[datatrove]'``).
"""
