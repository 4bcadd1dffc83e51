/**
 * GET /dashboard: the page and its bundled assets come from the Worker, under a CSP that allows nothing inline
 * and nothing from another origin; the page carries no data and no token.
 * @module
 */
import { describe, expect, it } from "vitest";
import { PROTOTYPE_NAMES } from "../support/hostile-values.js";
import { callWorker } from "../support/worker.js";

describe("GET /dashboard", () => {
  it("serves the page with a strict CSP, its scripts and styles from this origin", async () => {
    const response = await callWorker("/dashboard");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    const html = await response.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/dashboard\/assets\/[^"]+)"/g)].map((match) => match[1]!);
    expect(assets.map((asset) => asset.split("?")[0])).toEqual([
      "/dashboard/assets/uplot.css",
      "/dashboard/assets/dashboard.css",
      "/dashboard/assets/uplot.js",
      "/dashboard/assets/dashboard.js",
    ]);
    expect(html).not.toMatch(/<script>|https?:\/\//);
  });

  it.each([
    ["uplot.js", "text/javascript", "uPlot"],
    ["dashboard.js", "text/javascript", "sessionStorage"],
    ["uplot.css", "text/css", ".uplot"],
    ["dashboard.css", "text/css", "@media"],
  ])("serves the asset %s as %s", async (name, type, marker) => {
    const response = await callWorker(`/dashboard/assets/${name}?v=1`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain(type);
    expect(await response.text()).toContain(marker);
  });

  it("answers 404 not_found for an asset it does not have", async () => {
    const response = await callWorker("/dashboard/assets/secrets.json");
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it.each(PROTOTYPE_NAMES)("answers 404 not_found for the asset %s, a name every object inherits", async (name) => {
    for (const asset of [name, `${name}.js`, `uplot.${name}`]) {
      const response = await callWorker(`/dashboard/assets/${asset}`);
      expect(response.status, asset).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: "not_found" } });
    }
  });
});
