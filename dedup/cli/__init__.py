"""The command line (clean, strip, eval, report, index): arguments only; the API does the work."""
