"""After an intake commits: the item's search index row and the notification of the responsible office.

Neither is part of the submitter's answer, and together they were a third of an intake request
(jieba tokenising, the grant look-up, notification preferences, the inserts). `_create` therefore
only queues the new item (`queue_followup`); once its transaction commits, a Huey task
(`voices.tasks.finish_intake`) does both. With the worker
running this is a matter of seconds (docs/voices.md, "Intake"). Nothing is lost when it is late or
runs twice:

- `do_finish_intake` is idempotent: it indexes only items without an index row and tells only the
  people not yet told (per item, by the notification's link), under a lock on the items.
- An item whose transaction rolled back never reaches it (the on-commit hook is dropped with its
  savepoint), and ids of items that no longer exist are skipped.
- Should the queue be unreachable at commit (the hook is robust: the request that already committed
  is not failed), `finish_stalled_intake` (periodic, every MINYI_SWEEP_MINUTES) finishes the newest
  items still without an index row; `reindex_voices` remains the index's own safety net.

Bulk paths (file imports, the demo) collect their items with `collected_followups()` and finish them
in batches themselves, instead of one task per item.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from minyi.core.engine import runtime
from minyi.core.engine.labels import instance_url
from minyi.core.engine.registry import get_definition
from minyi.core.models import Notification
from minyi.core.notify import Message, notify_many
from minyi.voices.models import Voice, VoiceSearchIndex
from minyi.voices.search.index import index_voices

PROCESS = "voice"
NEW_ITEM_KIND = "voices.new"
# How many of the newest items the stalled-intake sweep looks at.
STALLED_WINDOW = 1000


@dataclass
class FollowupResult:
    indexed: int = 0
    notified: int = 0  # notifications created


@dataclass(frozen=True)
class _AfterCommit:
    """The on-commit hook of one new item: hand it to the queue."""

    voice_id: int

    def __call__(self) -> None:
        from minyi.voices.tasks import finish_intake

        finish_intake([self.voice_id])


@dataclass
class FollowupCollector:
    """Items created while `collected_followups()` is active; the bulk path finishes them itself."""

    voice_ids: list[int] = field(default_factory=list)

    def flush(self) -> FollowupResult:
        """Finish the items collected so far (call only after their transactions committed)."""
        ids, self.voice_ids = self.voice_ids, []
        return do_finish_intake(ids) if ids else FollowupResult()


_collector: contextvars.ContextVar[FollowupCollector | None] = contextvars.ContextVar(
    "minyi_intake_followup_collector", default=None
)


@contextmanager
def collected_followups() -> Iterator[FollowupCollector]:
    """While active, intake in this thread queues no task per item: the caller flushes the collector."""
    collector = FollowupCollector()
    token = _collector.set(collector)
    try:
        yield collector
    finally:
        _collector.reset(token)


def queue_followup(voice: Voice) -> None:
    """Finish `voice` once the current transaction commits; nothing if it rolls back."""
    collector = _collector.get()
    if collector is not None:
        collector.voice_ids.append(voice.pk)
        return
    # robust: a queue outage is logged, never raised into a request that has already committed;
    # finish_stalled_intake picks the item up.
    transaction.on_commit(_AfterCommit(voice.pk), robust=True)


@transaction.atomic
def do_finish_intake(voice_ids: Sequence[int]) -> FollowupResult:
    """Index the items and tell the offices that must accept them; safe to run again."""
    voices = list(
        Voice.objects.select_for_update(of=("self",))  # concurrent runs for one item wait for each other
        .filter(pk__in=voice_ids, instance__process=PROCESS)
        .select_related("category", "unit", "instance", "instance__unit")
        .order_by("pk")
    )
    if not voices:
        return FollowupResult()
    indexed = set(VoiceSearchIndex.objects.filter(voice__in=voices).values_list("voice_id", flat=True))
    result = FollowupResult(indexed=index_voices([voice for voice in voices if voice.pk not in indexed]))
    result.notified = sum(len(told) for told in notify_many(_new_item_messages(voices)))
    return result


def _new_item_messages(voices: Sequence[Voice]) -> list[Message]:
    """The new-item notice of each item still awaiting acceptance, to whoever may accept it and has
    not been told yet (by the notification's link); a constant number of queries for the batch."""
    waiting = [
        voice
        for voice in voices
        if voice.instance is not None
        and voice.instance.state == get_definition(voice.instance.process, voice.instance.version).initial
    ]
    urls = {voice.pk: instance_url(voice.instance) for voice in waiting if voice.instance is not None}
    told: dict[str, set[int]] = {}
    for url, recipient in Notification.objects.filter(kind=NEW_ITEM_KIND, url__in=urls.values()).values_list(
        "url", "recipient_id"
    ):
        told.setdefault(url, set()).add(recipient)
    responsible = runtime.responsible_people_of([(voice.instance, voice) for voice in waiting])  # type: ignore[misc]
    return [
        Message(
            [person for person in people if person.pk not in told.get(urls[voice.pk], set())],
            kind=NEW_ITEM_KIND,
            title=_("新民情事项待受理：%(code)s %(title)s")
            % {"code": voice.tracking_code, "title": voice.title},
            body=f"{voice.category.name} · {voice.unit.name}",
            url=urls[voice.pk],
        )
        for voice, people in zip(waiting, responsible, strict=True)
    ]


def finish_stalled_intake(window: int = STALLED_WINDOW) -> FollowupResult:
    """Finish the newest items whose follow-up never ran (the queue was down at commit, a worker died)."""
    stalled = _unfinished_newest(window)
    return do_finish_intake(stalled) if stalled else FollowupResult()


def finish_queued_intake(voice_ids: Sequence[int]) -> FollowupResult:
    """What the queued task runs: its items and every other recent item still unfinished, together.

    A burst of intakes queues one task per item; the first tasks to run finish the whole burst in a
    few transactions, and the tasks behind them find their items done (indexed) and write nothing —
    on SQLite they do not even take the write lock the intake requests are waiting for. (Telling an
    office's newcomer about an item already announced is `do_finish_intake`'s, called directly.)
    """
    indexed = set(VoiceSearchIndex.objects.filter(voice_id__in=voice_ids).values_list("voice_id", flat=True))
    if all(pk in indexed for pk in voice_ids):
        return FollowupResult()
    return do_finish_intake(sorted({*(pk for pk in voice_ids if pk not in indexed), *_unfinished_newest()}))


def _unfinished_newest(window: int = STALLED_WINDOW) -> list[int]:
    """Ids among the newest `window` items that have no index row yet (two reads)."""
    newest = Voice.objects.filter(instance__process=PROCESS).order_by("-pk").values_list("pk", flat=True)
    candidates = list(newest[:window])
    done = set(VoiceSearchIndex.objects.filter(voice_id__in=candidates).values_list("voice_id", flat=True))
    return [pk for pk in candidates if pk not in done]
