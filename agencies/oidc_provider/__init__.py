"""The demo's OpenID Connect provider (VNeID-style sign-in), a Node.js process: ``index.js`` on panva's
``oidc-provider``, installed by ``make`` from ``package-lock.json`` (``npm ci``). See :mod:`.process`."""
