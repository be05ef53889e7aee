"""The native API at /api/vitrina/v1 (paths promised in shared/API.md)."""

from vitrina.accounts.api import router as accounts_router
from vitrina.core.api import VitrinaAPI, install_error_handlers
from vitrina.feed.api import router as feed_router
from vitrina.feed.explore_api import router as explore_router
from vitrina.insights.api import router as insights_router
from vitrina.lifecycle.api import router as lifecycle_router
from vitrina.notifications.api import router as notifications_router
from vitrina.messaging.api import router as messaging_router
from vitrina.orders.api import router as checkout_router
from vitrina.orders.payment_api import router as payments_router
from vitrina.orders.order_api import router as orders_router
from vitrina.posts.api import router as posts_router
from vitrina.push.api import router as push_router
from vitrina.rankings.api import router as rankings_router
from vitrina.reviews.api import router as reviews_router
from vitrina.search.api import router as search_router
from vitrina.shop.api import router as shop_router
from vitrina.shop.tags_api import router as shop_tags_router
from vitrina.social.api import router as social_router

api = VitrinaAPI(
    title="Vitrina API",
    version="1",
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
api.add_router("", accounts_router)
api.add_router("", social_router)
api.add_router("", posts_router)
api.add_router("", feed_router)
api.add_router("", explore_router)
api.add_router("", search_router)
api.add_router("", lifecycle_router)
api.add_router("", shop_router)
api.add_router("", checkout_router)
api.add_router("", shop_tags_router)
api.add_router("", payments_router)
api.add_router("", orders_router)
api.add_router("", reviews_router)
api.add_router("", push_router)
api.add_router("", notifications_router)
api.add_router("", messaging_router)
api.add_router("", rankings_router)
api.add_router("", insights_router)
