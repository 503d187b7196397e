from django.urls import path

from . import views_contracts as v

urlpatterns: list = [
    path("contracts/", v.contract_list, name="contract_list"),
    path("contracts/new/", v.contract_create, name="contract_create"),
    path("contracts/preview/", v.contract_preview, name="contract_preview"),
    path("contracts/<int:pk>/", v.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", v.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/transition/", v.contract_transition, name="contract_transition"),
    path("contracts/<int:pk>/renew/", v.contract_renew, name="contract_renew"),
    path("contracts/<int:pk>/attachments/", v.attachment_create, name="contract_attach"),
    path("contracts/attachments/<int:pk>/", v.attachment_download, name="contract_attachment"),
    path("quotes/<int:pk>/contract/", v.contract_from_quote, name="contract_from_quote"),
]
