"""Middleware shared by pages and the API."""

from django.core.exceptions import BadRequest
from django.http import Http404


def refuse_nul_middleware(get_response):
    """A NUL character in the path is a 404 and in the query string a 400, before any view.

    No name, id or search in Vitrina contains one, and PostgreSQL refuses text with NUL
    outright (a DataError, so a 500, from whichever query first compares it). Bodies are
    checked where they are read: Django forms refuse NUL, and so does the API's parser.
    """

    def middleware(request):
        if "\x00" in request.path_info:
            raise Http404
        if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
            raise BadRequest("NUL character in the query string")
        return get_response(request)

    return middleware
