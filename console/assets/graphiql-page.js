// GraphiQL on the hub's own API, for the demo page at /graphiql (gateway/graphiql.py).
// A file, not an inline script: the page's Content-Security-Policy runs scripts of the hub only.
// The page loads React, ReactDOM and GraphiQL (UMD builds from console/assets/node_modules) first.
"use strict";

(function () {
  var root = document.getElementById("graphiql");
  var endpoint = new URL(root.dataset.endpoint, window.location.href);
  var subscriptions = new URL(endpoint.href);
  subscriptions.protocol = endpoint.protocol === "https:" ? "wss:" : "ws:";
  // Queries and mutations over HTTP; subscriptions over graphql-transport-ws, where the Headers tab's
  // {"Authorization": "Bearer …"} travels in connection_init.
  var fetcher = GraphiQL.createFetcher({ url: endpoint.href, subscriptionUrl: subscriptions.href });
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: root.dataset.defaultQuery,
      defaultEditorToolsVisibility: "headers",
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false, // a token is not left in the browser's storage
      inputValueDeprecation: true,
    }),
  );
})();
