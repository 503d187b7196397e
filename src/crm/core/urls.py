from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("<int:pk>/", views.job_detail, name="job"),
]
