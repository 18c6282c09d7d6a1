from django.urls import path

from hearth.oncall import views

app_name = "oncall"
urlpatterns = [
    path("", views.oncall_view, name="index"),
    path("alerts/<int:alert_id>/acknowledge/", views.acknowledge_view, name="acknowledge"),
]
