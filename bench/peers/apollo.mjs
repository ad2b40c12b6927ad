// Apollo Gateway (@apollo/gateway + @apollo/server) over a composed supergraph, on loopback.
//
//   node apollo.mjs --supergraph supergraph.graphql --port P
//
// One Node.js process, as the hub is one uvicorn worker. No landing page, no usage reporting
// (no APOLLO_KEY), nothing leaves 127.0.0.1. SIGTERM stops it.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloGateway } from "@apollo/gateway";

const { values } = parseArgs({ options: { supergraph: { type: "string" }, port: { type: "string" } } });
if (!values.supergraph || !values.port) {
  console.error("usage: node apollo.mjs --supergraph FILE --port P");
  process.exit(2);
}

const gateway = new ApolloGateway({ supergraphSdl: readFileSync(values.supergraph, "utf8") });
const server = new ApolloServer({ gateway, plugins: [ApolloServerPluginLandingPageDisabled()] });
const { url } = await startStandaloneServer(server, { listen: { host: "127.0.0.1", port: Number(values.port) } });
console.error(`apollo gateway on ${url}`);

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, async () => {
    await server.stop();
    process.exit(0);
  });
}
