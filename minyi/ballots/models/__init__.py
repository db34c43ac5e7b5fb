"""Ballots models: polls and their options (polls.py); electors, ballots and paper counts (votes.py)."""

from minyi.ballots.models.polls import Counting, Method, Poll, PollOption, PollState, Secrecy
from minyi.ballots.models.votes import Ballot, Elector, PaperCount, PendingBallot

__all__ = [
    "Ballot",
    "Counting",
    "Elector",
    "Method",
    "PaperCount",
    "PendingBallot",
    "Poll",
    "PollOption",
    "PollState",
    "Secrecy",
]
