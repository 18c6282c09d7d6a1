from django.urls import path

from hearth.communities import views

app_name = "communities"
urlpatterns = [
    path("", views.directory_view, name="directory"),
    path("requests/<int:request_id>/decide/", views.decide_request_view, name="decide-request"),
    path("invitations/<int:invitation_id>/respond/", views.respond_invitation_view, name="respond-invitation"),
    path("<slug:slug>/", views.community_view, name="detail"),
    path("<slug:slug>/join/", views.join_view, name="join"),
    path("<slug:slug>/leave/", views.leave_view, name="leave"),
    path("<slug:slug>/withdraw/", views.withdraw_view, name="withdraw"),
    path("<slug:slug>/manage/", views.manage_view, name="manage"),
]
