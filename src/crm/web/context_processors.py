from typing import Any

from django.http import HttpRequest

from .nav import items_for


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    current = request.resolver_match.url_name if request.resolver_match else ""
    return {"nav_items": items_for(user), "nav_current": current}
