"""Reminders: in-app notifications and the record of what the daily sweep has sent."""

from __future__ import annotations

from typing import Any

from django.db import models

from staff.models import School, User


class NotificationQuerySet(models.QuerySet["Notification"]):
    def visible_to(self, user: Any) -> NotificationQuerySet:
        """Return the signed-in person's own notifications in their current school."""
        return self.filter(recipient=user, school_id=getattr(user, "current_school_id", None))

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app reminder for one person. The text names no pupil; the link leads to detail."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    text = models.CharField(max_length=200)
    url = models.CharField(max_length=300, blank=True)
    due_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["read_at", "due_on", "-pk"]
        indexes = [
            # the bell: a person's unread count
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            # the daily digest: today's new notifications
            models.Index(fields=["created_at"], name="notification_created_idx"),
        ]

    def __str__(self) -> str:
        return self.text


class ReminderSent(models.Model):
    """What the sweep has sent; the constraint makes a second run send nothing new."""

    kind = models.CharField(max_length=40)
    object_type = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_type", "object_id", "recipient", "due_on"],
                name="reminder_sent_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_type}:{self.object_id} due {self.due_on}"
