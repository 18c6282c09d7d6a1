from django.urls import path

from hearth.chat import views
from hearth.moderation.member_views import report_message_view

app_name = "chat"
urlpatterns = [
    path("", views.chat_index_view, name="index"),
    path("communities/<slug:slug>/", views.lobby_view, name="lobby"),
    path("communities/<slug:slug>/sessions/", views.sessions_view, name="sessions"),
    path("rooms/<int:room_id>/", views.room_view, name="room"),
    path("rooms/<int:room_id>/send/", views.send_view, name="send"),
    path("rooms/<int:room_id>/messages/<int:seq>/", views.message_view, name="message"),
    path("rooms/<int:room_id>/messages/<int:seq>/react/", views.react_view, name="react"),
    path("rooms/<int:room_id>/messages/<int:seq>/delete/", views.delete_view, name="delete"),
    path("rooms/<int:room_id>/messages/<int:seq>/report/", report_message_view, name="report"),
]
