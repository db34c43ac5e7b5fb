"""search_voices: what the page and the API call — segmented query, scoped, ranked, highlighted, masked."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from minyi.core.masking import mask_text
from minyi.core.models import Person
from minyi.voices.models import Voice
from minyi.voices.search.fulltext import matching, newest_matches
from minyi.voices.search.states import process_state
from minyi.voices.search.tokens import query_tokens
from minyi.voices.search.visibility import public_voices, searchable_voices

SNIPPET_CHARS = 80


@dataclass(frozen=True)
class SearchHit:
    voice: Voice  # annotated with `state` (the process state) and `search_rank`
    title: str  # masked plain text (the API's)
    snippet: str
    title_html: SafeString  # the same, escaped, matched terms in <mark> (the page's)
    snippet_html: SafeString


@dataclass(frozen=True)
class SearchPage:
    query: str
    tokens: list[str]
    hits: list[SearchHit]
    page: int
    has_next: bool
    # Only the newest MINYI_VOICE_SEARCH_CANDIDATES matches are ranked. When there may be older ones,
    # this is the `before` that searches them (the oldest ranked item's id); None when none are left.
    older_before: int | None = None
    before: int | None = None


def _term_pattern(tokens: Sequence[str]) -> re.Pattern[str] | None:
    terms = sorted({t for t in tokens if t}, key=len, reverse=True)  # longest first: 路灯 before 路
    return re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE) if terms else None


def highlight(text: str, tokens: Sequence[str]) -> SafeString:
    """`text` escaped, with every occurrence of a token wrapped in <mark> (text is masked by the caller)."""
    pattern = _term_pattern(tokens)
    if pattern is None:
        return mark_safe(escape(text))
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def snippet(text: str, tokens: Sequence[str], width: int = SNIPPET_CHARS) -> str:
    """A window of `text` around its first matched term (the start when none matches)."""
    text = " ".join(text.split())
    pattern = _term_pattern(tokens)
    match = pattern.search(text) if pattern else None
    start = max(0, (match.start() if match else 0) - width // 4)
    piece = text[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


def search_voices(
    person: Person | None,
    text: str,
    *,
    page: int = 1,
    per_page: int | None = None,
    public_only: bool = False,
    before: int | None = None,
) -> SearchPage:
    """The voices `person` may see that contain every word of `text`, best match first among the
    newest `MINYI_VOICE_SEARCH_CANDIDATES` matches (`before`: among the newest older than that item);
    `older_before` continues further back, so every match can be reached.

    Anonymous callers (and `public_only`) search published items only. Titles and snippets are masked
    (phone and ID numbers, names) whoever asks: the result list is an overview; the item page shows
    details.
    """
    per_page = per_page or settings.MINYI_VOICE_SEARCH_PAGE_SIZE
    page = max(1, page)
    tokens = query_tokens(text)[: settings.MINYI_VOICE_SEARCH_MAX_TERMS]
    scope = public_voices() if public_only else searchable_voices(person)
    # Best match first among the newest matches, not among all: a common word matches tens of
    # thousands of a city's items, and ranking them all costs a rank computation each, while the
    # newest are read in the full-text index's key order. Read as a list first: the full-text clauses
    # name the voice table literally, so inside a subquery they would be correlated with the outer rows.
    limit = settings.MINYI_VOICE_SEARCH_CANDIDATES
    candidates = newest_matches(scope, tokens, limit, before=before)
    older_before = min(candidates) if len(candidates) == limit else None
    found = (
        matching(Voice.objects.filter(pk__in=candidates), tokens, mode="all")
        .select_related("category", "unit")
        .annotate(state=process_state())
    )
    offset = (page - 1) * per_page
    rows = list(found[offset : offset + per_page + 1]) if tokens else []
    hits = [_hit(voice, tokens) for voice in rows[:per_page]]
    return SearchPage(
        query=text,
        tokens=tokens,
        hits=hits,
        page=page,
        has_next=len(rows) > per_page,
        older_before=older_before,
        before=before,
    )


def _hit(voice: Voice, tokens: Sequence[str]) -> SearchHit:
    title = mask_text(voice.title)
    text = snippet(mask_text(voice.content), tokens)
    return SearchHit(
        voice=voice,
        title=title,
        snippet=text,
        title_html=highlight(title, tokens),
        snippet_html=highlight(text, tokens),
    )
