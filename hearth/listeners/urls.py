from django.urls import path

from hearth.listeners import views

app_name = "listeners"
urlpatterns = [
    path("", views.talk_view, name="talk"),
    path("status.json", views.status_json_view, name="status-json"),
    path("requests/<int:request_id>/cancel/", views.cancel_view, name="cancel"),
    path("requests/<int:request_id>/accept/", views.accept_view, name="accept"),
    path("requests/<int:request_id>/end/", views.end_view, name="end"),
    path("requests/<int:request_id>/rate/", views.rate_view, name="rate"),
    path("requests/<int:request_id>/hand-over/", views.hand_over_view, name="hand-over"),
    path("listening/", views.dashboard_view, name="dashboard"),
    path("training/", views.training_view, name="training"),
    path("training/quiz/", views.quiz_view, name="quiz"),
    path("training/<slug:slug>/", views.lesson_view, name="lesson"),
]
