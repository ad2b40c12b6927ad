"""GraphiQL in a real browser cut off from the internet: it renders and answers, with the hub's files alone.

The hub (tests/fixtures/hub.py) is served by uvicorn on 127.0.0.1 in the test's event loop;
Debian's Chromium, driven by Playwright (tests/support/browser.py), opens /graphiql with every
request to any other host aborted, as on a government network without the internet. GraphiQL
must leave "Loading…", answer a query with the token pasted into its Headers tab, and carry the
token to a subscription's ``connection_init``, with no request leaving the hub, no script error
and nothing refused by the page's Content-Security-Policy.
"""

from __future__ import annotations

import asyncio
import re
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Page, Request, Route, WebSocket, async_playwright, expect

from domain.access import Role
from tests.fixtures.hub import Hub
from tests.support.browser import LAUNCH_ARGS, chromium

pytestmark = pytest.mark.e2e

OFFICE = "enforcement.ha-noi.kv01"
WAIT_MS = 30_000  # a bound for a slow machine, not a measure: each wait ends as soon as the page is there
WATCH_POLICY = """
window.__refused = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__refused.push(e.violatedDirective + " " + e.blockedURI);
});
"""
SET_EDITOR = "([selector, text]) => document.querySelector(selector).CodeMirror.setValue(text)"
PARSED = "([selector, text]) => document.querySelector(selector).CodeMirror.documentAST?.loc?.source.body === text"
QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
HEADERS_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"


async def run(page: Page, document: str) -> None:
    await page.evaluate(SET_EDITOR, [QUERY_EDITOR, document])
    # GraphiQL parses the editor's text a moment after it changes; the parsed document tells it a subscription
    await page.wait_for_function(PARSED, arg=[QUERY_EDITOR, document], timeout=WAIT_MS)
    await page.get_by_role("button", name=re.compile("Execute query")).click()


@pytest.mark.parametrize("hub", ["sqlite"], indirect=True)  # one database is enough for a page
async def test_graphiql_renders_offline_and_answers_with_the_token_of_its_headers_tab(hub: Hub) -> None:
    executable = chromium()
    _, base = await hub.sockets.endpoint()
    token = hub.token(OFFICE, [Role.ENFORCEMENT_CLERK])
    outside: list[str] = []
    sockets: list[WebSocket] = []
    received: list[str] = []
    errors: list[str] = []

    async def only_the_hub(route: Route, request: Request) -> None:
        if urlsplit(request.url).hostname == "127.0.0.1":
            await route.continue_()
        else:
            outside.append(request.url)
            await route.abort("internetdisconnected")

    def watch_socket(socket: WebSocket) -> None:
        sockets.append(socket)
        socket.on("framereceived", lambda payload: received.append(str(payload)))

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=list(LAUNCH_ARGS))
        try:
            page = await browser.new_page()
            await page.route("**/*", only_the_hub)
            await page.add_init_script(WATCH_POLICY)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("websocket", watch_socket)

            await page.goto(f"{base}/graphiql")
            await expect(page.locator(QUERY_EDITOR)).to_be_visible(timeout=WAIT_MS)
            await expect(page.get_by_text("Loading…")).to_have_count(0)

            await expect(page.locator(HEADERS_EDITOR)).to_be_visible(timeout=WAIT_MS)  # open on arrival
            await page.evaluate(SET_EDITOR, [HEADERS_EDITOR, f'{{"Authorization": "Bearer {token}"}}'])
            await run(page, "{ me { agencyCode } }")
            response = page.locator(".graphiql-response")
            await expect(response).to_contain_text(f'"agencyCode": "{OFFICE}"', timeout=WAIT_MS)

            await run(page, f'subscription {{ transferEvents(office: "{OFFICE}") {{ cursor kind }} }}')
            async with asyncio.timeout(WAIT_MS / 1000):
                while not any('"connection_ack"' in frame for frame in received):
                    await asyncio.sleep(0.05)
            assert [urlsplit(socket.url)[:3] for socket in sockets] == [("ws", urlsplit(base).netloc, "/graphql")]

            refused = await page.evaluate("window.__refused")
        finally:
            await browser.close()

    assert outside == []  # nothing but the hub was asked for
    assert errors == []
    assert refused == []
