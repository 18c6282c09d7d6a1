from django.urls import path

from hearth.chat.consumers import ChatConsumer

websocket_urlpatterns = [path("ws/chat/<int:room_id>/", ChatConsumer.as_asgi())]
