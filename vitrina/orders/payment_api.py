"""Payment providers' webhooks in the native API: POST /payments/{provider}/webhook."""

from ninja import Router, Schema

from vitrina.orders.payments import webhooks

router = Router(tags=["payments"])


class WebhookOut(Schema):
    status: str  # applied, duplicate (this event id was applied before) or ignored (nothing to change)


@router.post("/payments/{provider}/webhook", response=WebhookOut, auth=None,
             summary="A payment provider's signed event",
             description="The raw body is signed: header Vitrina-Signature: t=<unix seconds>,v1=<hex "
                         "HMAC-SHA256 of \"<t>.<body>\">. 400 for a missing or bad signature or a timestamp "
                         "more than 5 minutes off; each event id is applied once (a replay answers 200 "
                         "`duplicate`). See docs/payments.md.")
def payment_webhook(request, provider: str):
    # The body is read raw: the signature covers its exact bytes, not a re-serialised parse.
    return {"status": webhooks.webhook_receive(provider=provider, body=request.body, headers=request.headers)}
