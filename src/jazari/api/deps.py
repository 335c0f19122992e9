"""Dependencies of the routes: the node and the acting user."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from jazari.app import Jazari
from jazari.governance.actors import Actor


def get_node(request: Request) -> Jazari:
    """The Jazari the app was built over."""
    return request.app.state.jazari  # type: ignore[no-any-return]


def get_actor(request: Request, jz: Annotated[Jazari, Depends(get_node)]) -> Actor:
    """The bearer of a valid token, or the anonymous visitor."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    admin = jz.settings.admin_token
    if scheme.lower() == "bearer" and admin is not None and token:
        if hmac.compare_digest(token.encode(), admin.get_secret_value().encode()):
            return Actor.operator("api-admin")
    return Actor.anonymous()


NodeDep = Annotated[Jazari, Depends(get_node)]
ActorDep = Annotated[Actor, Depends(get_actor)]
