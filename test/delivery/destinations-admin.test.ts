/**
 * The admin routes of destinations: only with the admin token; secrets sealed in D1 and never shown again.
 * @module
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { uniqueTenant } from "../edge/exports-fixtures.js";
import { addDestination, admin, S3_SECRET, s3Input } from "./support.js";

describe("destination admin routes", () => {
  it("refuse requests without the admin token", async () => {
    const tenant = uniqueTenant("dest-auth");
    const response = await admin("GET", `/admin/tenants/${tenant}/destinations`, undefined, {
      authorization: "Bearer wrong",
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
  });

  it("add a destination and list its settings, never its secret", async () => {
    const tenant = uniqueTenant("dest-list");
    const id = await addDestination(tenant);
    const response = await admin("GET", `/admin/tenants/${tenant}/destinations`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain(S3_SECRET);
    expect(JSON.parse(text)).toEqual({
      destinations: [
        {
          id,
          tenant,
          name: "landing",
          created_at: expect.any(String),
          settings: {
            kind: "s3",
            bucket: "customer-bucket",
            region: "eu-west-1",
            endpoint: "https://s3.customer.test",
            prefix: "audiogum/",
            accessKeyId: "AKIAIOSFODNN7EXAMPLE",
          },
          deliveries: { pending: 0, delivered: 0, failed: 0 },
        },
      ],
    });
  });

  it("keep the secret sealed in D1, not in clear", async () => {
    const tenant = uniqueTenant("dest-sealed");
    const id = await addDestination(tenant);
    const row = await env.DB.prepare("SELECT * FROM destinations WHERE id = ?")
      .bind(id)
      .first<Record<string, string>>();
    expect(JSON.stringify(row)).not.toContain(S3_SECRET);
    expect(row?.sealed_secret?.length).toBeGreaterThan(S3_SECRET.length);
  });

  it("refuse an invalid destination with the field at fault, without echoing the secret", async () => {
    const tenant = uniqueTenant("dest-invalid");
    const response = await admin(
      "POST",
      `/admin/tenants/${tenant}/destinations`,
      s3Input("landing", { bucket: "Not A Bucket" }),
    );
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).not.toContain(S3_SECRET);
    expect(JSON.parse(text)).toMatchObject({ error: { code: "invalid_destination", issues: [{ path: "bucket" }] } });
  });

  it("take an Azure destination with exactly the secret its auth needs", async () => {
    const tenant = uniqueTenant("dest-azure");
    const base = {
      kind: "azure",
      name: "blob",
      containerUrl: "https://acct.blob.core.windows.net/exports",
      auth: "sas",
    };
    const missing = await admin("POST", `/admin/tenants/${tenant}/destinations`, { ...base, accountKey: "a2V5" });
    expect(missing.status).toBe(400);
    expect(await addDestination(tenant, { ...base, sasToken: "?sv=2022-11-02&sig=abc" })).toEqual(expect.any(String));
  });

  it("refuse a second destination of the same name, and remove one with its name", async () => {
    const tenant = uniqueTenant("dest-remove");
    await addDestination(tenant);
    expect((await admin("POST", `/admin/tenants/${tenant}/destinations`, s3Input())).status).toBe(409);
    expect((await admin("DELETE", `/admin/tenants/${tenant}/destinations/landing`)).status).toBe(200);
    expect((await admin("DELETE", `/admin/tenants/${tenant}/destinations/landing`)).status).toBe(404);
    const listed = (await (await admin("GET", `/admin/tenants/${tenant}/destinations`)).json()) as {
      destinations: unknown[];
    };
    expect(listed.destinations).toEqual([]);
  });
});
