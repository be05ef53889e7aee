import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vitrina.settings")
application = get_wsgi_application()
import vitrina.urls  # noqa: E402,F401 - load the URL map and the API now, before freezing

# Everything loaded so far (Django, the apps, the URL map) lives as long as the worker;
# moving it out of the collector's view makes the full collections that stall
# requests (tens of ms at p99, seen in the Explore benchmark) much shorter.
gc.freeze()
