"""Chinese first: pages are zh-Hans unless the person chose English (cookie or session).

Django's LocaleMiddleware would follow the browser's Accept-Language, so an office PC with an
English browser would show English to a township clerk who never asked for it. Pages ignore that
header; the API keeps honouring it, because API clients set it on purpose.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

API_PREFIX = "/api/"


class ChineseFirstMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
