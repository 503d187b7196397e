from django.urls import path

from . import views_quotes as v

urlpatterns: list = [
    path("quotes/", v.quote_list, name="quote_list"),
    path("quotes/new/", v.quote_create, name="quote_create"),
    path("quotes/preview/", v.quote_preview, name="quote_preview"),
    path("quotes/<int:pk>/", v.quote_detail, name="quote_detail"),
    path("quotes/<int:pk>/edit/", v.quote_edit, name="quote_edit"),
    path("quotes/<int:pk>/transition/", v.quote_transition, name="quote_transition"),
    path("quotes/<int:pk>/revise/", v.quote_revise, name="quote_revise"),
    path("quotes/<int:pk>/delete/", v.quote_delete, name="quote_delete"),
    path("quotes/<int:pk>/pdf/", v.quote_pdf, name="quote_pdf"),
    path("opportunities/<int:pk>/quote/", v.quote_from_opportunity, name="quote_from_opportunity"),
]
