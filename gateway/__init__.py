"""The ASGI gateway: app factory, settings, identity, routes and the `lienthong` command line."""
