from django.urls import path

from hearth.wellbeing import views

app_name = "wellbeing"
urlpatterns = [
    path("", views.SafetyPlanView.as_view(), name="safety-plan"),
    path("print/", views.SafetyPlanPrintView.as_view(), name="safety-plan-print"),
]
