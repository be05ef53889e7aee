"""Products search: active products the viewer may see whose title or description has every
word of the query (as word prefixes), newest first, keyset by id.

A shop has far fewer products than the network has posts, so one query does: the index
gives the matching ids, Product.objects.visible_to keeps those the viewer may see.
"""

from vitrina.core.pagination import Page, paginate_desc
from vitrina.search import backends
from vitrina.shop.models import Product
from vitrina.shop.selectors import with_details

# Words of a products query that are used; more only make the query slower.
TERMS_MAX = 8


def products_search(*, viewer, q: str, cursor: str | None, limit: int) -> Page:
    terms = q.split()[:TERMS_MAX]
    if not terms:
        return Page(items=[], next_cursor=None)
    products = Product.objects.visible_to(viewer).filter(backends.current().product_matches(terms))
    return paginate_desc(with_details(products), cursor=cursor, limit=limit)
