from django.urls import path

from hearth.accounts import views

app_name = "accounts"
urlpatterns = [
    # Same path as allauth's sign-up, listed first so it wins; allauth keeps login, logout and recovery.
    path("signup/", views.SignupView.as_view(), name="signup"),
    path("preferences/", views.PreferencesView.as_view(), name="preferences"),
    path("profile/", views.ProfileEditView.as_view(), name="profile-edit"),
    path("tokens/", views.ApiTokensView.as_view(), name="api-tokens"),
]
