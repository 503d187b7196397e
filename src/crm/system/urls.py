from django.urls import path

from . import views

app_name = "system"
urlpatterns: list = [
    path("", views.notification_list, name="notification_list"),
    path("bell/", views.bell, name="bell"),
    path("read-all/", views.notification_read_all, name="notification_read_all"),
    path("<int:pk>/read/", views.notification_read, name="notification_read"),
    path("settings/", views.preferences, name="preferences"),
    path("runs/", views.run_list, name="run_list"),
]
