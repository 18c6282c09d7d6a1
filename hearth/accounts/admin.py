from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from hearth.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "is_listener", "is_professional", "is_global_moderator", "is_staff", "is_active")
    list_filter = ("is_listener", "is_professional", "is_global_moderator", "is_staff", "is_active")
    search_fields = ("username",)
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Roles", {"fields": ("is_listener", "is_professional", "is_global_moderator", "is_staff", "is_superuser")}),
        ("Status", {"fields": ("is_active", "date_joined", "age_confirmed_at", "guidelines_accepted_at")}),
        ("Profile", {"fields": ("bio", "show_communities")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),)
    readonly_fields = ("date_joined", "age_confirmed_at", "guidelines_accepted_at")
    filter_horizontal = ()


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "user", "prefix", "created_at", "last_used_at")
    readonly_fields = ("user", "name", "prefix", "key_hash", "created_at", "last_used_at")
    search_fields = ("user__username", "name")
