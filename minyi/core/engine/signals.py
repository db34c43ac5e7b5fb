"""What the engine tells the apps whose subjects it moves.

`state_entered` is sent by `enter_state` — the one place every start, transition, override and overdue
transition of the sweep goes through — inside the caller's transaction, before the instance is saved.
A receiver keeps its subject's own columns in step with the instance (voices: `Voice.closed_at`), so a
state change made by the sweep or by a manager's override is reflected as surely as one made by an
app's action. Arguments: `instance` (pk None while it is being started), `state`, `final`, `was_final`
(the instance's finality before), `at`.
"""

from __future__ import annotations

from django.dispatch import Signal

state_entered = Signal()
