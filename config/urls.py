from django.contrib import admin
from django.urls import include, path

from hearth.accounts import views as accounts_views
from hearth.accounts.mfa import secure_admin_site
from hearth.api.api import api
from hearth.core import views as core_views
from hearth.core.metrics import metrics_view

secure_admin_site(admin.site)

urlpatterns = [
    path("", core_views.HomeView.as_view(), name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    # For Prometheus; a 404 unless HEARTH_METRICS_TOKEN or HEARTH_METRICS_ALLOWED_IPS is set (docs/deploy.md).
    path("metrics", metrics_view, name="metrics"),
    path("guidelines/", core_views.GuidelinesView.as_view(), name="guidelines"),
    path("help/", include("hearth.safety.urls")),
    path("accounts/", include("hearth.accounts.urls")),
    path("accounts/data/", include("hearth.privacy.urls")),
    path("accounts/", include("allauth.urls")),
    path("members/<str:pseudonym>/", accounts_views.MemberProfileView.as_view(), name="member-profile"),
    path("communities/", include("hearth.communities.urls")),
    path("moderation/", include("hearth.moderation.urls")),
    path("chat/", include("hearth.chat.urls")),
    path("listeners/", include("hearth.listeners.urls")),
    path("notifications/", include("hearth.notifications.urls")),
    path("on-call/", include("hearth.oncall.urls")),
    path("safety-plan/", include("hearth.wellbeing.urls")),
    path("", include("hearth.forums.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
