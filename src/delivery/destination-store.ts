/**
 * The D1 statements over the destinations table: add, list, remove, and load one with its secret opened.
 * @module
 */
import type { DestinationSettings, DestinationView, ResolvedDestination } from "../core/delivery/destination.js";
import { destinationSettingsSchema } from "../core/delivery/destination.js";
import { openSecret } from "../core/delivery/secret-box.js";

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

export async function findDestinationByName(
  db: D1Database,
  tenant: string,
  name: string,
  key: Uint8Array,
): Promise<ResolvedDestination | undefined> {
  const row = await db
    .prepare("SELECT * FROM destinations WHERE tenant = ?1 AND name = ?2")
    .bind(tenant, name)
    .first<DestinationRow>();
  return row ? resolve(row, key) : undefined;
}

export async function findDestinationById(
  db: D1Database,
  id: string,
  key: Uint8Array,
): Promise<ResolvedDestination | undefined> {
  const row = await db.prepare("SELECT * FROM destinations WHERE id = ?1").bind(id).first<DestinationRow>();
  return row ? resolve(row, key) : undefined;
}

async function resolve(row: DestinationRow, key: Uint8Array): Promise<ResolvedDestination> {
  const secret = await openSecret(key, row.sealed_secret, row.id);
  const settings = destinationSettingsSchema.parse(JSON.parse(row.settings));
  return { id: row.id, tenant: row.tenant, name: row.name, settings, secret } as ResolvedDestination;
}

function toView(row: DestinationRow): DestinationView {
  return {
    id: row.id,
    tenant: row.tenant,
    name: row.name,
    created_at: new Date(row.created_at).toISOString(),
    settings: destinationSettingsSchema.parse(JSON.parse(row.settings)),
  };
}
