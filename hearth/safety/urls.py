from django.urls import path

from hearth.safety import views

app_name = "safety"
urlpatterns = [path("", views.get_help, name="get-help")]
