"""Run datatrove's MinHash dedup (default MinhashConfig, its four stages on a
LocalPipelineExecutor) on a JSONL file of {"id", "text"} and print its
clusters as a JSON list of id lists.

Run by benchmarks/_realdup_peers.py in a separate interpreter: datatrove 0.10.1
hashes ``str`` with xxhash, which xxhash 4 refuses ("Strings must be encoded
before hashing"), so it needs an environment with xxhash < 4.

    python _datatrove_run.py INPUT.jsonl WORKDIR
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path


def main(src: str, work: str) -> None:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    root = Path(work)
    inp = Path(src)
    config = MinhashConfig()

    def reader() -> JsonlReader:
        return JsonlReader(str(inp.parent), glob_pattern=inp.name, id_key="id")

    def run(pipeline: list, tasks: int, name: str) -> None:
        LocalPipelineExecutor(
            pipeline=pipeline, tasks=tasks, workers=1, logging_dir=str(root / "logs" / name)
        ).run()

    run([reader(), MinhashDedupSignature(str(root / "sigs"), config=config)], 1, "sigs")
    run(
        [MinhashDedupBuckets(str(root / "sigs"), str(root / "buckets"), config=config)],
        config.num_buckets,
        "buckets",
    )
    run(
        [
            MinhashDedupCluster(
                str(root / "buckets"), str(root / "remove"), config=config, save_cluster_id=True
            )
        ],
        1,
        "cluster",
    )
    run(
        [
            reader(),
            MinhashDedupFilter(
                str(root / "remove"),
                exclusion_writer=JsonlWriter(str(root / "removed")),
                load_cluster_ids=True,
            ),
            JsonlWriter(str(root / "kept")),
        ],
        1,
        "filter",
    )
    groups: dict[int, list[str]] = {}
    for part in ("kept", "removed"):
        for path in sorted((root / part).glob("*.jsonl.gz")):
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                for line in fh:
                    rec = json.loads(line)
                    cid = rec.get("metadata", {}).get("minhash_cluster_id", -1)
                    if cid != -1:
                        groups.setdefault(int(cid), []).append(str(rec["id"]))
    print(json.dumps([sorted(g) for g in groups.values() if len(g) > 1]))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
