"""The secret-ballot pool: sealed pending ballots, flushed to `Ballot` in shuffled batches.

Why: a ballot row written in the voter's own transaction can be matched to that voter's participation
row (`Elector.voted`) and cast event by a database administrator — same PostgreSQL `xmin`, adjacent
`ctid`, consecutive SQLite rowids, insertion order. So a secret cast writes only a *sealed* row here
(`PendingBallot`): the group, choices and receipt encrypted and authenticated with a key derived from
the application's secret (MINYI_BALLOT_POOL_KEY, default SECRET_KEY), which is not in the database,
padded to a fixed size so the ciphertext's length says nothing either. At closing — and, if
MINYI_BALLOT_BATCH_SIZE is set (default 0: never), whenever the pool holds that many — `flush` opens them, shuffles them and
writes them to `Ballot` under fresh random ids in one bulk insert in one transaction: every ballot of a
batch has the same transaction id and a position unrelated to the order of casting, so an administrator
can tell at best that a ballot came from one of the batch's voters. Closing rewrites all the poll's
ballots once more in random order (lifecycle.py), widening that to the whole electorate.

Callers hold the poll's row lock (`lock_poll`), so pool and flush are serialised with casting and closing.

The cipher is built from the standard library only (no third-party crypto dependency): a keystream
from SHAKE-256 keyed with the encryption key and a random 128-bit nonce (as in KMAC), XORed with the
padded payload, then encrypt-then-MAC with a separate HMAC-SHA256 key over (poll id, nonce, ciphertext).
See docs/ballots.md.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from minyi.ballots.models import Ballot, PendingBallot, Poll
from minyi.core.errors import ActionError

PAD_TO = 1024  # sealed payloads are padded to a multiple of this many bytes
NONCE_BYTES = 16
TAG_BYTES = 32

# Replaced by a seeded shuffle in tests to assert the mechanism deterministically.
shuffle: Callable[[list[Any]], None] = secrets.SystemRandom().shuffle


def batch_size() -> int:
    """Ballots per intermediate flush; 0 (the default) flushes only at closing."""
    return max(0, settings.MINYI_BALLOT_BATCH_SIZE)


def _keys() -> tuple[bytes, bytes]:
    secret = (settings.MINYI_BALLOT_POOL_KEY or settings.SECRET_KEY).encode()
    master = hmac.new(b"minyi.ballots.pool", secret, hashlib.sha256).digest()
    return (
        hmac.new(master, b"encrypt", hashlib.sha256).digest(),
        hmac.new(master, b"authenticate", hashlib.sha256).digest(),
    )


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    # SHAKE-256 (an extendable-output function, not open to length extension) over key ‖ nonce is a
    # pseudo-random function of the nonce — the construction behind NIST's KMAC.
    return hashlib.shake_256(b"minyi.ballots.pool.stream|" + key + nonce).digest(length)


def _xor(data: bytes, stream: bytes) -> bytes:
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(len(data), "big")


def _tag(key: bytes, poll_id: int, nonce: bytes, body: bytes) -> bytes:
    return hmac.new(key, str(poll_id).encode() + b"|" + nonce + body, hashlib.sha256).digest()


def seal(poll_id: int, payload: dict[str, Any]) -> str:
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    padded = raw + b" " * (PAD_TO * (len(raw) // PAD_TO + 1) - len(raw))  # JSON ignores trailing spaces
    enc_key, mac_key = _keys()
    nonce = secrets.token_bytes(NONCE_BYTES)
    body = _xor(padded, _keystream(enc_key, nonce, len(padded)))
    return base64.b64encode(nonce + body + _tag(mac_key, poll_id, nonce, body)).decode("ascii")


def unseal(poll_id: int, sealed: str) -> dict[str, Any]:
    enc_key, mac_key = _keys()
    try:
        blob = base64.b64decode(sealed.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        blob = b""
    nonce, body, tag = blob[:NONCE_BYTES], blob[NONCE_BYTES:-TAG_BYTES], blob[-TAG_BYTES:]
    if len(blob) < NONCE_BYTES + TAG_BYTES or not hmac.compare_digest(
        tag, _tag(mac_key, poll_id, nonce, body)
    ):
        # A changed key (SECRET_KEY rotated while the poll was open) or a tampered row.
        raise ActionError(
            "ballot_pool_unreadable", _("待计入的选票无法读取（密钥已更换或数据被改动），请联系管理员"), {}
        )
    payload: dict[str, Any] = json.loads(_xor(body, _keystream(enc_key, nonce, len(body))))
    return payload


def pool_ballot(poll: Poll, *, group: str, choices: Any, receipt: str) -> None:
    """Add one secret ballot to the poll's pool; flush when the batch is full. Poll row locked."""
    PendingBallot.objects.create(poll=poll, sealed=seal(poll.pk, {"g": group, "c": choices, "r": receipt}))
    size = batch_size()
    if size and PendingBallot.objects.filter(poll=poll).count() >= size:
        flush(poll)


def flush(poll: Poll) -> int:
    """Open the pool and write its ballots to `Ballot` in shuffled order under fresh ids."""
    sealed = list(PendingBallot.objects.filter(poll=poll).values_list("sealed", flat=True))
    if not sealed:
        return 0
    # Sorted by receipt (random) first, so the order read from the pool — the order of casting — never
    # reaches the shuffle, and a seeded shuffle gives the same result on every database.
    payloads = sorted((unseal(poll.pk, s) for s in sealed), key=lambda p: str(p["r"]))
    shuffle(payloads)
    PendingBallot.objects.filter(poll=poll).delete()
    Ballot.objects.bulk_create(
        Ballot(id=uuid.uuid4(), poll=poll, group=p["g"], choices=p["c"], receipt=p["r"]) for p in payloads
    )
    return len(payloads)


def pending_receipt(poll: Poll, code: str) -> bool:
    """Whether a receipt is in the pool (counted, waiting for its batch). At most a batch to open."""
    return any(
        unseal(poll.pk, s)["r"] == code
        for s in PendingBallot.objects.filter(poll=poll).values_list("sealed", flat=True)
    )
