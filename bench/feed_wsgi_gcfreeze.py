"""Experiment for bench/feed.py --gc-freeze, not part of the app: vitrina.wsgi with the URL
configuration (and so every view module) imported, then gc.freeze(), so that CPython's full
(generation 2) collections stop re-scanning the ~100,000 objects of a loaded Django process.

    granian --interface wsgi ... bench.feed_wsgi_gcfreeze:application
"""

import gc

import vitrina.urls  # noqa: E402, F401  (loaded on the first request otherwise)
from vitrina.wsgi import application  # noqa: F401  (served by granian)

gc.freeze()
