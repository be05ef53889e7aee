import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vitrina.settings")
django_application = get_asgi_application()

from vitrina.core.body_limit import asgi_body_limit  # noqa: E402  (needs the settings above)

# Django's ASGI handler reads a whole body before any middleware sees it.
application = asgi_body_limit(django_application)
