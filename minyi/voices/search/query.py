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
from minyi.voices.search.states import state_subquery
from minyi.voices.search.tokens import query_tokens
from minyi.voices.search.visibility import public_voices, searchable_voices

SNIPPET_CHARS = 80


@dataclass(frozen=True)
class SearchHit:
    voice: Voice  # annotated with `state` (the process state) and `search_rank`
    title_html: SafeString  # masked, escaped, matched terms in <mark>
    snippet_html: SafeString


@dataclass(frozen=True)
class SearchPage:
    query: str
    tokens: list[str]
    hits: list[SearchHit]
    page: int
    has_next: bool


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
    person: Person | None, text: str, *, page: int = 1, per_page: int | None = None, public_only: bool = False
) -> SearchPage:
    """The voices `person` may see that contain every word of `text`, best match first (among the
    newest `MINYI_VOICE_SEARCH_CANDIDATES` matches: a search for a common word ranks the recent items).

    Anonymous callers (and `public_only`) search published items only. Titles and snippets are masked
    (phone and ID numbers) whoever asks: the result list is an overview; the item page shows details.
    """
    per_page = per_page or settings.MINYI_VOICE_SEARCH_PAGE_SIZE
    page = max(1, page)
    tokens = query_tokens(text)[: settings.MINYI_VOICE_SEARCH_MAX_TERMS]
    scope = public_voices() if public_only else searchable_voices(person)
    # Best match first among the newest matches (MINYI_VOICE_SEARCH_CANDIDATES of them), not among all.
    # Read as a list first: the full-text clauses name the voice table literally, so inside a subquery
    # they would be correlated with the outer query's rows.
    newest = newest_matches(scope, tokens, settings.MINYI_VOICE_SEARCH_CANDIDATES)
    candidates = list(newest.values_list("pk", flat=True))
    found = (
        matching(Voice.objects.filter(pk__in=candidates), tokens, mode="all")
        .select_related("category", "unit")
        .annotate(state=state_subquery())
    )
    offset = (page - 1) * per_page
    rows = list(found[offset : offset + per_page + 1]) if tokens else []
    hits = [
        SearchHit(
            voice=voice,
            title_html=highlight(mask_text(voice.title), tokens),
            snippet_html=highlight(snippet(mask_text(voice.content), tokens), tokens),
        )
        for voice in rows[:per_page]
    ]
    return SearchPage(query=text, tokens=tokens, hits=hits, page=page, has_next=len(rows) > per_page)
