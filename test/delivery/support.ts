/**
 * Helpers of the delivery tests: admin requests to the real Worker, a destination added through them, and a
 * stand-in delivery queue that records what is sent instead of delivering it.
 * @module
 */
import { env } from "cloudflare:test";
import { callWorker } from "../support/ingest.js";

export const ADMIN = { authorization: "Bearer test-admin-token" };
export const S3_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

export function admin(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = ADMIN,
): Promise<Response> {
  const init: RequestInit = {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
  };
  if (body !== undefined) init.body = JSON.stringify(body);
  return callWorker(new Request(`https://collector.test${path}`, init));
}

export function s3Input(name = "landing", overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: "s3",
    name,
    bucket: "customer-bucket",
    region: "eu-west-1",
    endpoint: "https://s3.customer.test",
    prefix: "audiogum/",
    accessKeyId: "AKIAIOSFODNN7EXAMPLE",
    secretAccessKey: S3_SECRET,
    ...overrides,
  };
}

/** Adds a destination through the admin route and returns its id. */
export async function addDestination(tenant: string, input: Record<string, unknown> = s3Input()): Promise<string> {
  const response = await admin("POST", `/admin/tenants/${tenant}/destinations`, input);
  if (response.status !== 201) throw new Error(`add destination: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { destination: { id: string } }).destination.id;
}

export interface SentDeliveries {
  queue: Queue;
  bodies: string[];
  tasks(): Array<{ file: string; destination: string }>;
}

export function recordingDeliveries(options: { fail?: boolean } = {}): SentDeliveries {
  const bodies: string[] = [];
  const queue = {
    send: async (body: unknown) => {
      if (options.fail) throw new Error("simulated queue outage");
      bodies.push(body as string);
    },
    sendBatch: async (messages: Iterable<MessageSendRequest>) => {
      if (options.fail) throw new Error("simulated queue outage");
      for (const message of messages) bodies.push(message.body as string);
    },
  } as unknown as Queue;
  return {
    queue,
    bodies,
    tasks: () =>
      bodies.map((body) => {
        const { file, destination } = JSON.parse(body) as { file: string; destination: string };
        return { file, destination };
      }),
  };
}

export async function deliveryRow(file: string, destination: string) {
  return env.DB.prepare("SELECT * FROM deliveries WHERE file_key = ?1 AND destination_id = ?2")
    .bind(file, destination)
    .first<{
      state: string;
      attempts: number;
      last_error: string | null;
      delivered_at: number | null;
      updated_at: number;
    }>();
}
