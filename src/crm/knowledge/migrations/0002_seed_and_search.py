"""The starting categories, and (PostgreSQL only) a trigram index so substring search and the
ticket suggestions' `LIKE '%…%'` on search_text use an index (crm.core.trigram)."""

from typing import Any

from django.db import migrations

from crm.core.trigram import trigram_index


def seed(apps: Any, schema_editor: Any) -> None:
    from crm.knowledge.seed import seed_categories

    seed_categories(apps.get_model("knowledge", "ArticleCategory"))


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        trigram_index("knowledge_article_search_trgm", "knowledge_article", "search_text"),
    ]
