from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/move/", views.unit_move, name="unit_move"),
    path("units/<int:pk>/delete/", views.unit_delete, name="unit_delete"),
    path("employees/", views.employees, name="employees"),
    path("employees/new/", views.employee_create, name="employee_create"),
    path("employees/<int:pk>/", views.employee_detail, name="employee"),
    path("employees/<int:pk>/edit/", views.employee_edit, name="employee_edit"),
    path("employees/<int:pk>/active/", views.employee_active, name="employee_active"),
    path("roles/", views.roles, name="roles"),
    path("roles/<int:pk>/", views.role_detail, name="role"),
    path("roles/<int:pk>/delete/", views.role_delete, name="role_delete"),
    path("parameters/", views.parameters, name="parameters"),
    path("recycle-bin/", views.recycle_bin, name="recycle_bin"),
    path(
        "recycle-bin/<str:label>/<int:pk>/restore/", views.recycle_restore, name="recycle_restore"
    ),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_delete, name="token_revoke"),
]
