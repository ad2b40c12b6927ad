// Hive Gateway with its Rust query planner (@graphql-hive/router-runtime), for the `hive-rust` target:
//
//   hive-gateway supergraph FILE --config-path hive-rust.config.mjs --host 127.0.0.1 --port P --fork 1
//
// The router runtime replaces the gateway's default (JavaScript, stitching) planner and executor with
// Hive Router's query planner, a native addon (@graphql-hive/router-query-planner), and an executor
// built for its plans. Imported here rather than turned on with `--hive-router-runtime`: that flag
// falls back to the default runtime with a mere warning when the package cannot be loaded, and the
// bench would then measure the wrong thing; an import fails at start instead.
//
// Not named gateway.config.*: the CLI loads such a file from its working directory by default, and the
// `hive` target, started in the same directory, must keep the default planner.
import { defineConfig } from "@graphql-hive/gateway";
import { unifiedGraphHandler } from "@graphql-hive/router-runtime";

export const gatewayConfig = defineConfig({ unifiedGraphHandler });
