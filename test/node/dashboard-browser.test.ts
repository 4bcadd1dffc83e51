/**
 * The dashboard in real headless Chromium (Debian's `chromium`, driven by playwright-core) against the real
 * Worker run locally by wrangler: sign in with a token, watch the live view receive posted events, see the
 * counts in the realtime, daily and monthly views and the rejected events in the quality view, list and download an export file, and fit a phone's width,
 * with no error in the browser's console. Screenshots go to test/artifacts/ (gitignored).
 * Skips, saying so, when no Chromium is installed (.ci/run installs it).
 * @module
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { type LocalCollector, startLocalCollector } from "../support/node/local-collector.js";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = fileURLToPath(new URL("../artifacts/", import.meta.url));
const TENANT = `dash-${Date.now().toString(36)}`;
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`dashboard-browser: SKIPPED, no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);

let collector: LocalCollector;
let context: BrowserContext;
let page: Page;
let profile: string;
const consoleErrors: string[] = [];
async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true });
}

/** Opens a view again until its totals show `events` (the queue consumer writes rollups within seconds). */
async function waitForTotal(view: "realtime" | "daily" | "monthly", events: number): Promise<void> {
  const label = { realtime: "Real time", daily: "Daily", monthly: "Monthly" }[view];
  await expect
    .poll(
      async () => {
        await page.getByRole("tab", { name: label }).click();
        await page.waitForSelector(`#${view}-totals[data-events]`);
        return page.getAttribute(`#${view}-totals`, "data-events");
      },
      { timeout: 45_000, interval: 1_000 },
    )
    .toBe(String(events));
}

describe.skipIf(!hasChromium)("the dashboard in headless Chromium", () => {
  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    collector = await startLocalCollector();
    profile = await mkdtemp(path.join(tmpdir(), "chromium-profile-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      acceptDownloads: true,
      viewport: { width: 1280, height: 900 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(String(error)));
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await collector?.stop();
    for (const folder of [profile, collector?.folder]) if (folder) await rm(folder, { recursive: true, force: true });
  });

  it("signs in with a pasted token, kept in the session and never in the URL", async () => {
    await page.goto(new URL("/dashboard", collector.url).href);
    await screenshot("1-signin");
    const token = await collector.token(TENANT, "exports:read");
    await page.getByLabel("token").fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.textContent("#who")).toContain(`Tenant ${TENANT}`);
    expect(page.url()).not.toContain(token);
    // Expressions as text: they run in the page, whose DOM types this Node project does not load.
    expect(await page.evaluate<string[]>("Object.values(sessionStorage)")).toContain(token);
  }, 60_000);

  it("shows posted events in the live view as they arrive", async () => {
    await page.getByRole("tab", { name: "Live events" }).click();
    await expect
      .poll(() => page.textContent("#live-status"), { timeout: 15_000 })
      .toContain("Connected · showing all types");
    const posted = await collector.postSeedEvents(TENANT);
    await expect.poll(() => page.textContent("#live-count"), { timeout: 15_000 }).toBe(String(posted));
    expect(await page.locator("#live-rows tr").first().textContent()).toContain("voiceevent");
    await screenshot("2-live");
  }, 60_000);

  it("shows the events counted in the realtime, daily and monthly views", async () => {
    const total = seedEvents().length;
    await waitForTotal("realtime", total);
    const playRow = page.locator('#realtime-tables [data-dimension="type"] tr', { hasText: "playevent" });
    const plays = seedEvents().filter((event) => event.type === "playevent").length;
    expect(await playRow.locator("td").nth(1).textContent()).toBe(String(plays));
    await screenshot("3-realtime");
    await waitForTotal("daily", total);
    await screenshot("4-daily");
    await waitForTotal("monthly", total);
    await screenshot("5-monthly");
  }, 150_000);

  it("switches the daily view to count by when events happened (?time=event)", async () => {
    await page.getByRole("tab", { name: "Daily" }).click();
    await page.selectOption("#daily-time", "event");
    await expect.poll(() => page.getAttribute("#daily-totals", "data-time"), { timeout: 15_000 }).toBe("event");
    // The seed events' localtime (2016) is past the event-time window: they happened, as far as anyone knows, when
    // received, so they count on the same day.
    expect(await page.getAttribute("#daily-totals", "data-events")).toBe(String(seedEvents().length));
    expect(await page.textContent("#daily-status")).toContain("counted by when events happened");
    await screenshot("5b-daily-event-time");
  }, 60_000);

  it("shows rejected events in the quality view: their rate, failing paths and client versions, an example", async () => {
    const play = seedEvents().find((event) => event.type === "playevent")!;
    const invalid = { ...play, sequencenumber: 100_002, clientversion: "9.9.9", playable: { id: 42 } };
    await collector.postEvents(TENANT, [{ ...play, sequencenumber: 100_001 }, invalid]);
    await expect
      .poll(
        async () => {
          await page.getByRole("tab", { name: "Quality" }).click();
          await page.waitForSelector("#quality-totals[data-rejected]");
          const examples = await page.locator("#quality-example-rows button").count();
          return `${await page.getAttribute("#quality-totals", "data-rejected")} rejected, ${examples} example`;
        },
        { timeout: 45_000, interval: 1_000 },
      )
      .toBe("1 rejected, 1 example");
    expect(await page.locator('#quality-tables [data-quality="path"]').textContent()).toContain("playable.id");
    expect(await page.locator('#quality-tables [data-quality="clientversion"]').textContent()).toContain("9.9.9");
    await page.locator("#quality-example-rows button").first().click();
    await expect.poll(() => page.locator("#quality-example-rows pre").first().textContent()).toContain("playable.id");
    await screenshot("5c-quality");
  }, 90_000);

  it("lists the export files and downloads one with the token, not through a link that carries it", async () => {
    await page.getByRole("tab", { name: "Export files" }).click();
    await expect.poll(() => page.locator("#exports-rows button").count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await screenshot("6-exports");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator("#exports-rows button").first().click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.jsonl\.gz$/);
    expect(download.url()).toMatch(/^blob:/);
  }, 60_000);

  it("fits a phone's width", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole("tab", { name: "Real time" }).click();
    await page.waitForSelector("#realtime-totals[data-events]");
    const overflow = await page.evaluate<number>(
      "document.documentElement.scrollWidth - document.documentElement.clientWidth",
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot("7-phone");
  }, 60_000);

  it("logged no error in the browser's console", () => {
    expect(consoleErrors).toEqual([]);
  });
});
