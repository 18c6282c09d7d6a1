from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from hearth.communities.models import Community, Invitation, JoinRequest, Membership
from hearth.lib.markdown import render_markdown


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "membership_mode", "member_count", "thread_count", "last_activity_at", "sort_order")
    list_editable = ("sort_order",)
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("member_count", "thread_count", "post_count", "last_activity_at", "guidelines_html")

    def save_model(self, request: HttpRequest, obj: Community, form: object, change: bool) -> None:
        obj.guidelines_html = render_markdown(obj.guidelines)
        super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "community", "role", "joined_at")
    list_filter = ("role", "community")
    search_fields = ("user__username",)
    raw_id_fields = ("user",)


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "community", "status", "created_at", "decided_by")
    list_filter = ("status", "community")
    raw_id_fields = ("user", "decided_by")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("invitee", "community", "status", "created_at", "invited_by")
    list_filter = ("status", "community")
    raw_id_fields = ("invitee", "invited_by")
