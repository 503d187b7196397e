"""The knowledge base (SVC-4): solution articles, their categories and "this solved it" marks.

Articles are shared knowledge, not owned records: everyone with the service module's view
right reads the published ones, whatever their unit (docs/decisions/0007).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.core.models import BaseModel


class ArticleCategory(models.Model):
    """A row a system manager edits (hydraulics, engine oil, storage…)."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    order = models.PositiveIntegerField(pgettext_lazy("sort", "order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("article category")
        verbose_name_plural = _("article categories")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("article", "Draft")  # seen by service editors only
    PUBLISHED = "published", pgettext_lazy("article", "Published")  # seen by every service user


class Article(BaseModel):
    title = models.CharField(_("title"), max_length=200)
    # Sanitised HTML (crm.knowledge.sanitise): safe to render as it is.
    body = models.TextField(_("body"), blank=True)
    # The body's text without tags, for search and snippets; written with the body.
    body_text = models.TextField(default="", blank=True, editable=False)
    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # the (product, status) index serves it
    )
    category = models.ForeignKey(
        ArticleCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # The number of tickets it solved: one per ticket (ArticleHelpful); not an edit, so the
    # version does not move when it grows.
    helpful_count = models.PositiveIntegerField(_("solved tickets"), default=0)
    # Title (with pinyin and initials) and body text, simplified and lower-case.
    search_text = models.TextField(default="", blank=True, editable=False)

    class Meta:
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-updated_at"], name="knowledge_status_updated"),
            models.Index(fields=["status", "-helpful_count"], name="knowledge_status_helpful"),
            models.Index(fields=["product", "status"], name="knowledge_product_status"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED


class ArticleHelpful(models.Model):
    """ "This solved it" on a ticket: who said so, when. A ticket counts once per article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="helpful_marks")
    ticket = models.ForeignKey(
        "service.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,
    )
    at = models.DateTimeField(_("marked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("solved ticket")
        verbose_name_plural = _("solved tickets")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "ticket"], name="knowledge_helpful_once")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} ← {self.ticket_id}"
