"""``dedup eval``: deduplication and boilerplate quality against a user's gold labels."""
