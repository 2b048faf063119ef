"""``dedup eval``: deduplication and boilerplate quality against a user's gold labels.

In the order a run uses them: ``load`` (gold and prediction files, format
sniffing), ``passages`` (predicted passages mapped onto gold ones),
``metrics`` (cluster and span scores), ``run`` (one evaluation and its table),
``cli`` (the subcommand). File formats and scoring rules: docs/eval.md.
"""
