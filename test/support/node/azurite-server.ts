/**
 * A real Azure Blob endpoint for tests: Azurite's blob service on a loopback port, in memory, with its
 * well-known development account (devstoreaccount1, whose key Azure documents for the emulator).
 * @module
 */
import { spawn, type ChildProcess } from "node:child_process";
import { nodeModule } from "../../../scripts/lib/project-paths.js";
import { sharedKeyAuthorization } from "../../../src/delivery/azure-shared-key.js";
import { freePort } from "./free-port.js";

const AZURITE_BLOB = nodeModule("azurite", "dist", "src", "blob", "main.js");

export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface LocalAzure {
  /** http://127.0.0.1:{port}/devstoreaccount1 */
  accountUrl: string;
  createContainer(name: string): Promise<void>;
  keys(container: string): Promise<string[]>;
  get(container: string, key: string): Promise<{ bytes: Uint8Array; contentType: string | null }>;
  stop(): Promise<void>;
}

export async function startLocalAzure(): Promise<LocalAzure> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      AZURITE_BLOB,
      "--blobHost",
      "127.0.0.1",
      "--blobPort",
      String(port),
      "--inMemoryPersistence",
      "--silent",
      "--skipApiVersionCheck",
      "--disableProductStyleUrl",
    ],
    { stdio: "ignore" },
  );
  const accountUrl = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  const request = async (method: string, pathAndQuery: string): Promise<Response> => {
    const url = new URL(`${accountUrl}${pathAndQuery}`);
    const headers: Record<string, string> = { "x-ms-date": new Date().toUTCString(), "x-ms-version": "2021-12-02" };
    headers.authorization = await sharedKeyAuthorization(
      { method, url, headers, contentLength: 0 },
      AZURITE_ACCOUNT,
      AZURITE_KEY,
    );
    return fetch(url, { method, headers });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await (await fetch(`${accountUrl}?comp=list`)).body?.cancel();
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    accountUrl,
    async createContainer(name) {
      const response = await request("PUT", `/${name}?restype=container`);
      if (response.status !== 201)
        throw new Error(`create container ${name}: ${response.status} ${await response.text()}`);
    },
    async keys(container) {
      const response = await request("GET", `/${container}?restype=container&comp=list`);
      const xml = await response.text();
      return [...xml.matchAll(/<Name>([^<]*)<\/Name>/g)].map((match) => match[1]!).sort();
    },
    async get(container, key) {
      const response = await request("GET", `/${container}/${key}`);
      if (!response.ok) throw new Error(`GET ${key}: ${response.status}`);
      return { bytes: new Uint8Array(await response.arrayBuffer()), contentType: response.headers.get("content-type") };
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
