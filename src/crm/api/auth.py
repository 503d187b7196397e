from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from crm.org.auth import token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; a deactivated user's tokens stop working at once."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user
