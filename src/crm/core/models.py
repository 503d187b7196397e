"""The shared kernel's data: the base of every editable record, and the audit trail."""

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class LiveManager(models.Manager):
    """Hides soft-deleted rows; `all_objects` sees them (recycle bin, restore)."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(is_deleted=False)


class BaseModel(models.Model):
    """Timestamps and authors, optimistic `version`, soft delete."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Incremented by every update; an update that carries an older value is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    is_deleted = models.BooleanField(_("deleted"), default=False, db_index=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = LiveManager()
    all_objects = models.Manager()  # noqa: DJ012 - a second manager, not a field

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    RESTORE = "restore", _("Restored")
    MOVE = "move", _("Moved")


class AuditEntry(models.Model):
    """One change to one record: who, when, and each field's old → new value."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=255)
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    # {"field": {"label": "...", "old": "...", "new": "..."}} with display values.
    changes = models.JSONField(default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.object_repr}: {self.action}"

    @property
    def change_list(self) -> list[dict[str, Any]]:
        return [{"field": k, **v} for k, v in self.changes.items()]
