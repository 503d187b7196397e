from django.urls import path

from . import views

app_name = "service"
urlpatterns: list = [
    path("tickets/", views.ticket_list, name="ticket_list"),
    path("tickets/new/", views.ticket_create, name="ticket_create"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/transition/", views.ticket_transition, name="ticket_transition"),
    path("tickets/<int:pk>/entries/", views.entry_create, name="entry_create"),
]
