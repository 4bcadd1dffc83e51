/**
 * The package as a consumer gets it: built from src into a temporary node_modules/@audiogum/client (package.json,
 * README and dist only, as `files` says), its declarations type-check a consumer with no zod and no repository
 * in reach (skipLibCheck off: they are self-contained), and plain Node imports both entry points and sends
 * events with them, staying alive while a flush waits out a Retry-After.
 * @module
 */
import { spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorAnswer, type FakeCollector, startFakeCollector } from "./support/fake-collector.js";

const PACKAGE = fileURLToPath(new URL("..", import.meta.url));

let project: string;
let fake: FakeCollector;

beforeAll(async () => {
  project = await mkdtemp(path.join(tmpdir(), "client-package-"));
  const installed = path.join(project, "node_modules", "@audiogum", "client");
  await mkdir(installed, { recursive: true });
  await cp(path.join(PACKAGE, "package.json"), path.join(installed, "package.json"));
  await cp(path.join(PACKAGE, "README.md"), path.join(installed, "README.md"));
  build(path.join(installed, "dist"));
  await writeFile(path.join(project, "package.json"), JSON.stringify({ type: "module" }));
  fake = await startFakeCollector();
}, 60_000);

afterAll(async () => {
  await fake?.close();
  if (project) await rm(project, { recursive: true, force: true });
});

/** `npm run build` of clients/js, into `outDir`. */
function build(outDir: string): void {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(PACKAGE, "tsconfig.build.json"),
    { outDir },
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
      },
    },
  );
  if (!config) throw new Error("cannot read tsconfig.build.json");
  const program = ts.createProgram(config.fileNames, config.options);
  const result = program.emit();
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
  expect(diagnostics.map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"))).toEqual([]);
}

function typeErrors(file: string): string[] {
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
    types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const where = diagnostic.file ? `${path.relative(project, diagnostic.file.fileName)}: ` : "";
    return where + ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
  });
}

describe("the published package", () => {
  it("has declarations that stand alone and type a consumer's events", async () => {
    const consumer = path.join(project, "consumer.ts");
    await writeFile(
      consumer,
      `import { createClient, memoryStorage, type TrackEvent } from "@audiogum/client";
import { fileStorage } from "@audiogum/client/node";
const client = createClient({
  url: "http://127.0.0.1:1",
  token: "t",
  storage: Math.random() > 2 ? fileStorage({ directory: "/tmp/x" }) : memoryStorage(),
  device: { client: "c", clientversion: "1", platform: "p", platformversion: "1", devicename: "d", devicemanufacturer: "m" },
});
const event: TrackEvent = { type: "playevent", action: "start", source: "aux" };
await client.track(event);
// @ts-expect-error a profile event needs a target
await client.track({ type: "profileevent", action: "like" });
`,
    );
    expect(typeErrors(consumer)).toEqual([]);
  }, 60_000);

  it("runs in plain Node from both entry points", async () => {
    const script = path.join(project, "send.mjs");
    await writeFile(
      script,
      `import { createClient } from "@audiogum/client";
import { fileStorage } from "@audiogum/client/node";
const client = createClient({
  url: process.argv[2],
  token: "t",
  storage: fileStorage({ directory: process.argv[3] }),
  device: { client: "c", clientversion: "1", platform: "node", platformversion: process.version, devicename: "d", devicemanufacturer: "m" },
});
await client.track({ type: "navigationevent", targetpage: "home" });
await client.track({ type: "authevent", action: "signout" });
await client.flush();
console.log(JSON.stringify({ queued: await client.queued() }));
await client.close();
`,
    );
    // flush() waits out the 503's Retry-After: its timer must keep Node running meanwhile.
    fake.script = [errorAnswer(503, "queue_unavailable", {}, 1)];
    const output = await run(process.execPath, [script, fake.url, path.join(project, "storage")]);
    expect(JSON.parse(output)).toEqual({ queued: 0 });
    expect(fake.accepted.map((event) => event.type)).toEqual(["navigationevent", "authevent"]);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0]?.headers["content-encoding"]).toBe("gzip");
  });
});

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: project, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`exit ${code}: ${stderr}`))));
  });
}
