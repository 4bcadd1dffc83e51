/**
 * The export route group, mounted at /v1/exports: every route needs a token with scope exports:read of a known
 * tenant (a disabled one may still pull its files) and answers for the token's tenant only.
 * @module
 */
import { Hono } from "hono";
import { requireScope } from "../auth/require-scope.js";
import { requireKnownTenant } from "../auth/tenant-settings-cache.js";
import type { EdgeEnv } from "../edge-env.js";
import { getExportDay } from "./day-route.js";
import { getExportFile } from "./file-route.js";
import { listExports } from "./list-route.js";

export const exportsRoutes = new Hono<EdgeEnv>()
  .use(requireScope("exports:read"), requireKnownTenant())
  .get("/", listExports)
  // Before the key route: a day is one segment, a key is five, so neither can take the other's requests.
  .get("/days/:day", getExportDay)
  .get("/*", getExportFile);
