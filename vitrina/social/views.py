from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitrina.accounts.forms import AvatarForm, PrivacyForm, ProfileForm
from vitrina.core.errors import NotFound, ServiceError, Throttled
from vitrina.core.forms import add_service_error
from vitrina.core.htmx import render_htmx
from vitrina.core.http import add_retry_after, safe_next
from vitrina.core.pagination import InvalidCursor
from vitrina.core.views import not_found_as_404
from vitrina.social import selectors, services, visibility


@not_found_as_404
def people(request, username, which):
    target = selectors.profile_get(viewer=request.user, username=username)
    page_of = selectors.followers_page if which == "followers" else selectors.following_page
    try:
        page = page_of(viewer=request.user, target=target, cursor=request.GET.get("cursor"))
    except InvalidCursor:
        return redirect(request.path)
    context = {
        "profile": target,
        "which": which,
        "page": page,
        "states": selectors.follow_states(request.user, page.items),
        "own_followers": which == "followers" and request.user == target,
    }
    return render_htmx(request, "social/people.html", "social/_people_rows.html", context)


def follow_source(data) -> str:
    """Where the tapped follow button was, for insights; anything else is dropped."""
    source = data.get("source", "")
    return source if source in services.FOLLOW_SOURCES else ""


def _back(request, fallback):
    return redirect(safe_next(request, fallback))


@login_required
@require_POST
@not_found_as_404
def follow(request, username):
    target = selectors.profile_get(viewer=request.user, username=username)
    throttled = None
    try:
        if request.POST.get("action") == "unfollow":
            services.follow_delete(follower=request.user, target=target, source=follow_source(request.POST))
        else:
            services.follow_create(follower=request.user, target=target, source=follow_source(request.POST))
    except NotFound:
        raise  # a 404 page (not_found_as_404), not a message
    except Throttled as exc:
        throttled = exc
        if not request.htmx:
            messages.error(request, str(exc.message))
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    if request.htmx:
        rel = visibility.relationship(request.user, target)
        # `swapped`: the new control takes the focus, as the one tapped (or its sheet) is gone.
        context = {"person": target, "rel": rel, "next": safe_next(request, target.get_absolute_url()),
                   "source": follow_source(request.POST),
                   "error": throttled.message if throttled else None, "swapped": True}
        status = throttled.status if throttled else 200
        return add_retry_after(render(request, "social/_follow_button.html", context, status=status), throttled)
    return _back(request, target.get_absolute_url())


@login_required
@require_POST
@not_found_as_404
def block(request, username):
    target = selectors.profile_get(viewer=request.user, username=username)
    try:
        if request.POST.get("action") == "unblock":
            services.block_delete(blocker=request.user, target=target)
            messages.success(request, _("Unblocked %(name)s.") % {"name": target.username})
        else:
            services.block_create(blocker=request.user, target=target)
            messages.success(request, _("Blocked %(name)s. They can't find your profile or follow you.") % {
                "name": target.username})
    except NotFound:
        raise  # a 404 page (not_found_as_404), not a message
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    return _back(request, "/")


@login_required
@require_POST
@not_found_as_404
def follower_remove(request, username):
    follower = selectors.profile_get(viewer=request.user, username=username)
    services.follower_remove(user=request.user, follower=follower)
    if request.htmx:
        return render(request, "social/_removed_row.html", {"person": follower})
    messages.success(request, _("%(name)s was removed from your followers.") % {"name": follower.username})
    return _back(request, "/")


@login_required
def follow_requests(request):
    try:
        page = selectors.follow_requests_page(user=request.user, cursor=request.GET.get("cursor"))
    except InvalidCursor:
        return redirect(request.path)
    return render(request, "social/requests.html", {"page": page})


@login_required
@require_POST
@not_found_as_404
def follow_request_answer(request, username):
    requester = selectors.profile_get(viewer=request.user, username=username)
    approve = request.POST.get("action") == "approve"
    if approve:
        services.follow_request_approve(target=request.user, requester=requester)
    else:
        services.follow_request_deny(target=request.user, requester=requester)
    if request.htmx:
        return render(request, "social/_request_done.html", {"person": requester, "approved": approve})
    return redirect("social:requests")


@login_required
def blocked(request):
    try:
        page = selectors.blocked_page(user=request.user, cursor=request.GET.get("cursor"))
    except InvalidCursor:
        return redirect(request.path)
    return render(request, "social/blocked.html", {"page": page})


@login_required
def edit_profile(request):
    was_business = request.user.is_business
    form = ProfileForm.for_user(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.account_update(user=request.user, data=form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            if user.is_business and not was_business:
                # The business fields appear only now that the account is one: back to fill them in.
                messages.success(request, _("Profile saved. Add your business details."))
                return redirect("social:edit")
            messages.success(request, _("Profile saved."))
            return redirect("profile", username=request.user.username)
    status = 422 if request.method == "POST" else 200
    return render(request, "social/edit.html", {"form": form, "avatar_form": AvatarForm()}, status=status)


@login_required
def privacy(request):
    """Settings -> Privacy: the private-account switch, follow requests and blocked accounts."""
    # An unticked box sends nothing: an empty POST is still a choice (public).
    form = PrivacyForm(request.POST if request.method == "POST" else None,
                       initial={"is_private": request.user.is_private})
    if request.method == "POST" and form.is_valid():
        is_private = form.cleaned_data["is_private"]
        if is_private != request.user.is_private:
            # Going public approves every pending request (the service does it in the same transaction).
            services.privacy_set(user=request.user, is_private=is_private)
            messages.success(request, _("Your account is private now.") if is_private
                             else _("Your account is public now."))
        return redirect("social:privacy")
    # The count of pending requests comes from the navigation context processor.
    return render(request, "social/privacy.html", {"form": form})
