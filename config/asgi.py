import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from channels.routing import ProtocolTypeRouter
from django.core.asgi import get_asgi_application

# HTTP is Django; websocket routes join this router when real-time features arrive.
application = ProtocolTypeRouter({"http": get_asgi_application()})
