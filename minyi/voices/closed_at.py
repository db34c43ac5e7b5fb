"""`Voice.closed_at` follows the item's process instance: set when it enters a final state, cleared if a
manager's override takes it out of one.

This receiver of the engine's `state_entered` is the one writer of `closed_at`: the actions that end
the handling (feedback, decline, merge, closing a suggestion) read the value back from their step's
instance, and the steps no voices action takes — the sweep closing a reply nobody rated (`replied`
overdue → `closed`), the recorded override — are covered the same way. So `closed_at IS NULL` holds
exactly for open items, which the inbox's partial indexes rely on (`minyi.voices.queries.OPEN`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from minyi.core.models import ProcessInstance
from minyi.voices.models import Voice

SUBJECT_TYPE = "voices.voice"


def sync_closed_at(
    sender: Any,
    *,
    instance: ProcessInstance,
    final: bool,
    was_final: bool,
    at: dt.datetime,
    **kwargs: Any,
) -> None:
    """Receiver of `minyi.core.engine.signals.state_entered` (connected in VoicesConfig.ready)."""
    if instance.pk is None or instance.subject_type != SUBJECT_TYPE or final == was_final:
        return  # being started, not a voice, or no change between open and finished: nothing to write
    voices = Voice.objects.filter(pk=instance.subject_id)  # the `voice` or the `suggestion` process
    if final:
        voices.filter(closed_at__isnull=True).update(closed_at=at)
    else:
        voices.update(closed_at=None)
