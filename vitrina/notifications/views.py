"""The notifications screen and its settings screen (the member's own; login required)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from vitrina.core.pagination import InvalidCursor
from vitrina.notifications import present, selectors, services, text
from vitrina.notifications.models import Kind
from vitrina.social.selectors import pending_requests_count


@login_required
def notifications(request):
    """Opening the screen marks what it shows read (the items still say which were new)."""
    try:
        page = selectors.notifications_page(request.user, cursor=request.GET.get("cursor"))
    except InvalidCursor:
        return redirect("notifications:list")
    rows = [{"item": item, "html": text.sentence_html(item), "url": present.target_url(item),
             "thumbnail": present.thumbnail_url(item)} for item in page.items]
    if page.items and any(not item.read for item in page.items):
        services.notifications_read(user=request.user, up_to=page.items[0].notification.pk)
    return render(request, "notifications/list.html", {
        "rows": rows, "next_cursor": page.next_cursor,
        # Follow requests are answered on their own screen: one row at the top leads there.
        "requests": pending_requests_count(request.user) if not request.GET.get("cursor") else 0,
    })


@login_required
def notification_settings(request):
    """Settings -> Notifications: a switch per kind; works as a plain form (an unticked box sends nothing)."""
    if request.method == "POST":
        services.notification_settings_update(
            user=request.user, changes={kind: request.POST.get(kind) == "on" for kind in Kind.values})
        messages.success(request, _("Saved."))
        return redirect("notifications:settings")
    current = selectors.settings_of(request.user)
    return render(request, "notifications/settings.html", {
        "kinds": [{"value": kind, "label": label, "on": current[kind]} for kind, label in Kind.choices]})
