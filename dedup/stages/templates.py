"""Site templates: lines repeated across a site's pages, learnt over the whole
spooled corpus on the driver (streaming, one chunk at a time)."""

from __future__ import annotations

from collections.abc import Iterator

from dedup.boilerplate import SiteTemplates, learn_templates
from dedup.config import Config
from dedup.io.spool import Spool
from dedup.stages.timer import StageTimer


def template_stage(
    spool: Spool, config: Config, stages: StageTimer | None = None
) -> SiteTemplates | None:
    """Learn site-template lines over the whole spooled corpus (streaming)."""
    bp = config.boilerplate
    if not (bp.enabled and bp.templates):
        return None
    stages = stages or StageTimer()

    def pages() -> Iterator[tuple[str | None, str]]:
        with stages.bar(spool.n_chunks, "templates") as bar:
            for k in range(spool.n_chunks):
                for d in spool.read(("docs", k)):
                    yield d.site, d.text
                bar.update(1)

    return learn_templates(pages(), bp)
