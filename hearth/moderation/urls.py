from django.urls import path

from hearth.moderation import views

app_name = "moderation"
urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("items/<int:item_id>/", views.item_view, name="item"),
]
