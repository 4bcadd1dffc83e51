/**
 * The D1 statements over the destinations table: add, list, remove, load one, and make a loaded one ready to
 * upload (resolveDestination: the endpoint checked, the secret opened, a legacy seal resealed with its binding).
 * @module
 */
import type { DestinationSettings, DestinationView, ResolvedDestination } from "../core/delivery/destination.js";
import { destinationSettingsSchema } from "../core/delivery/destination.js";
import {
  type EndpointPolicy,
  refuseUnsafeDestination,
  withoutUserinfo,
} from "../core/delivery/destination-endpoint.js";
import { openDestinationSecret, sealDestinationSecret } from "../core/delivery/destination-secret.js";

interface DestinationRow {
  id: string;
  tenant: string;
  name: string;
  settings: string;
  sealed_secret: string;
  created_at: number;
}

export interface NewDestination {
  id: string;
  tenant: string;
  name: string;
  settings: DestinationSettings;
  sealedSecret: string;
  createdAt: number;
}

/** False when the tenant already has a destination of that name. */
export async function insertDestination(db: D1Database, destination: NewDestination): Promise<boolean> {
  const result = await db
    .prepare(
      `INSERT INTO destinations (id, tenant, name, kind, settings, sealed_secret, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
       ON CONFLICT (tenant, name) DO NOTHING`,
    )
    .bind(
      destination.id,
      destination.tenant,
      destination.name,
      destination.settings.kind,
      JSON.stringify(destination.settings),
      destination.sealedSecret,
      destination.createdAt,
    )
    .run();
  return result.meta.changes === 1;
}

export async function listDestinations(db: D1Database, tenant: string): Promise<DestinationView[]> {
  const rows = await db
    .prepare("SELECT * FROM destinations WHERE tenant = ?1 ORDER BY name")
    .bind(tenant)
    .all<DestinationRow>();
  return rows.results.map(toView);
}

/** Removes the destination and its delivery rows in one transaction; false when there was none. */
export async function removeDestination(db: D1Database, tenant: string, name: string): Promise<boolean> {
  const [removed] = await db.batch([
    db.prepare("DELETE FROM destinations WHERE tenant = ?1 AND name = ?2 RETURNING id").bind(tenant, name),
    db
      .prepare("DELETE FROM deliveries WHERE destination_id NOT IN (SELECT id FROM destinations) AND tenant = ?1")
      .bind(tenant),
  ]);
  return (removed?.results.length ?? 0) === 1;
}

/** A destination as D1 holds it: settings parsed, secret still sealed. */
export interface StoredDestination {
  id: string;
  tenant: string;
  name: string;
  settings: DestinationSettings;
  sealedSecret: string;
}

export async function findDestinationByName(
  db: D1Database,
  tenant: string,
  name: string,
): Promise<StoredDestination | undefined> {
  const row = await db
    .prepare("SELECT * FROM destinations WHERE tenant = ?1 AND name = ?2")
    .bind(tenant, name)
    .first<DestinationRow>();
  return row ? toStored(row) : undefined;
}

export async function findDestinationById(db: D1Database, id: string): Promise<StoredDestination | undefined> {
  const row = await db.prepare("SELECT * FROM destinations WHERE id = ?1").bind(id).first<DestinationRow>();
  return row ? toStored(row) : undefined;
}

/**
 * The destination ready to upload, or `invalid_destination` before any request: the endpoint must be one the
 * policy allows and the secret must open for the endpoint and bucket in the row. A secret sealed before it was
 * bound to them (legacy) is resealed with the binding, once; of two racing reseals the first one stays.
 */
export async function resolveDestination(
  db: D1Database,
  stored: StoredDestination,
  key: Uint8Array,
  policy: EndpointPolicy,
): Promise<ResolvedDestination> {
  refuseUnsafeDestination(stored.settings, policy);
  const { secret, legacy } = await openDestinationSecret(key, stored.id, stored.settings, stored.sealedSecret);
  if (legacy) {
    const resealed = await sealDestinationSecret(key, stored.id, stored.settings, secret);
    await db
      .prepare("UPDATE destinations SET sealed_secret = ?1 WHERE id = ?2 AND sealed_secret = ?3")
      .bind(resealed, stored.id, stored.sealedSecret)
      .run();
  }
  const { id, tenant, name, settings } = stored;
  return { id, tenant, name, settings, secret } as ResolvedDestination;
}

function toStored(row: DestinationRow): StoredDestination {
  return {
    id: row.id,
    tenant: row.tenant,
    name: row.name,
    settings: destinationSettingsSchema.parse(JSON.parse(row.settings)),
    sealedSecret: row.sealed_secret,
  };
}

/** Settings as listings show them: a URL of a row stored before endpoints were checked loses its userinfo. */
function toView(row: DestinationRow): DestinationView {
  const settings = destinationSettingsSchema.parse(JSON.parse(row.settings));
  if (settings.kind === "s3" && settings.endpoint) settings.endpoint = withoutUserinfo(settings.endpoint);
  if (settings.kind === "azure") settings.containerUrl = withoutUserinfo(settings.containerUrl);
  return {
    id: row.id,
    tenant: row.tenant,
    name: row.name,
    created_at: new Date(row.created_at).toISOString(),
    settings,
  };
}
