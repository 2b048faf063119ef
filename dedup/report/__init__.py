"""report.html: the page people judge a cleaning run by, built from OUTDIR alone."""
