import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from channels.routing import ProtocolTypeRouter, URLRouter
from django.core.asgi import get_asgi_application

# Django must be set up before the websocket routes import models.
django_application = get_asgi_application()

from hearth.chat.auth import websocket_auth  # noqa: E402
from hearth.chat.routing import websocket_urlpatterns  # noqa: E402
from hearth.core.metrics import count_websockets  # noqa: E402
from hearth.core.switch_interval import short_switches_while_sockets_open  # noqa: E402
from hearth.core.sync_thread import on_one_thread  # noqa: E402
from hearth.safety.pipeline import analyze  # noqa: E402

# Load the safety models now, not in the first person's request (it takes a few seconds).
analyze("Hello, everyone.")

# What start-up made (Django's machinery, the safety models' vocabularies: about 250,000 objects) lives as long as
# the process. Frozen, the garbage collector no longer walks it: collections cost the thread page 1.1 ms a request
# before, 0.3-0.4 ms after (docs/performance.md).
gc.freeze()

# One thread per process for requests' synchronous code, so their database connection is kept (sync_thread.py).
application = ProtocolTypeRouter(
    {
        "http": on_one_thread(django_application),
        "websocket": short_switches_while_sockets_open(
            count_websockets(websocket_auth(URLRouter(websocket_urlpatterns)))
        ),
    }
)
