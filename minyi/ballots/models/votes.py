"""Who may vote and what was voted, kept apart so a secret ballot cannot be traced to its voter.

`Elector` is the electorate snapshot and the participation record (who voted). `Ballot` holds
contents. For a secret poll a ballot row has no voter, no timestamp, no sequential id (random UUID
primary key) and no ordering. A secret ballot is first sealed (encrypted with a key the database
does not hold) into the `PendingBallot` pool in the voter's transaction; every
MINYI_BALLOT_BATCH_SIZE ballots, and at closing, the pool is opened and written to `Ballot` in shuffled
order in one transaction (pool.py), so no ballot row's id, position or transaction id matches one
voter's participation row. At closing the poll's ballot rows are rewritten once more in random order
under new ids. See docs/ballots.md for what a database administrator can and cannot learn.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Elector(models.Model):
    poll = models.ForeignKey("ballots.Poll", on_delete=models.CASCADE, related_name="electors")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    group = models.CharField(_("测评组"), max_length=40, blank=True)  # rater group of a scoring poll
    present = models.BooleanField(_("到会"), default=False)
    voted = models.BooleanField(_("已投票"), default=False)

    class Meta:
        verbose_name = _("投票人")
        verbose_name_plural = _("投票人")
        constraints = [models.UniqueConstraint(fields=["poll", "person"], name="elector_poll_person")]
        indexes = [models.Index(fields=["poll", "voted"], name="elector_poll_voted")]

    def __str__(self) -> str:
        return f"{self.person} @ {self.poll_id}"


class Ballot(models.Model):
    # Random, not sequential: the id carries no order. Deliberately no created_at.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey("ballots.Poll", on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(  # named polls only; always null for secret polls
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    group = models.CharField(max_length=40, blank=True)
    # yes_no: "yes"|"no"|"abstain"; choose: [keys]; score: {option key: {criterion: score}}
    choices = models.JSONField()
    receipt = models.CharField(max_length=20)

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")
        constraints = [
            models.UniqueConstraint(fields=["poll", "receipt"], name="ballot_poll_receipt"),
            models.UniqueConstraint(
                fields=["poll", "voter"], name="ballot_poll_voter", condition=models.Q(voter__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.receipt


class PendingBallot(models.Model):
    """A secret ballot waiting for its batch: sealed (authenticated encryption, fixed-size padding), so
    the row written in the voter's transaction shows nothing of the choice or receipt (pool.py)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey("ballots.Poll", on_delete=models.CASCADE, related_name="+")
    sealed = models.TextField()

    def __str__(self) -> str:
        return str(self.id)


class PaperCount(models.Model):
    """Counts of a paper vote: typed in by one official, confirmed by a second, different official."""

    poll = models.OneToOneField("ballots.Poll", on_delete=models.CASCADE, related_name="paper_count")
    # yes_no: {"yes", "no", "abstain"}; choose: {option key: votes}
    counts = models.JSONField()
    ballots_returned = models.PositiveIntegerField(_("收回票数"))
    invalid = models.PositiveIntegerField(_("无效票"), default=0)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"paper count of poll {self.poll_id}"
