from django.shortcuts import render


def render_htmx(request, template: str, partial: str, context: dict, *, status: int = 200):
    """The whole page for a normal request, only the partial for an htmx one."""
    return render(request, partial if request.htmx else template, context, status=status)
