"""Pages of activities, the calendar, visit achievement and targets (namespace "sales")."""

from django.urls import path, re_path

from . import views_activities as views
from . import views_activities_calendar as calendar_views
from . import views_targets

urlpatterns: list = [
    path("week/", views.activity_week, name="activity_week"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/picker/", views.customer_picker, name="activity_picker"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/check-in/", views.activity_check_in, name="activity_check_in"),
    path("activities/<int:pk>/complete/", views.activity_complete, name="activity_complete"),
    path("activities/<int:pk>/reschedule/", views.activity_reschedule, name="activity_reschedule"),
    path("activities/<int:pk>/cancel/", views.activity_cancel, name="activity_cancel"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("calendar/", calendar_views.calendar, name="activity_calendar"),
    path("calendar/subscribe/", calendar_views.calendar_feed, name="activity_feed"),
    re_path(
        r"^calendar/(?P<token>[A-Za-z0-9_-]{20,100})\.ics$",
        calendar_views.calendar_ics,
        name="activity_ics",
    ),
    path("visits/achievement/", calendar_views.visit_achievement, name="visit_achievement"),
    path("targets/", views_targets.target_list, name="target_list"),
    path("targets/new/", views_targets.target_create, name="target_create"),
    path("targets/<int:pk>/edit/", views_targets.target_edit, name="target_edit"),
    path("targets/<int:pk>/delete/", views_targets.target_delete, name="target_delete"),
]
