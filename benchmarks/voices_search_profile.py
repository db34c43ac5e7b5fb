"""Where a search's time goes at scale (candidate query, ranked page, masking), on a database seeded by
`benchmarks.voices` (PostgreSQL, `--reuse` semantics); medians of 8 random queries per person.

    MINYI_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/bench_voices_1m \
      .venv/bin/python -m benchmarks.voices_search_profile
"""

import random
import time

from benchmarks.voices import QUERIES, people, reuse, reused


def main() -> None:
    reuse("postgres")
    seeded = reused()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from minyi.core.masking import mask_text
    from minyi.voices.search import search_voices

    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = '30s'")
    search_voices(None, "路灯")
    mask_text("预热王建国")  # load jieba and its tagger outside the timings
    rng = random.Random(3)
    for label, person in people(seeded["root"]).items():
        parts: dict[str, list[float]] = {}
        for _ in range(8):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                page = search_voices(person, rng.choice(QUERIES))
                parts.setdefault("total", []).append((time.perf_counter() - start) * 1000)
            times = [float(q["time"]) * 1000 for q in queries.captured_queries]
            parts.setdefault("candidates", []).append(times[0])
            parts.setdefault("page", []).append(sum(times[1:]))
            start = time.perf_counter()
            for hit in page.hits:
                mask_text(hit.voice.title)
                mask_text(hit.voice.content)
            parts.setdefault("masking", []).append((time.perf_counter() - start) * 1000)
        print(label, {name: round(sorted(v)[len(v) // 2]) for name, v in parts.items()}, flush=True)


if __name__ == "__main__":
    main()
