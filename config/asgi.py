import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from channels.routing import ProtocolTypeRouter  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402

# HTTP is Django; websocket routes join this router when real-time features arrive.
application = ProtocolTypeRouter({"http": get_asgi_application()})
