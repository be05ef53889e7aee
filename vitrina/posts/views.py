from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitrina.core.errors import InvalidInput, NotFound, ServiceError, Throttled
from vitrina.core.htmx import render_htmx
from vitrina.core.http import add_retry_after, safe_next
from vitrina.core.pagination import InvalidCursor
from vitrina.core.views import not_found_as_404
from vitrina.insights import recording
from vitrina.insights.models import Kind
from vitrina.posts import selectors, services
from vitrina.posts.forms import CommentForm, PostEditForm, PostForm
from vitrina.posts.frames import FrameChoice
from vitrina.posts.models import Comment, ReportReason


@login_required
def create(request):
    form = PostForm(request.POST or None)
    status = 200
    error = None
    if request.method == "POST" and form.is_valid():
        alt_texts = request.POST.getlist("alt_text")
        try:
            post = services.post_create(
                author=request.user, uploads=request.FILES.getlist("images"), caption=form.cleaned_data["caption"],
                location=form.cleaned_data["location"], alt_texts=alt_texts,
                frame=form.cleaned_data["frame"] or FrameChoice.ORIGINAL, crops=request.POST.getlist("crop") or None,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc.message))
            status, error = exc.status, exc
        else:
            messages.success(request, _("Your post is shared."))
            return redirect(post)
    elif request.method == "POST":
        status = 422
    context = {"form": form, "max_photos": settings.MAX_PHOTOS_PER_POST}
    return add_retry_after(render(request, "posts/create.html", context, status=status), error)


@not_found_as_404
def detail(request, post_id):
    post = selectors.post_get(viewer=request.user, post_id=post_id)
    if not request.htmx:  # the page, not its next comments
        recording.hit_by(request.user, kind=Kind.POST_VIEW, account_id=post.author_id, post_id=post.pk, source="post")
    try:
        comments = selectors.comments_page(viewer=request.user, post=post, cursor=request.GET.get("cursor"))
    except InvalidCursor:
        return redirect(post)
    context = {"post": post, "comments": comments, "comment_form": CommentForm(), "reasons": ReportReason.choices,
               "permalink": request.build_absolute_uri(post.get_absolute_url())}
    return render_htmx(request, "posts/detail.html", "posts/_comments.html", context)


@login_required
@not_found_as_404
def edit(request, post_id):
    post = selectors.post_for_owner(owner=request.user, post_id=post_id)
    form = PostEditForm(request.POST or None, initial={"caption": post.caption,
                                                       "comments_enabled": post.comments_enabled})
    media = list(post.media.all())
    if request.method == "POST" and form.is_valid():
        try:
            services.post_update(
                post=post, editor=request.user, caption=form.cleaned_data["caption"],
                comments_enabled=form.cleaned_data["comments_enabled"],
                alt_texts=request.POST.getlist("alt_text")[: len(media)],
            )
        except ServiceError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Post updated."))
            return redirect(post)
    status = 422 if request.method == "POST" else 200
    return render(request, "posts/edit.html", {"form": form, "post": post, "media": media}, status=status)


@login_required
@require_POST
@not_found_as_404
def delete(request, post_id):
    post = selectors.post_for_owner(owner=request.user, post_id=post_id)
    services.post_delete(post=post, actor=request.user)
    messages.success(request, _("Post deleted."))
    return redirect("profile", username=request.user.username)


@login_required
@not_found_as_404
def report(request, post_id):
    """The reason choice (inside the post's ⋯ sheet, or this page without it) and the report itself."""
    post = selectors.post_visible(viewer=request.user, post_id=post_id)
    context = {"post": post, "reasons": ReportReason.choices}
    if request.method != "POST":
        return render(request, "posts/report.html", context)
    reason = request.POST.get("reason", "")
    try:
        created = services.post_report(reporter=request.user, post=post, reason=reason)
    except InvalidInput as exc:
        context.update(error=exc.message, chosen=reason)
        template = "posts/_report_form.html" if request.htmx else "posts/report.html"
        return render(request, template, context, status=exc.status)
    if created:
        done = _("Thanks for letting us know. The report has been sent to our moderators.")
    else:
        done = _("You have already reported this post. Thanks for letting us know.")
    if request.htmx:
        return render(request, "posts/_report_done.html", {"message": done})
    messages.success(request, done)
    return redirect(post)


def _toggle(request, post_id, *, undo: str, add, remove):
    """Like/unlike or save/unsave: the action field says which; htmx gets the action bar back."""
    post = selectors.post_get(viewer=request.user, post_id=post_id)
    try:
        (remove if request.POST.get("action") == undo else add)(user=request.user, post=post)
    except Throttled as exc:
        if request.htmx:
            fresh = selectors.post_get(viewer=request.user, post_id=post_id)
            context = {"post": fresh, "error": exc.message}
            return add_retry_after(render(request, "posts/_actions.html", context, status=exc.status), exc)
        messages.error(request, str(exc.message))
        return redirect(safe_next(request, post.get_absolute_url()))
    if request.htmx:
        fresh = selectors.post_get(viewer=request.user, post_id=post_id)
        return render(request, "posts/_actions.html", {"post": fresh})
    return redirect(safe_next(request, post.get_absolute_url()))


@login_required
@require_POST
@not_found_as_404
def like(request, post_id):
    return _toggle(request, post_id, undo="unlike", add=services.like_create, remove=services.like_delete)


@login_required
@require_POST
@not_found_as_404
def save(request, post_id):
    return _toggle(request, post_id, undo="unsave", add=services.save_create, remove=services.save_delete)


@login_required
@require_POST
@not_found_as_404
def comment(request, post_id):
    post = selectors.post_get(viewer=request.user, post_id=post_id)
    form = CommentForm(request.POST)
    reply_to = None
    if form.is_valid() and form.cleaned_data.get("reply_to"):
        reply_to = Comment.objects.filter(pk=form.cleaned_data["reply_to"], post=post).first()
    try:
        if not form.is_valid():
            raise ServiceError(_("Write a comment."))
        created = services.comment_create(author=request.user, post=post, text=form.cleaned_data["text"],
                                          reply_to=reply_to)
    except ServiceError as exc:
        if request.htmx:
            response = render(request, "posts/_comment_error.html", {"message": exc.message}, status=exc.status)
            return add_retry_after(response, exc)
        messages.error(request, str(exc.message))
        return redirect(post)
    if request.htmx:
        return render(request, "posts/_comment.html", {"comment": created, "post": post, "fresh": True})
    return redirect(post)


@login_required
@require_POST
@not_found_as_404
def comment_delete(request, post_id, comment_id):
    found = selectors.comment_get(viewer=request.user, comment_id=comment_id)
    if found.post_id != post_id:
        raise NotFound()
    try:
        services.comment_delete(comment=found, actor=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    if request.htmx:
        return render(request, "posts/_comment_deleted.html")
    return redirect("posts:detail", post_id=post_id)


@not_found_as_404
def likers(request, post_id):
    post = selectors.post_get(viewer=request.user, post_id=post_id)
    try:
        page = selectors.likers_page(viewer=request.user, post=post, cursor=request.GET.get("cursor"))
    except InvalidCursor:
        return redirect(request.path)
    return render(request, "posts/likers.html", {"post": post, "page": page})


@not_found_as_404
def hashtag(request, tag):
    found = selectors.hashtag_get(viewer=request.user, name=tag)
    try:
        page = selectors.hashtag_posts(viewer=request.user, hashtag=found, cursor=request.GET.get("cursor"), limit=24)
    except InvalidCursor:
        return redirect(request.path)
    context = {"hashtag": found, "page": page, "post_count": found.visible_post_count}
    return render_htmx(request, "posts/hashtag.html", "posts/_grid_items.html", context)


@login_required
def saved(request):
    try:
        page = selectors.saved_page(user=request.user, cursor=request.GET.get("cursor"), limit=24)
    except InvalidCursor:
        return redirect(request.path)
    return render_htmx(request, "posts/saved.html", "posts/_grid_items.html", {"page": page})
