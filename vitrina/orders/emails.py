"""Emails to the buyer and the seller on each change of an order (its placement included).

order_status_mail runs after the change commits (lifecycle and checkout register it with
transaction.on_commit), so a change that rolls back sends nothing. It names the change (its
OrderEvent, written in the same transaction) and hands it to a background task (in-process by default, an RQ worker with
TASKS_BACKEND=rq): a slow SMTP server never holds a request, and two quick changes are two emails,
each about its own status. Each person reads theirs in the language they chose (User.language).
"""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django_tasks import task

from vitrina.accounts.selectors import language_of
from vitrina.orders import payments
from vitrina.orders.models import OrderEvent, OrderStatus, PaymentMethod
from vitrina.shop.money import format_money

BUYER, SELLER = "buyer", "seller"
# Where links point when SITE_URL is not set (a development machine).
FALLBACK_SITE_URL = "http://localhost:8000"


def order_status_mail(event_id: int) -> None:
    """Mail the buyer and the seller about one change (its OrderEvent). Call after commit only."""
    send_order_status_mail.enqueue(event_id=event_id)


def _order_path(order, role: str) -> str:
    if role == SELLER:
        try:
            return reverse("orders:seller_order", args=[order.number])
        except NoReverseMatch:  # the seller's order pages are not installed
            pass
    return order.get_absolute_url()


def _context(event, role: str, base_url: str, order_lines: list) -> dict:
    order = event.order
    currency = order.currency
    lines = [{"title": line.title, "variant": line.variant_name, "quantity": line.quantity,
              "total": format_money(line.line_total, currency)} for line in order_lines]
    pay_path = payments.pay_url(order) if role == BUYER else None
    return {
        "role": role, "order": order, "event": event, "placed": not event.from_status,
        "status": OrderStatus(event.to_status).label, "lines": lines,
        "seller": order.shop.owner.name, "buyer": order.buyer.name,
        "recipient": order.buyer if role == BUYER else order.shop.owner,
        "subtotal": format_money(order.subtotal, currency),
        "discount": format_money(order.discount, currency) if order.discount else "",
        "delivery": format_money(order.delivery_price, currency) if order.delivery_price else "",
        "total": format_money(order.total, currency),
        "tracking": order.tracking if event.to_status == OrderStatus.SHIPPED else "",
        "bank_details": (order.shop.bank_details if role == BUYER and not event.from_status
                         and order.payment_method == PaymentMethod.BANK_TRANSFER else ""),
        "pay_link": base_url + pay_path if pay_path and event.to_status == OrderStatus.PLACED else "",
        "link": base_url + _order_path(order, role),
    }


def order_status_messages(event_id: int) -> list[EmailMessage]:
    """The emails about one change: the buyer's and the seller's, each in the recipient's language."""
    event = (OrderEvent.objects.select_related("order__buyer", "order__shop__owner", "order__payment")
             .filter(pk=event_id).first())
    if event is None:
        return []
    order = event.order
    order_lines = list(order.lines.all())  # read once for both emails
    base_url = settings.SITE_URL or FALLBACK_SITE_URL
    messages = []
    for role, person in ((BUYER, order.buyer), (SELLER, order.shop.owner)):
        if not person.is_active or not person.email:
            continue
        with translation.override(language_of(person)):
            context = _context(event, role, base_url, order_lines)
            subject = " ".join(render_to_string("orders/emails/status_subject.txt", context).split())
            body = render_to_string("orders/emails/status.txt", context)
        messages.append(EmailMessage(subject=subject, body=body, to=[person.email]))
    return messages


@task()
def send_order_status_mail(*, event_id: int) -> None:
    messages = order_status_messages(event_id)
    if messages:
        get_connection().send_messages(messages)
