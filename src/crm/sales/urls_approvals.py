from django.urls import path

from . import views_approvals as v

urlpatterns: list = [
    path("approvals/", v.approval_inbox, name="approval_inbox"),
    path("approvals/rules/", v.rule_list, name="approval_rules"),
    path("approvals/rules/new/", v.rule_edit, name="approval_rule_create"),
    path("approvals/rules/<int:pk>/", v.rule_edit, name="approval_rule_edit"),
    path("approvals/rules/<int:pk>/delete/", v.rule_delete, name="approval_rule_delete"),
    path("approvals/<int:pk>/", v.approval_detail, name="approval_detail"),
    path("approvals/<int:pk>/decide/", v.approval_decide, name="approval_decide"),
]
