"""Concurrent intake on PostgreSQL: distinct tracking numbers, and one item per idempotency key."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from minyi.voices.actions.intake import do_submit_voice
from minyi.voices.models import Voice
from minyi.voices.tests.intake_support import ANONYMOUS, intake, voice_input

__all__ = ["intake"]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]
THREADS = 8


def run_together(work: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    barrier = threading.Barrier(THREADS)
    results: list[Any] = []
    errors: list[BaseException] = []

    def target(index: int) -> None:
        try:
            barrier.wait()
            results.append(work(index))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_concurrent_submissions_get_distinct_consecutive_numbers(intake):
    results, errors = run_together(lambda i: do_submit_voice(voice_input(intake.community), actor=ANONYMOUS))
    assert errors == []
    codes = sorted(result.voice.tracking_code for result in results)
    assert len(set(codes)) == THREADS
    numbers = [int(code.rsplit("-", 1)[1]) for code in codes]
    assert numbers == list(range(numbers[0], numbers[0] + THREADS))


def test_concurrent_replays_of_one_key_create_one_item(intake):
    results, errors = run_together(
        lambda i: do_submit_voice(voice_input(intake.community, idempotency_key="same-key"), actor=ANONYMOUS)
    )
    assert errors == []
    assert {result.voice.pk for result in results} == {Voice.objects.get().pk}
    assert sum(result.created for result in results) == 1
    assert len({result.verification_code for result in results}) == 1
