from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from creditbank.apps.accounts.models import ApiKey, Institution, User


@admin.register(User)
class CreditbankUserAdmin(UserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "display_name", "role", "institution", "is_active")
    list_filter = ("role", "institution", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("creditbank", {"fields": ("role", "institution", "display_name")}))  # type: ignore[misc]


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name_en", "name_zh", "kind", "region", "city")
    list_filter = ("kind", "region")
    search_fields = ("code", "name_en", "name_zh")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("prefix", "institution", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "created_by", "created_at", "last_used_at")
    list_filter = ("institution",)

    def has_add_permission(self, request: object) -> bool:
        return False  # keys are issued through the service, which shows the secret once
