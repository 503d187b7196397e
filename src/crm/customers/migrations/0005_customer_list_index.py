"""Indexes for the customer list at scale: the default-order index carries the columns the
list filters test (INCLUDE on PostgreSQL; a plain index on SQLite), so a filtered page and its
capped count are index-only scans (it replaces the plain (-updated_at, -id) index); the other
sorts offered (name, creation date, credit limit) get an index to read in order."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("customers", "0004_dedupe_merge_saved_filters")]

    operations = [
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(
                fields=["-updated_at", "-id"],
                include=(
                    "is_deleted",
                    "org_unit",
                    "owner",
                    "status",
                    "industry",
                    "region",
                    "rating",
                    "credit_level",
                ),
                name="customers_updated_list",
            ),
        ),
        migrations.RemoveIndex(model_name="customer", name="customers_updated"),
        migrations.AddIndex(
            model_name="customer", index=models.Index(fields=["name"], name="customers_name")
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["created_at"], name="customers_created"),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["-credit_limit", "-id"], name="customers_credit_limit"),
        ),
    ]
