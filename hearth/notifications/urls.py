from django.urls import path

from hearth.notifications import views

app_name = "notifications"
urlpatterns = [path("", views.notifications_view, name="list")]
