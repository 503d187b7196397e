from django.urls import path

from . import views

app_name = "knowledge"
urlpatterns: list = [
    path("", views.article_list, name="article_list"),
    path("new/", views.article_create, name="article_create"),
    path("<int:pk>/", views.article_detail, name="article_detail"),
    path("<int:pk>/edit/", views.article_edit, name="article_edit"),
    path("<int:pk>/delete/", views.article_delete, name="article_delete"),
    path("<int:pk>/helpful/", views.article_helpful, name="article_helpful"),
    path("categories/", views.category_list, name="category_list"),
    path("categories/<int:pk>/", views.category_edit, name="category_edit"),
]
