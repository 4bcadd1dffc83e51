/**
 * Query strings on every route that reads one: a parameter named like a member of Object.prototype is unknown
 * (400 on the customers' strict routes, ignored on the operators' ones), never "given more than once"; numbers
 * are plain decimal digits only; instants are ISO-8601.
 * @module
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { readerToken } from "../support/tokens.js";
import { PROTOTYPE_NAMES } from "../support/hostile-values.js";
import { callWorker, collectorRequest } from "../support/worker.js";

interface Route {
  name: string;
  method: "GET" | "POST";
  path: string;
  /** Whether an unknown parameter is refused (400) rather than ignored. */
  strict: boolean;
  /** Parameters the route needs to answer 200. */
  needs: string;
}

const ROUTES: readonly Route[] = [
  { name: "exports listing", method: "GET", path: "/v1/exports", strict: true, needs: "" },
  { name: "realtime summary", method: "GET", path: "/v1/summaries/realtime", strict: true, needs: "" },
  { name: "daily summary", method: "GET", path: "/v1/summaries/daily", strict: true, needs: "" },
  { name: "monthly summary", method: "GET", path: "/v1/summaries/monthly", strict: true, needs: "" },
  { name: "redrive", method: "POST", path: "/admin/redrive", strict: false, needs: "" },
  {
    name: "redeliver",
    method: "POST",
    path: "/admin/tenants/query-test/redeliver",
    strict: false,
    needs: "from=2026-01-01&",
  },
];

/** The routes that take a page `limit`. */
const LIMITED = ROUTES.filter((route) => ["exports listing", "redrive", "redeliver"].includes(route.name));

async function call(route: Route, query: string): Promise<Response> {
  const token = route.path.startsWith("/admin") ? env.ADMIN_TOKEN : await readerToken("query-test", "exports:read");
  return callWorker(
    collectorRequest(`${route.path}?${route.needs}${query}`, {
      method: route.method,
      headers: { authorization: `Bearer ${token}` },
    }),
  );
}

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

describe("a query parameter named like a member of Object.prototype", () => {
  it.each(ROUTES)("is an unknown parameter of the $name route, never one given more than once", async (route) => {
    for (const name of PROTOTYPE_NAMES) {
      const response = await call(route, `${encodeURIComponent(name)}=x`);
      if (route.strict) {
        expect(response.status, name).toBe(400);
        const error = await errorOf(response);
        expect(error.code).toBe("invalid_query");
        expect(error.message, name).toMatch(new RegExp(`^Unknown parameter ${name.replace(/[_$]/g, "\\$&")}`));
      } else {
        expect(response.status, `${name}: ${await response.clone().text()}`).toBe(200);
      }
    }
  });

  it("given twice, is named as given more than once", async () => {
    const response = await call(ROUTES[0]!, "constructor=1&constructor=2");
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toMatch(/^constructor is given more than once/);
  });
});

describe("a page limit is plain decimal digits", () => {
  const notDecimal = ["0x10", "0o7", "0b1", "1e3", "+10", "-1", " 10", "10 ", "10.0", "1_0", "Infinity", "١٠", "１０"];

  it.each(LIMITED)("on the $name route: every other way of writing a number is 400 invalid_query", async (route) => {
    for (const limit of notDecimal) {
      const response = await call(route, `limit=${encodeURIComponent(limit)}`);
      expect(response.status, limit).toBe(400);
      const error = await errorOf(response);
      expect(error.code).toBe("invalid_query");
      expect(error.message, limit).toMatch(/^limit must be a whole number from 1 to 1000/);
    }
    expect((await call(route, "limit=010")).status).toBe(200);
  });
});

describe("redrive's before is an ISO-8601 instant", () => {
  const redrive = ROUTES.find((route) => route.name === "redrive")!;

  it.each(["0x10", "1", "Tuesday", "2026-11-30", "2026-11-30T12:00:00", "2026-02-30T00:00:00Z"])(
    "refuses before=%s with 400 invalid_query",
    async (before) => {
      const response = await call(redrive, `before=${encodeURIComponent(before)}`);
      expect(response.status).toBe(400);
      expect(await errorOf(response)).toMatchObject({
        code: "invalid_query",
        message: expect.stringMatching(/^before /),
      });
    },
  );

  it.each(["2026-11-30T12:00:00Z", "2026-11-30T12:00:00.123Z", "2026-11-30T13:00+01:00", ""])(
    "takes before=%s",
    async (before) => {
      expect((await call(redrive, `before=${encodeURIComponent(before)}`)).status).toBe(200);
    },
  );
});

describe("redeliver's days", () => {
  const redeliver = { ...ROUTES.find((route) => route.name === "redeliver")!, needs: "" };

  it.each([
    ["", /^from is required/],
    ["from=2026-02-30", /^from must be a date written YYYY-MM-DD/],
    ["from=2026-01-02&to=2026-01-01", /^from \(2026-01-02\) is after to \(2026-01-01\)/],
    ["from=2026-01-01&from=2026-01-02", /^from is given more than once/],
  ])("?%s is 400 invalid_query", async (query, message) => {
    const response = await call(redeliver, query);
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: "invalid_query", message: expect.stringMatching(message) });
  });
});
