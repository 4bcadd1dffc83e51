/**
 * A real S3-compatible server for tests: s3rver on a loopback port, storing in a temporary folder so it can be
 * stopped (a destination's outage) and started again with the same objects. It checks access key ids
 * (S3RVER is the one it knows) but, unlike AWS, not SigV4 signatures.
 * @module
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { AwsClient } from "aws4fetch";
import S3rver from "s3rver";
import { freePort } from "./free-port.js";

export const S3RVER_KEY = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

export interface LocalS3 {
  endpoint: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Every key in the bucket under the prefix, sorted. */
  keys(bucket: string, prefix?: string): Promise<string[]>;
  get(bucket: string, key: string): Promise<{ bytes: Uint8Array; contentType: string | null }>;
  dispose(): Promise<void>;
}

export async function startLocalS3(buckets: readonly string[]): Promise<LocalS3> {
  const port = await freePort();
  const directory = await mkdtemp(path.join(tmpdir(), "s3rver-"));
  const client = new AwsClient({ ...S3RVER_KEY, service: "s3", region: "us-east-1", retries: 0 });
  const endpoint = `http://127.0.0.1:${port}`;
  let server: S3rver | undefined;
  const local: LocalS3 = {
    endpoint,
    async start() {
      server = new S3rver({
        port,
        address: "127.0.0.1",
        silent: true,
        directory,
        configureBuckets: buckets.map((name) => ({ name })),
      });
      await server.run();
    },
    async stop() {
      await server?.close();
      server = undefined;
    },
    async keys(bucket, prefix = "") {
      const response = await client.fetch(
        `${endpoint}/${bucket}?list-type=2&max-keys=1000&prefix=${encodeURIComponent(prefix)}`,
      );
      const xml = await response.text();
      return [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((match) => match[1]!).sort();
    },
    async get(bucket, key) {
      const response = await client.fetch(`${endpoint}/${bucket}/${key}`);
      if (!response.ok) throw new Error(`GET ${key}: ${response.status}`);
      return { bytes: new Uint8Array(await response.arrayBuffer()), contentType: response.headers.get("content-type") };
    },
    async dispose() {
      await local.stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
  await local.start();
  return local;
}
