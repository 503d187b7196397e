from django.urls import path

from . import views, views_data, views_import

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("divisions/", views.division_options, name="divisions"),
    path("owners/", views.owner_options, name="owners"),
    path("reassign/", views_data.customer_reassign, name="reassign"),
    path("export/", views_data.customer_export, name="export"),
    path("import/", views_import.import_upload, name="import"),
    path("import/template/", views_import.import_template, name="import_template"),
    path("import/<int:pk>/", views_import.import_again, name="import_again"),
    path("duplicates/", views_data.duplicates, name="duplicates"),
    path("merge/", views_data.customer_merge, name="merge"),
    path("merges/<int:pk>/undo/", views_data.merge_undo, name="merge_undo"),
    path("quality/", views_data.quality_report, name="quality"),
    path("lists/", views_data.choice_lists, name="choices"),
    path("views/save/", views_data.saved_filter_save, name="view_save"),
    path("views/<int:pk>/delete/", views_data.saved_filter_delete, name="view_delete"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/tabs/<slug:key>/", views.customer_tab, name="tab"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/delete/", views.customer_delete, name="delete"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("<int:pk>/interactions/new/", views.interaction_create, name="interaction_create"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact_delete"),
    path("interactions/<int:pk>/attachment/", views.attachment_download, name="attachment"),
]
