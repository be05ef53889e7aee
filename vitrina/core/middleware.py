"""Middleware shared by pages and the API."""

from django.http import Http404


def refuse_nul_path_middleware(get_response):
    """A NUL character in the path is a 404, before any view.

    No name in a path (account, hashtag, media) contains one, and PostgreSQL refuses text
    with NUL outright (a DataError, so a 500, from whichever query first compares it).
    Query strings and bodies are cleaned where they are read (search queries, profile
    fields) or refused (Django forms).
    """

    def middleware(request):
        if "\x00" in request.path_info:
            raise Http404
        return get_response(request)

    return middleware
