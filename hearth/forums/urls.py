from django.urls import path

from hearth.forums import views

app_name = "forums"
urlpatterns = [
    path("communities/<slug:slug>/new/", views.new_thread_view, name="new-thread"),
    path("threads/<int:thread_id>/", views.thread_view, name="thread"),
    path("threads/<int:thread_id>/reply/", views.reply_view, name="reply"),
    path("posts/<int:post_id>/", views.post_redirect_view, name="post"),
    path("posts/<int:post_id>/edit/", views.edit_post_view, name="edit-post"),
    path("posts/<int:post_id>/delete/", views.delete_post_view, name="delete-post"),
    path("posts/<int:post_id>/react/", views.react_view, name="react"),
    path("posts/<int:post_id>/history/", views.post_history_view, name="post-history"),
    path("search/", views.search_view, name="search"),
]
