from typing import Any

from django import template
from django.http import HttpRequest

register = template.Library()


@register.simple_tag
def query_with(request: HttpRequest, **changes: Any) -> str:
    """The current query string with some parameters replaced (pagination, sorting)."""
    params = request.GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()
