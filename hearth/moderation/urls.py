from django.urls import path

from hearth.moderation import member_views, views

app_name = "moderation"
urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("items/<int:item_id>/", views.item_view, name="item"),
    path("items/<int:item_id>/author/", views.item_author_view, name="item-author"),
    path("posts/<int:post_id>/author/", views.post_author_view, name="post-author"),
    path("decisions/", member_views.my_decisions_view, name="my-decisions"),
    path("decisions/<int:entry_id>/appeal/", member_views.appeal_view, name="appeal"),
    path("report/post/<int:post_id>/", member_views.report_post_view, name="report-post"),
    path("report/member/<str:pseudonym>/", member_views.report_member_view, name="report-member"),
    path("block/<str:pseudonym>/", member_views.block_view, name="block"),
]
