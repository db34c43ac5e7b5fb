"""Search at scale: ranking only the newest matches (MINYI_VOICE_SEARCH_CANDIDATES) versus ranking every
match, on a database seeded by `benchmarks.voices` (PostgreSQL; `--reuse` semantics).

    MINYI_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/bench_voices_1m \
      .venv/bin/python -m benchmarks.voices_search_candidates 20
"""

import random
import sys

from benchmarks.voices import QUERIES, people, reuse, reused, timed


def main() -> None:
    reuse("postgres")
    seeded = reused()
    from django.db import connection

    from minyi.voices.search import search_voices
    from minyi.voices.search.fulltext import matching
    from minyi.voices.search.tokens import query_tokens
    from minyi.voices.search.visibility import searchable_voices

    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = '30s'")
    rng = random.Random(11)
    search_voices(None, "路灯")  # load jieba once, outside the timings

    def rank_all(person: object, text: str) -> object:
        """The previous shape: every match ranked before the first page."""
        scope = searchable_voices(person)  # type: ignore[arg-type]
        return list(matching(scope, query_tokens(text)).select_related("category", "unit")[:21])

    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    for label, person in people(seeded["root"]).items():
        newest = timed(lambda p=person: search_voices(p, rng.choice(QUERIES)), repeats)
        every = timed(lambda p=person: rank_all(p, rng.choice(QUERIES)), max(5, repeats // 3))
        print(
            f"{label:<17} newest-N p50 {newest['p50']:7.1f} p95 {newest['p95']:7.1f} ms"
            f" | rank-all p50 {every['p50']:7.1f} p95 {every['p95']:7.1f} ms",
            flush=True,
        )


if __name__ == "__main__":
    main()
