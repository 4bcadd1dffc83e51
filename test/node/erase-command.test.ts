/**
 * `npm run erase` against a stand-in collector on loopback that answers the admin erasure routes from a script:
 * the erasure is started with the user, suppress and who asked; with --wait it is followed until done or failed,
 * each change told once on stderr and the last status printed as JSON; a status request that fails is tried again;
 * bad usage exits 2.
 * @module
 */
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  type ErasureStatusAnswer,
  followErasure,
  progressLine,
  startErasure,
} from "../../scripts/erase/run-erasure.js";
import type { AdminTarget } from "../../scripts/lib/admin-client.js";
import { nodeModule, PROJECT_ROOT } from "../../scripts/lib/project-paths.js";

const TOKEN = "stand-in-admin-token";
const ID = "6f1c1f57-2b4e-4c5e-9f1a-0d1e2f3a4b5c";

interface StandIn {
  /** The answers to GET …/erasures/{id}, in order; the last repeats. A number answers that status. */
  statuses: Array<ErasureStatusAnswer | number>;
  posts: Array<{ path: string; authorization: string | undefined; body: unknown }>;
  gets: string[];
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function status(state: ErasureStatusAnswer["status"], counts: Partial<ErasureStatusAnswer["counts"]> = {}) {
  return {
    id: ID,
    tenant: "acme",
    status: state,
    userid_sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    suppress: true,
    requestedby: "admin-token",
    counts: {
      files_listed: 0,
      files_examined: 0,
      files_holding_user: 0,
      files_rewritten: 0,
      files_deleted: 0,
      lines_removed: 0,
      destination_objects_replaced: 0,
      dead_letters_rewritten: 0,
      parquet_files_rewritten: 0,
      parquet_files_deleted: 0,
      parquet_rows_removed: 0,
      ...counts,
    },
    error: state === "failed" ? "R2 refused the put" : null,
    requested_at: "2026-11-30T04:00:00.000Z",
    started_at: null,
    updated_at: "2026-11-30T04:00:00.000Z",
    finished_at: null,
  } satisfies ErasureStatusAnswer;
}

async function startStandIn(standIn: StandIn): Promise<AdminTarget> {
  const server: Server = createServer(async (request, response) => {
    let text = "";
    for await (const chunk of request) text += String(chunk);
    const url = new URL(request.url ?? "/", "http://stand-in");
    const answer = (code: number, body: unknown) => {
      response.writeHead(code, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (request.headers.authorization !== `Bearer ${TOKEN}`) return answer(401, { error: { code: "unauthorized" } });
    if (request.method === "POST" && url.pathname === "/admin/tenants/acme/erasures") {
      standIn.posts.push({ path: url.pathname, authorization: request.headers.authorization, body: JSON.parse(text) });
      return answer(202, { id: ID, status: "pending" });
    }
    if (request.method === "GET" && url.pathname === `/admin/tenants/acme/erasures/${ID}`) {
      standIn.gets.push(url.pathname);
      const next = standIn.statuses.length > 1 ? standIn.statuses.shift()! : standIn.statuses[0]!;
      if (typeof next === "number") return answer(next, { error: { code: "temporarily_unavailable", message: "x" } });
      return answer(200, next);
    }
    return answer(404, { error: { code: "not_found", message: "no such route" } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: TOKEN };
}

function standIn(statuses: StandIn["statuses"]): StandIn {
  return { statuses, posts: [], gets: [] };
}

const noWait = async () => undefined;

describe("starting an erasure", () => {
  it("POSTs the user, whether to suppress and who asked, with the admin token", async () => {
    const stand = standIn([status("pending")]);
    const target = await startStandIn(stand);
    const id = await startErasure(target, {
      tenant: "acme",
      userid: "user-1",
      suppress: false,
      requestedby: "ticket-42",
    });
    expect(id).toBe(ID);
    expect(stand.posts).toEqual([
      {
        path: "/admin/tenants/acme/erasures",
        authorization: `Bearer ${TOKEN}`,
        body: { userid: "user-1", suppress: false, requestedby: "ticket-42" },
      },
    ]);
  });
});

describe("following an erasure", () => {
  it("asks until it is done and tells each change of status or counts once", async () => {
    const running = status("running", { files_listed: 1000, files_examined: 3 });
    const stand = standIn([
      status("pending"),
      running,
      running,
      status("running", { files_listed: 1000, files_examined: 11, files_holding_user: 10, lines_removed: 212 }),
      status("done", { files_listed: 1000, files_examined: 11, files_holding_user: 10, lines_removed: 212 }),
    ]);
    const target = await startStandIn(stand);
    const progress: string[] = [];
    const last = await followErasure(target, "acme", ID, {
      intervalMs: 1,
      sleep: noWait,
      progress: (line) => progress.push(line),
    });
    expect(last.status).toBe("done");
    expect(stand.gets).toHaveLength(5);
    expect(progress).toHaveLength(4);
    expect(progress[1]).toBe(
      `erasure ${ID}: running, 1000 files listed, 3 examined, 0 holding the user (0 rewritten, 0 deleted), ` +
        "0 lines removed, 0 destination objects replaced, 0 dead letters rewritten",
    );
    expect(progress[3]).toMatch(/: done, 1000 files listed, 11 examined, 10 holding the user .* 212 lines removed/);
  });

  it("ends at a failed erasure, telling its error", async () => {
    const target = await startStandIn(standIn([status("running"), status("failed")]));
    const progress: string[] = [];
    const last = await followErasure(target, "acme", ID, {
      intervalMs: 1,
      sleep: noWait,
      progress: (line) => progress.push(line),
    });
    expect(last.status).toBe("failed");
    expect(progress.at(-1)).toBe(`${progressLine(status("failed"))}`);
    expect(progress.at(-1)).toMatch(/: failed, .*; error: R2 refused the put$/);
  });

  it("tries a status request that fails again, and gives up after too many in a row", async () => {
    const passing = await startStandIn(standIn([503, 503, status("done")]));
    const progress: string[] = [];
    const options = { intervalMs: 1, sleep: noWait, progress: (line: string) => progress.push(line) };
    expect((await followErasure(passing, "acme", ID, options)).status).toBe("done");
    expect(progress.filter((line) => line.startsWith("status request failed"))).toHaveLength(2);

    const failing = await startStandIn(standIn([503]));
    await expect(followErasure(failing, "acme", ID, { ...options, failuresAllowed: 2 })).rejects.toThrow(
      /answered 503/,
    );
  });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run erase -- …` as the operator would (tsx, the project's own), with no ADMIN_TOKEN of the shell. */
function erase(args: string[]): Promise<Run> {
  const env = { ...process.env };
  delete env.ADMIN_TOKEN;
  delete env.COLLECTOR_URL;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [nodeModule("tsx", "dist", "cli.mjs"), path.join(PROJECT_ROOT, "scripts", "erase.ts"), ...args],
      { cwd: PROJECT_ROOT, env, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("npm run erase", () => {
  it("--wait follows the erasure to done: progress on stderr, the last status as JSON on stdout, exit 0", async () => {
    const stand = standIn([status("running", { files_listed: 4 }), status("done", { lines_removed: 8 })]);
    const target = await startStandIn(stand);
    const run = await erase([
      ...["--tenant", "acme", "--user", "user-1", "--no-suppress", "--wait", "--interval", "0.01"],
      ...["--url", target.url, "--token", TOKEN],
    ]);
    expect(run.code).toBe(0);
    expect(stand.posts.map((post) => post.body)).toEqual([{ userid: "user-1", suppress: false }]);
    expect(JSON.parse(run.stdout)).toMatchObject({ id: ID, status: "done", counts: { lines_removed: 8 } });
    expect(run.stderr).toContain(`Erasure ${ID} of tenant acme queued (not suppressing the user).`);
    expect(run.stderr).toContain(`erasure ${ID}: running, 4 files listed`);
    expect(run.stderr).toContain(`erasure ${ID}: done`);
  });

  it("--watch follows an erasure already started, and exits 1 when it failed", async () => {
    const stand = standIn([status("failed")]);
    const target = await startStandIn(stand);
    const run = await erase(["--tenant", "acme", "--watch", ID, "--url", target.url, "--token", TOKEN]);
    expect(run.code).toBe(1);
    expect(stand.posts).toEqual([]);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: "failed", error: "R2 refused the put" });
  });

  it("exits 2 with the usage when the user is missing, and prints the usage for -h", async () => {
    const missing = await erase(["--tenant", "acme", "--url", "http://127.0.0.1:9", "--token", TOKEN]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--user is required[\s\S]*Usage:/);
    const help = await erase(["-h"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage:[\s\S]*--no-suppress/);
  });
});
