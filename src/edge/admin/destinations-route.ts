/**
 * Operators' routes for a tenant's push destinations (ADMIN_TOKEN, like every /admin route: admin-routes.ts):
 *   GET    /admin/tenants/{tenant}/destinations              list (settings and delivery counts, never a secret)
 *   POST   /admin/tenants/{tenant}/destinations              add (JSON of destinationInputSchema); 201
 *   DELETE /admin/tenants/{tenant}/destinations/{name}       remove it and its delivery rows
 *   POST   /admin/tenants/{tenant}/destinations/{name}/test  write and delete a probe object; says what failed
 * The Worker seals the secret with DESTINATION_KEY, so the key never leaves it and --remote works the same. Adding
 * and testing refuse, before any request, an endpoint the collector may not send to (destination-endpoint.ts).
 * @module
 */
import type { Context } from "hono";
import { ZodError } from "zod";
import { destinationInputSchema, splitSecret } from "../../core/delivery/destination.js";
import {
  type EndpointPolicy,
  invalidDestination,
  refuseUnsafeDestination,
} from "../../core/delivery/destination-endpoint.js";
import { sealDestinationSecret } from "../../core/delivery/destination-secret.js";
import { parseDestinationKey, readConfig } from "../../core/foundation/config.js";
import { CollectorError } from "../../core/foundation/errors.js";
import { isValidTenant } from "../../core/tenants/tenant-name.js";
import { deliveryCountsByDestination } from "../../delivery/delivery-ledger.js";
import {
  findDestinationByName,
  insertDestination,
  listDestinations,
  removeDestination,
  resolveDestination,
} from "../../delivery/destination-store.js";
import { probeDestination } from "../../delivery/probe-destination.js";
import type { EdgeEnv } from "../edge-env.js";
import { addLogFields } from "../request-log.js";

export async function getDestinations(c: Context<EdgeEnv>): Promise<Response> {
  const tenant = tenantInPath(c);
  const [destinations, counts] = await Promise.all([
    listDestinations(c.env.DB, tenant),
    deliveryCountsByDestination(c.env.DB, tenant),
  ]);
  return c.json({
    destinations: destinations.map((destination) => ({
      ...destination,
      deliveries: { pending: 0, delivered: 0, failed: 0, ...counts.get(destination.id) },
    })),
  });
}

export async function postDestination(c: Context<EdgeEnv>): Promise<Response> {
  const tenant = tenantInPath(c);
  const key = destinationKey(c.env);
  const input = await parseInput(c);
  const { name, settings, secret } = validated(() => splitSecret(input));
  refuseUnsafeDestination(settings, endpointPolicy(c.env));
  const id = crypto.randomUUID();
  const createdAt = Date.now();
  const added = await insertDestination(c.env.DB, {
    id,
    tenant,
    name,
    settings,
    sealedSecret: await sealDestinationSecret(key, id, settings, secret),
    createdAt,
  });
  if (!added)
    throw new CollectorError(
      "destination_exists",
      `Tenant ${tenant} already has a destination ${name}; remove it first.`,
    );
  addLogFields(c, { tenant, destination: name, kind: settings.kind });
  return c.json({ destination: { id, tenant, name, created_at: new Date(createdAt).toISOString(), settings } }, 201);
}

export async function deleteDestination(c: Context<EdgeEnv>): Promise<Response> {
  const tenant = tenantInPath(c);
  const name = c.req.param("name") ?? "";
  if (!(await removeDestination(c.env.DB, tenant, name))) throw unknownDestination(tenant, name);
  return c.json({ removed: name });
}

export async function postDestinationTest(c: Context<EdgeEnv>): Promise<Response> {
  const tenant = tenantInPath(c);
  const name = c.req.param("name") ?? "";
  const stored = await findDestinationByName(c.env.DB, tenant, name);
  if (!stored) throw unknownDestination(tenant, name);
  const destination = await resolveDestination(c.env.DB, stored, destinationKey(c.env), endpointPolicy(c.env));
  const report = await probeDestination(destination);
  addLogFields(c, { tenant, destination: name, probe_ok: report.ok });
  return c.json({ destination: name, kind: destination.settings.kind, ...report });
}

/** The tenant the path names (/admin/tenants/{tenant}/...), or a 400 when it is not a valid tenant name. */
export function tenantInPath(c: Context<EdgeEnv>): string {
  const tenant: unknown = c.req.param("tenant");
  if (!isValidTenant(tenant)) throw new CollectorError("invalid_query", "The path does not name a valid tenant.");
  return tenant;
}

function endpointPolicy(env: Env): EndpointPolicy {
  return { allowLoopback: readConfig(env).delivery.allowLoopbackEndpoints };
}

function destinationKey(env: Env): Uint8Array {
  const key = parseDestinationKey(env.DESTINATION_KEY);
  if (!key)
    throw new CollectorError(
      "delivery_not_configured",
      "The Worker has no DESTINATION_KEY secret; set one to store destinations.",
    );
  return key;
}

async function parseInput(c: Context<EdgeEnv>) {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new CollectorError("invalid_json", "The body must be a JSON object describing the destination.");
  }
  return validated(() => destinationInputSchema.parse(body));
}

function validated<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    // Issues name the field and the rule, never the value given (it may be a secret).
    throw invalidDestination(error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })));
  }
}

function unknownDestination(tenant: string, name: string): CollectorError {
  return new CollectorError(
    "unknown_destination",
    `Tenant ${tenant} has no destination ${JSON.stringify(name.slice(0, 40))}.`,
  );
}
