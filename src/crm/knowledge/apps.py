from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "crm.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        """Menu entries, the ticket page's suggestions, global search and the recycle bin."""
        from crm.core import recycle, search
        from crm.core.modules import Action, Module, Special
        from crm.service.panels import TicketPanel, register_panel
        from crm.web import nav

        from . import panel, services
        from .models import Article
        from .search import search_articles

        nav.register(
            nav.NavItem(
                "knowledge",
                _("Knowledge base"),
                "knowledge:article_list",
                nav.can_view(Module.SERVICE),
                310,
            )
        )
        nav.register(
            nav.NavItem(
                "knowledge_categories",
                _("Article categories"),
                "knowledge:category_list",
                nav.has_special(Special.MANAGE_SYSTEM),
                936,
            )
        )

        def can_view(access: Any) -> bool:
            return bool(access.can(Module.SERVICE, Action.VIEW))

        register_panel(
            TicketPanel(
                "knowledge",
                "knowledge/_ticket_suggestions.html",
                panel.ticket_suggestions,
                order=50,
                visible=can_view,
            )
        )
        search.register(search.Provider("knowledge", _("Knowledge base"), search_articles))
        recycle.register(
            Article,
            module=Module.SERVICE,
            owner_field=None,
            unit_field=None,
            restore=lambda article, actor: services.article_restore(article=article, actor=actor),
        )
