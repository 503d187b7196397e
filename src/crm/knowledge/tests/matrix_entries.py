"""The knowledge base in the access matrix (see crm.testing.matrix).

Articles are company-wide (docs/decisions/0007): a published article is read by every role
with the service module (admin, leader, both managers, the rep, the agent) whatever its unit;
marketer, finance and general have no service right (404). Writing takes the service action:
create and edit are the admin's and the agent's, delete the admin's only; the other readers
get 403.
A draft is seen by the editors only (404 for the other readers). Categories are a system
manager's setting.
"""

from typing import Any

from crm.core.modules import Action, Module
from crm.knowledge import services
from crm.knowledge.models import Article, ArticleCategory, ArticleHelpful, ArticleStatus
from crm.service.tests.matrix_entries import CAN_VIEW, west_ticket
from crm.testing.matrix import EVERYONE, api, page, roles

SERVICE = Module.SERVICE.value
VIEW, CREATE, EDIT, DELETE = (
    a.value for a in (Action.VIEW, Action.CREATE, Action.EDIT, Action.DELETE)
)
EDITORS = roles("admin", "agent")
DELETERS = roles("admin")
ADMINS = roles("admin")
WRITES = (Article, ArticleHelpful)


def published(users: Any) -> Article:
    return services.article_create(
        actor=users["agent"],
        title="液压油乳化发白的处理",
        body="<p>先取样检测水分。</p>",
        status=ArticleStatus.PUBLISHED,
    )


def draft(users: Any) -> Article:
    return services.article_create(actor=users["agent"], title="内部草稿")


def category(users: Any) -> ArticleCategory:
    return services.category_create(actor=users["admin"], name="矩阵分类")


def _href(a: Any) -> str:
    return f'href="/knowledge/{a.pk}/"'


def _edit_body(users: Any, a: Any) -> dict[str, Any]:
    return {"title": "液压油乳化", "status": "published", "body": "排水", "version": a.version}


api(
    "knowledge article list",
    "GET",
    "/api/v1/knowledge/articles?page_size=200",
    module=SERVICE,
    action=VIEW,
    allowed=CAN_VIEW,
    target=published,
    visible_to=CAN_VIEW,
)
api(
    "knowledge article create",
    "POST",
    "/api/v1/knowledge/articles",
    module=SERVICE,
    action=CREATE,
    allowed=EDITORS,
    forbidden=CAN_VIEW - EDITORS,
    body={"title": "新文章", "body": "内容"},
    tables=WRITES,
)
api(
    "knowledge article detail",
    "GET",
    "/api/v1/knowledge/articles/{id}",
    module=SERVICE,
    action=VIEW,
    allowed=CAN_VIEW,
    target=published,
)
api(
    "knowledge draft detail",
    "GET",
    "/api/v1/knowledge/articles/{id}",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    target=draft,
)
api(
    "knowledge article patch",
    "PATCH",
    "/api/v1/knowledge/articles/{id}",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=CAN_VIEW - EDITORS,
    target=published,
    body=lambda users, a: {"version": a.version, "title": "改过的标题"},
)
api(
    "knowledge article delete",
    "DELETE",
    "/api/v1/knowledge/articles/{id}",
    module=SERVICE,
    action=DELETE,
    allowed=DELETERS,
    forbidden=CAN_VIEW - DELETERS,
    target=published,
)
api(
    "knowledge article helpful",
    "POST",
    "/api/v1/knowledge/articles/{id}/helpful",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=CAN_VIEW - EDITORS,
    target=published,
    body=lambda users, a: {"ticket_id": west_ticket(users).pk},
    tables=WRITES,
)
api(
    "knowledge categories",
    "GET",
    "/api/v1/knowledge/categories",
    module=SERVICE,
    action=VIEW,
    allowed=CAN_VIEW,
)

page(
    "knowledge article list",
    "GET",
    "/knowledge/",
    module=SERVICE,
    action=VIEW,
    allowed=CAN_VIEW,
    target=published,
    visible_to=CAN_VIEW,
    marker=_href,
)
page(
    "knowledge article new form",
    "GET",
    "/knowledge/new/",
    module=SERVICE,
    action=CREATE,
    allowed=EDITORS,
    forbidden=CAN_VIEW - EDITORS,
)
page(
    "knowledge article create",
    "POST",
    "/knowledge/new/",
    module=SERVICE,
    action=CREATE,
    allowed=EDITORS,
    forbidden=CAN_VIEW - EDITORS,
    body={"title": "新文章", "status": "draft", "body": "内容"},
    tables=WRITES,
)
page(
    "knowledge article detail",
    "GET",
    "/knowledge/{id}/",
    module=SERVICE,
    action=VIEW,
    allowed=CAN_VIEW,
    target=published,
)
page(
    "knowledge draft detail",
    "GET",
    "/knowledge/{id}/",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    target=draft,
)
page(
    "knowledge article edit form",
    "GET",
    "/knowledge/{id}/edit/",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=CAN_VIEW - EDITORS,
    target=published,
)
page(
    "knowledge article edit",
    "POST",
    "/knowledge/{id}/edit/",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=CAN_VIEW - EDITORS,
    target=published,
    body=_edit_body,
)
page(
    "knowledge article delete confirm",
    "GET",
    "/knowledge/{id}/delete/",
    module=SERVICE,
    action=DELETE,
    allowed=DELETERS,
    forbidden=CAN_VIEW - DELETERS,
    target=published,
)
page(
    "knowledge article delete",
    "POST",
    "/knowledge/{id}/delete/",
    module=SERVICE,
    action=DELETE,
    allowed=DELETERS,
    forbidden=CAN_VIEW - DELETERS,
    target=published,
)
page(
    "knowledge article helpful",
    "POST",
    "/knowledge/{id}/helpful/",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=CAN_VIEW - EDITORS,
    target=published,
    body=lambda users, a: {"ticket": west_ticket(users).pk},
    tables=WRITES,
)
page(
    "knowledge categories",
    "GET",
    "/knowledge/categories/",
    module=Module.SYSTEM.value,
    action="manage_system",
    allowed=ADMINS,
    forbidden=EVERYONE - ADMINS,
)
page(
    "knowledge category create",
    "POST",
    "/knowledge/categories/",
    module=Module.SYSTEM.value,
    action="manage_system",
    allowed=ADMINS,
    forbidden=EVERYONE - ADMINS,
    body={"name": "新分类", "order": "1"},
    tables=(ArticleCategory,),
)
page(
    "knowledge category edit form",
    "GET",
    "/knowledge/categories/{id}/",
    module=Module.SYSTEM.value,
    action="manage_system",
    allowed=ADMINS,
    forbidden=EVERYONE - ADMINS,
    target=category,
)
page(
    "knowledge category edit",
    "POST",
    "/knowledge/categories/{id}/",
    module=Module.SYSTEM.value,
    action="manage_system",
    allowed=ADMINS,
    forbidden=EVERYONE - ADMINS,
    target=category,
    body={"name": "改名分类", "order": "2", "active": "on"},
)
