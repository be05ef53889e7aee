"""The direct-message pages: the inbox (/direct/), a thread (/direct/<id>/) and its forms.

Every page and form reads the caller's membership first (selectors.conversation_get_for_member), so
another conversation's id is the site's 404. Forms post and redirect back (PRG); a refused message
is shown again under the composer with its text kept. htmx only swaps what the reload would show.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitrina.core.errors import NotFound, ServiceError
from vitrina.core.views import not_found_as_404
from vitrina.messaging import groups, inbox, quick_replies, selectors, services
from vitrina.messaging.models import Folder, Label, QuickReply
from vitrina.messaging.schemas import title_of
from vitrina.messaging.services import REACTIONS
from vitrina.orders.cart_views import form_int
from vitrina.posts.models import Post
from vitrina.shop.models import Product

THREAD_PAGE = 30


def _thread_url(conversation_id: int, **query) -> str:
    url = reverse("messaging:thread", args=[conversation_id])
    params = "&".join(f"{k}={v}" for k, v in query.items() if v)
    return f"{url}?{params}" if params else url


def folders_for(user) -> list[tuple[str, str]]:
    """The inbox tabs: Primary, General, Requests for business and creator accounts; Chats, Requests for others."""
    if user.is_professional:
        return [(Folder.PRIMARY, _("Primary")), (Folder.GENERAL, _("General")), (Folder.REQUESTS, _("Requests"))]
    return [(Folder.PRIMARY, _("Chats")), (Folder.REQUESTS, _("Requests"))]


@login_required
def inbox_page(request):
    tabs = folders_for(request.user)
    folder = request.GET.get("folder") or Folder.PRIMARY
    if folder not in dict(tabs):
        folder = Folder.PRIMARY
    label = request.GET.get("label") or None
    if label not in Label.values or not request.user.is_professional:
        label = None
    page = selectors.conversations_of(user=request.user, folder=folder, label=label,
                                      cursor=request.GET.get("cursor"), limit=20)
    rows = [{"member": m, "title": title_of(m), "others": selectors.others_of(m)} for m in page.items]
    return render(request, "messaging/inbox.html", {
        "tabs": tabs, "folder": folder, "label": label, "labels": Label.choices, "rows": rows, "page": page,
        "requests_count": selectors.requests_count(request.user),
    })


@login_required
@require_POST
def conversation_new(request):
    """Open the one-to-one conversation with `username` (from a profile, a product's "Message seller",
    an order page), or a new group of `usernames` (separated by spaces or commas) named `name`; a
    `product` or `post` id is carried to the composer as an attachment."""
    names = request.POST.get("username") or request.POST.get("usernames", "")
    try:
        conversation, _created = services.conversation_start(
            starter=request.user, usernames=names.replace(",", " ").split() or [""],
            name=request.POST.get("name", ""))
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("messaging:inbox")
    attach = {name: form_int(request.POST.get(name, "")) for name in ("product", "post")}
    return redirect(_thread_url(conversation.pk, **{k: v for k, v in attach.items() if isinstance(v, int)}))


def _composer_extras(request, member) -> dict:
    """What the thread's query asks the composer to hold: a reply, a quick reply's text, a product card."""
    extras: dict = {"reply": None, "text": "", "product": None, "post": None}
    reply_id = form_int(request.GET.get("reply", ""))
    if isinstance(reply_id, int):
        try:
            extras["reply"] = selectors.message_of(member=member, message_id=reply_id)
        except NotFound:
            pass
    quick = form_int(request.GET.get("quick", ""))
    if isinstance(quick, int):
        reply = QuickReply.objects.filter(owner=request.user, pk=quick).first()
        extras["text"] = reply.text if reply else ""
    product_id = form_int(request.GET.get("product", ""))
    if isinstance(product_id, int):
        products = Product.objects.filter(pk=product_id).select_related("shop__owner").prefetch_related("images")
        extras["product"] = products.filter(shop__owner=request.user).first() \
            or products.visible_to(request.user).first()
    post_id = form_int(request.GET.get("post", ""))
    if isinstance(post_id, int):
        extras["post"] = Post.objects.visible_to(request.user).filter(pk=post_id).select_related("author") \
            .prefetch_related("media").first()
    return extras


def _messages_context(request, member) -> dict:
    """The thread's list of messages: the page and its live reload (thread_messages) show the same."""
    page = selectors.messages_page(member=member, cursor=request.GET.get("cursor"), limit=THREAD_PAGE)
    items = list(reversed(page.items))
    seen_up_to = selectors.seen_by_others(member)
    own = [m for m in items if m.sender_id == request.user.pk and not m.is_unsent]
    seen_message_id = own[-1].pk if own and own[-1].pk <= seen_up_to and not member.conversation.is_group else None
    return {"member": member, "conversation": member.conversation, "items": items, "older_cursor": page.next_cursor,
            "posts": page.visible_posts, "products": page.visible_products, "seen_message_id": seen_message_id,
            "reaction_choices": REACTIONS}


def _thread(request, member, *, error=None, kept=None, status=200):
    listed = _messages_context(request, member)
    extras = _composer_extras(request, member)
    if kept:
        extras.update({k: v for k, v in kept.items() if v})
    is_pro = request.user.is_professional
    saved = list(QuickReply.objects.filter(owner=request.user)) if is_pro else []
    return render(request, "messaging/thread.html", {
        **listed, "title": title_of(member), "others": selectors.others_of(member),
        "error": error, "quick_replies": saved, "is_pro": is_pro,
        "labels": Label.choices, "my_labels": selectors.labels_of(member),
        "folders": folders_for(request.user), **extras,
    }, status=status)


@login_required
@not_found_as_404
def thread_page(request, conversation_id: int):
    member = selectors.conversation_get_for_member(user=request.user, conversation_id=conversation_id)
    if not request.GET.get("cursor") and not member.is_request:
        services.conversation_read(member=member)
    return _thread(request, member)


@login_required
@not_found_as_404
def thread_messages(request, conversation_id: int):
    """The thread's messages alone, for the page to reload when its socket says something changed
    (web/live.js); reading them marks them read, as opening the thread does."""
    member = selectors.conversation_get_for_member(user=request.user, conversation_id=conversation_id)
    if not member.is_request:
        services.conversation_read(member=member)
    return render(request, "messaging/_messages.html", _messages_context(request, member))


@login_required
@require_POST
@not_found_as_404
def message_send(request, conversation_id: int):
    member = selectors.conversation_get_for_member(user=request.user, conversation_id=conversation_id)
    text = request.POST.get("text", "")
    post_id, product_id = form_int(request.POST.get("post", "")), form_int(request.POST.get("product", ""))
    reply_id = form_int(request.POST.get("reply_to", ""))
    try:
        services.message_send(sender=request.user, conversation=member.conversation, text=text,
                              photo=request.FILES.get("photo"), post=post_id or None, product=product_id or None,
                              reply_to=reply_id or None)
    except ServiceError as error:
        if isinstance(error, NotFound) and not error.fields:
            raise
        return _thread(request, member, error=error, kept={"text": text}, status=error.status)
    return redirect(_thread_url(conversation_id))


def _message_action(request, conversation_id: int, action) -> object:
    member = selectors.conversation_get_for_member(user=request.user, conversation_id=conversation_id)
    try:
        action(member)
    except NotFound:
        raise
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect(_thread_url(conversation_id))


@login_required
@require_POST
@not_found_as_404
def message_unsend(request, conversation_id: int, message_id: int):
    return _message_action(request, conversation_id, lambda member: services.message_unsend(
        sender=request.user, conversation=member.conversation, message_id=message_id))


@login_required
@require_POST
@not_found_as_404
def message_react(request, conversation_id: int, message_id: int):
    emoji = request.POST.get("emoji", "")

    def react(member):
        if emoji:
            services.reaction_set(user=request.user, conversation=member.conversation, message_id=message_id,
                                  emoji=emoji)
        else:
            services.reaction_clear(user=request.user, conversation=member.conversation, message_id=message_id)

    return _message_action(request, conversation_id, react)


@login_required
@require_POST
@not_found_as_404
def request_answer(request, conversation_id: int):
    """accept, delete or block, from the request's banner."""
    action = request.POST.get("action")
    member = selectors.conversation_get_for_member(user=request.user, conversation_id=conversation_id)
    try:
        if action == "accept":
            inbox.request_accept(user=request.user, conversation=member.conversation)
            return redirect(_thread_url(conversation_id))
        if action == "block":
            inbox.request_block(user=request.user, conversation=member.conversation)
            messages.success(request, _("Blocked. The request is deleted."))
        else:
            inbox.request_delete(user=request.user, conversation=member.conversation)
            messages.success(request, _("Request deleted."))
    except NotFound:
        raise
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(_thread_url(conversation_id))
    return redirect(reverse("messaging:inbox") + "?folder=requests")


@login_required
@require_POST
@not_found_as_404
def labels_set(request, conversation_id: int):
    return _message_action(request, conversation_id, lambda member: inbox.labels_set(
        user=request.user, conversation=member.conversation, labels=request.POST.getlist("labels")))


@login_required
@require_POST
@not_found_as_404
def folder_move(request, conversation_id: int):
    return _message_action(request, conversation_id, lambda member: inbox.folder_move(
        user=request.user, conversation=member.conversation, folder=request.POST.get("folder")))


@login_required
@require_POST
@not_found_as_404
def conversation_leave(request, conversation_id: int):
    member = selectors.conversation_get_for_member(user=request.user, conversation_id=conversation_id)
    try:
        groups.conversation_leave(user=request.user, conversation=member.conversation)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(_thread_url(conversation_id))
    return redirect("messaging:inbox")


@login_required
@not_found_as_404
def share_page(request):
    """Send a post (?post=) to someone: the latest conversations, or a username."""
    post_id = form_int(request.GET.get("post", ""))
    post = Post.objects.visible_to(request.user).filter(pk=post_id).select_related("author").first() \
        if isinstance(post_id, int) else None
    if post is None:
        raise NotFound()
    page = selectors.conversations_of(user=request.user, folder=Folder.PRIMARY, limit=20)
    rows = [{"member": m, "title": title_of(m), "others": selectors.others_of(m),
             "href": _thread_url(m.conversation_id, post=post.pk)} for m in page.items]
    return render(request, "messaging/share.html", {"post": post, "rows": rows})


@login_required
@not_found_as_404
def quick_replies_page(request):
    """A business's saved replies: the list, a form to add one, delete on each."""
    if not request.user.is_professional:
        raise NotFound()
    error, kept = None, {}
    if request.method == "POST":
        try:
            if request.POST.get("delete"):
                quick_replies.quick_reply_delete(owner=request.user, reply_id=form_int(request.POST["delete"]))
            else:
                kept = {"shortcut": request.POST.get("shortcut", ""), "text": request.POST.get("text", "")}
                quick_replies.quick_reply_create(owner=request.user, **kept)
                messages.success(request, _("Quick reply saved."))
            return redirect("messaging:quick_replies")
        except NotFound:
            raise
        except ServiceError as exc:
            error = exc
    return render(request, "messaging/quick_replies.html", {
        "replies": QuickReply.objects.filter(owner=request.user), "error": error, "kept": kept,
    }, status=error.status if error else 200)
