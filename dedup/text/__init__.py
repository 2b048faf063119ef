"""Text units with exact character offsets, word counts, and rewriting after removals."""
