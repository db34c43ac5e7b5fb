"""Input types that keep fuzzed or hostile input away from the database driver.

Ids are bounded to a signed 64-bit integer (both databases' key type) and text may not contain NUL
(PostgreSQL refuses it) — either would otherwise surface as a 500 instead of a 422.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

MAX_ID = 2**63 - 1


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    return value


ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]
Text = Annotated[str, AfterValidator(_no_nul)]
