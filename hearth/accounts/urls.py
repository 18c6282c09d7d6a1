from django.urls import path

from hearth.accounts import views

app_name = "accounts"
urlpatterns = [
    # Same path as allauth's sign-up, listed first so it wins; allauth keeps login, logout and recovery.
    path("signup/", views.SignupView.as_view(), name="signup"),
    # allauth's address book keeps addresses in its own table, in clear. Hearth keeps one recovery address on the
    # account, encrypted, so that page is not offered.
    path("email/", views.email_addresses_not_offered),
    path("preferences/", views.PreferencesView.as_view(), name="preferences"),
    path("profile/", views.ProfileEditView.as_view(), name="profile-edit"),
    path("tokens/", views.ApiTokensView.as_view(), name="api-tokens"),
    # Same path as allauth.usersessions' list, listed first so it wins (it adds "sign out everywhere").
    path("sessions/", views.SessionsView.as_view(), name="sessions"),
    path("2fa/required/", views.MfaRequiredView.as_view(), name="mfa-required"),
]
