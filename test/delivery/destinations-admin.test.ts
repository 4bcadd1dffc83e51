/**
 * The admin routes of destinations: only with the admin token; secrets sealed in D1 and never shown again; an
 * endpoint the collector may not send to is refused when added and when tested, before any request.
 * @module
 */
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { uniqueTenant } from "../support/tenants.js";
import {
  addDestination,
  admin,
  changeStoredSettings,
  S3_SECRET,
  s3Input,
  storageAnswers,
} from "../support/destinations.js";

afterEach(() => vi.restoreAllMocks());

interface ErrorAnswer {
  error: { code: string; message: string; issues: Array<{ path: string; message: string }> };
}

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

describe("destinations the collector may not send to", () => {
  const azureInput = (containerUrl: string) => ({
    kind: "azure",
    name: "blob",
    containerUrl,
    auth: "sas",
    sasToken: "sv=2022-11-02&sig=abc",
  });

  it.each([
    [s3Input("landing", { endpoint: "http://s3.customer.test" }), "endpoint: http is refused; destinations use https"],
    [s3Input("landing", { endpoint: "https://AKIA:hunter2@s3.customer.test" }), "endpoint: must not hold a user name"],
    [s3Input("landing", { endpoint: "https://127.0.0.1:9000" }), "endpoint: 127.0.0.1 is a loopback address"],
    [s3Input("landing", { endpoint: "https://2130706433/" }), "endpoint: 127.0.0.1 is a loopback address"],
    [s3Input("landing", { endpoint: "https://0x7f.1/" }), "endpoint: 127.0.0.1 is a loopback address"],
    [s3Input("landing", { endpoint: "https://169.254.169.254" }), "endpoint: 169.254.169.254 is a link-local address"],
    [s3Input("landing", { endpoint: "https://10.0.0.5" }), "endpoint: 10.0.0.5 is a private address (10.0.0.0/8)"],
    [s3Input("landing", { endpoint: "https://[::ffff:192.168.0.1]" }), "an IPv4-mapped address, of a private"],
    [s3Input("landing", { endpoint: "https://[fd00::5]" }), "a unique local (private) address"],
    [s3Input("landing", { endpoint: "https://8.8.8.8" }), "8.8.8.8 is an IP address; give the storage's host name"],
    [s3Input("landing", { endpoint: "https://localhost" }), "endpoint: localhost is a name for the local machine"],
    [s3Input("landing", { endpoint: "https://minio.internal" }), "minio.internal is a name for the local machine"],
    [azureInput("http://acct.blob.core.windows.net/c"), "containerUrl: http is refused"],
    [azureInput("https://127.0.0.1:10000/devstoreaccount1/c"), "containerUrl: 127.0.0.1 is a loopback address"],
  ])("are refused when added: %j", async (input, expected) => {
    const tenant = uniqueTenant("dest-unsafe");
    const storage = storageAnswers(() => new Response(null, { status: 200 }));
    const response = await admin("POST", `/admin/tenants/${tenant}/destinations`, input);
    expect(response.status).toBe(400);
    const text = await response.text();
    const { error } = JSON.parse(text) as ErrorAnswer;
    expect(error.code).toBe("invalid_destination");
    expect(error.message).toContain(expected);
    expect(error.issues).toEqual([
      { path: input.kind === "azure" ? "containerUrl" : "endpoint", message: expect.any(String) },
    ]);
    expect(text).not.toContain("hunter2");
    expect(storage.requests).toEqual([]);
    const listed = (await (await admin("GET", `/admin/tenants/${tenant}/destinations`)).json()) as {
      destinations: unknown[];
    };
    expect(listed.destinations).toEqual([]);
  });

  it("are refused when tested after the row was changed in D1, before any request", async () => {
    const tenant = uniqueTenant("dest-changed");
    const id = await addDestination(tenant);
    await changeStoredSettings(id, { endpoint: "http://169.254.169.254" });
    const storage = storageAnswers(() => new Response(null, { status: 200 }));
    const response = await admin("POST", `/admin/tenants/${tenant}/destinations/landing/test`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorAnswer).error).toMatchObject({
      code: "invalid_destination",
      message:
        "endpoint: http is refused; destinations use https (http only to a loopback emulator, with DELIVERY_ALLOW_LOOPBACK_ENDPOINTS=true)",
      issues: [{ path: "endpoint" }],
    });
    expect(storage.requests).toEqual([]);
  });

  it("do not get the secret when the row's endpoint or bucket was changed to another public one", async () => {
    const tenant = uniqueTenant("dest-moved");
    const id = await addDestination(tenant);
    const storage = storageAnswers(() => new Response(null, { status: 200 }));
    for (const change of [{ endpoint: "https://collector-of-secrets.example" }, { bucket: "someone-elses-bucket" }]) {
      await changeStoredSettings(id, change);
      const response = await admin("POST", `/admin/tenants/${tenant}/destinations/landing/test`);
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorAnswer).error).toMatchObject({
        code: "invalid_destination",
        issues: [{ path: "secret", message: expect.stringMatching(/does not open for this destination's endpoint/) }],
      });
      await changeStoredSettings(id, { endpoint: "https://s3.customer.test", bucket: "customer-bucket" });
    }
    expect(storage.requests).toEqual([]);
    // Back as it was sealed, it is tested as usual.
    const restored = await admin("POST", `/admin/tenants/${tenant}/destinations/landing/test`);
    expect(restored.status).toBe(200);
    expect(storage.requests.map((request) => new URL(request.url).host)).toEqual([
      "s3.customer.test",
      "s3.customer.test",
    ]);
  });
});

describe("destination URLs stored with userinfo before endpoints were checked", () => {
  async function storeRowWithUserinfo(tenant: string): Promise<string> {
    const id = crypto.randomUUID();
    const {
      name: _name,
      secretAccessKey: _secret,
      ...settings
    } = s3Input("old", {
      endpoint: "https://AKIA:hunter2@s3.customer.test/base",
    });
    await env.DB.prepare(
      "INSERT INTO destinations (id, tenant, name, kind, settings, sealed_secret, created_at) VALUES (?1, ?2, 'old', 's3', ?3, 'x', 0)",
    )
      .bind(id, tenant, JSON.stringify(settings))
      .run();
    return id;
  }

  it("are listed without it", async () => {
    const tenant = uniqueTenant("dest-userinfo");
    await storeRowWithUserinfo(tenant);
    const text = await (await admin("GET", `/admin/tenants/${tenant}/destinations`)).text();
    expect(text).not.toContain("hunter2");
    expect(text).toContain('"endpoint":"https://s3.customer.test/base"');
  });

  it("lose it in D1 by migration 0009", async () => {
    const tenant = uniqueTenant("dest-migrated");
    const id = await storeRowWithUserinfo(tenant);
    const migration = env.TEST_MIGRATIONS.find((each) => each.name.startsWith("0009_"))!;
    for (const query of migration.queries) await env.DB.prepare(query).run();
    const row = await env.DB.prepare("SELECT settings FROM destinations WHERE id = ?1")
      .bind(id)
      .first<{ settings: string }>();
    expect(JSON.parse(row!.settings)).toMatchObject({ endpoint: "https://s3.customer.test/base" });
  });
});
