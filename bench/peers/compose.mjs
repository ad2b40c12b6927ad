// Compose the supergraph of the judgment-360 peers from the running subgraphs (bench/README.md).
//
//   node compose.mjs OUT.graphql registry=http://127.0.0.1:P/graphql court=… enforcement=… procuracy=…
//
// Each subgraph's SDL is read from its `_service { sdl }` field (loopback only), composed with
// @apollo/composition, and the supergraph SDL written to OUT. Apollo Gateway and Hive Gateway are
// then given the same file, so both plan over the same supergraph.
import { writeFileSync } from "node:fs";
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";

const [out, ...pairs] = process.argv.slice(2);
if (!out || pairs.length === 0) {
  console.error("usage: node compose.mjs OUT.graphql name=url …");
  process.exit(2);
}

async function sdlOf(url) {
  const answer = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "{ _service { sdl } }" }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!answer.ok) throw new Error(`${url} answered ${answer.status}`);
  const { data, errors } = await answer.json();
  if (errors) throw new Error(`${url}: ${JSON.stringify(errors)}`);
  return data._service.sdl;
}

const services = [];
for (const pair of pairs) {
  const at = pair.indexOf("=");
  const name = pair.slice(0, at);
  const url = pair.slice(at + 1);
  services.push({ name, url, typeDefs: parse(await sdlOf(url)) });
}
const result = composeServices(services);
if (result.errors) {
  for (const error of result.errors) console.error(error.message);
  process.exit(1);
}
writeFileSync(out, result.supergraphSdl);
console.error(`supergraph of ${services.map((s) => s.name).join(", ")} written to ${out}`);
