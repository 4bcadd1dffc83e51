/**
 * Builds the SQL of `npm run tenant` from validated settings. wrangler's `d1 execute --command` takes no bound
 * parameters, so every value is checked against the settings schema and quoted as a SQL literal here.
 * @module
 */
import { isValidTenant } from "../../src/core/tenants/tenant-name.js";
import {
  columnsOfSettings,
  type TenantColumnValue,
  type TenantSettings,
  tenantSettingsSchema,
} from "../../src/core/tenants/tenant-settings.js";

export type SettingsChange = Partial<TenantSettings>;

export function addTenantSql(tenant: string, settings: TenantSettings, now: number): string {
  assertTenant(tenant);
  const columns = columnsOfSettings(tenantSettingsSchema.parse(settings));
  const names = ["tenant", ...Object.keys(columns), "updated_at"];
  const values = [sqlText(tenant), ...Object.values(columns).map(sqlValue), String(now)];
  return `INSERT INTO tenants (${names.join(", ")}) VALUES (${values.join(", ")}) ON CONFLICT (tenant) DO NOTHING RETURNING tenant;`;
}

export function setTenantSql(tenant: string, change: SettingsChange, now: number): string {
  assertTenant(tenant);
  const columns = columnsOfSettings(tenantSettingsSchema.partial().parse(change));
  const assignments = Object.entries(columns).map(([name, value]) => `${name} = ${sqlValue(value)}`);
  if (assignments.length === 0) throw new Error("Nothing to change: give at least one setting.");
  assignments.push(`updated_at = ${now}`);
  return `UPDATE tenants SET ${assignments.join(", ")} WHERE tenant = ${sqlText(tenant)} RETURNING tenant;`;
}

/** Every tenant with the events it has had exported this UTC month (month_events; NULL for none yet). */
export const LIST_TENANTS_SQL = `SELECT tenants.*, (SELECT SUM(events_exported) FROM tenant_day_usage
    WHERE tenant_day_usage.tenant = tenants.tenant
      AND day BETWEEN strftime('%Y-%m-01', 'now') AND strftime('%Y-%m-31', 'now')) AS month_events
  FROM tenants ORDER BY tenants.tenant;`;

function assertTenant(tenant: string): void {
  if (!isValidTenant(tenant)) throw new Error(`${JSON.stringify(tenant)} is not a valid tenant name.`);
}

function sqlValue(value: TenantColumnValue): string {
  if (value === null) return "NULL";
  // A number has passed the schema: a whole number, so its decimal digits are the literal.
  if (typeof value === "number") return String(value);
  return sqlText(value);
}

function sqlText(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
