"""Near-duplicate clusters: verify pairs, find components, split around keepers, pick keepers."""
