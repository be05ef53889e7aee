"""What the apps' page views share."""

from functools import wraps

from django.http import Http404

from vitrina.core.errors import NotFound


def not_found_as_404(view):
    """A NotFound from the selectors and services a page calls becomes the site's 404 page.

    Selectors answer NotFound alike for what does not exist and for what the viewer may
    not see, so the page does too. A view that shows other ServiceErrors as messages lets
    NotFound through first (`except NotFound: raise`).
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404 from None

    return wrapped
