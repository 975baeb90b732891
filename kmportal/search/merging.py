"""The index's merge policy for the portal's many one-document commits."""

from __future__ import annotations

import math

from whoosh.reading import SegmentReader

MERGE_FACTOR = 6


def merge_in_tiers(writer, segments):
    """Merge policy for one-document commits: segments of similar size (within a factor of
    MERGE_FACTOR) are merged once MERGE_FACTOR of them pile up, so a write costs about
    log(n) merging on average. Whoosh's default re-merges most segments of a small index
    at every commit, which made each saved practice three times slower to index."""
    levels: dict[int, list] = {}
    to_merge = []
    for segment in segments:
        live, total = segment.doc_count(), segment.doc_count_all()
        if live == 0 or segment.deleted_count() * 2 > total:
            to_merge.append(segment)  # mostly deleted documents: rewrite it smaller
            continue
        levels.setdefault(int(math.log(max(total, 1), MERGE_FACTOR)), []).append(segment)
    for level in levels.values():
        if len(level) >= MERGE_FACTOR:
            to_merge.extend(level)
    if not to_merge:
        return segments
    for segment in to_merge:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [segment for segment in segments if segment not in to_merge]
