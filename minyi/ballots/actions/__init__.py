"""The only code that changes ballots state. See docs/ballots.md."""

from minyi.ballots.actions.casting import CastReceipt, check_cast_ballot, do_cast_ballot
from minyi.ballots.actions.lifecycle import (
    OptionInput,
    PollInput,
    check_create_poll,
    do_close_poll,
    do_create_poll,
    do_open_poll,
    do_publish_poll,
)
from minyi.ballots.actions.paper import PaperCountInput, do_confirm_paper_counts, do_enter_paper_counts

__all__ = [
    "CastReceipt",
    "OptionInput",
    "PaperCountInput",
    "PollInput",
    "check_cast_ballot",
    "check_create_poll",
    "do_cast_ballot",
    "do_close_poll",
    "do_confirm_paper_counts",
    "do_create_poll",
    "do_enter_paper_counts",
    "do_open_poll",
    "do_publish_poll",
]
