/**
 * Push destinations in the tests: admin requests to the real Worker, a destination added through them or changed
 * behind their back, the delivery tasks a recording delivery queue was sent (test/support/recording-queue.ts), a
 * delivery's row, and a stubbed fetch that plays the customer's storage.
 * @module
 */
import { env } from "cloudflare:test";
import { vi } from "vitest";
import { callWorker, collectorRequest } from "./worker.js";

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
  return callWorker(collectorRequest(path, init));
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

/** The tasks in delivery-queue message bodies. */
export function deliveryTasks(bodies: readonly string[]): Array<{ file: string; destination: string }> {
  return bodies.map((body) => {
    const { file, destination } = JSON.parse(body) as { file: string; destination: string };
    return { file, destination };
  });
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

/** Changes a stored destination's settings behind the admin routes' back, as a hand-edited D1 row would. */
export async function changeStoredSettings(id: string, patch: Record<string, unknown>): Promise<void> {
  await env.DB.prepare("UPDATE destinations SET settings = json_patch(settings, ?2) WHERE id = ?1")
    .bind(id, JSON.stringify(patch))
    .run();
}

/**
 * Plays the customer's storage: records every request the code under test sends and answers them in turn (the
 * last answer repeats). A test of a refusal asserts that `requests` stays empty.
 */
export function storageAnswers(...responses: Array<() => Response>) {
  const requests: Request[] = [];
  let call = 0;
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    requests.push(new Request(input as RequestInfo, init as RequestInit));
    const answer = responses[Math.min(call++, responses.length - 1)]!;
    return answer();
  });
  return { requests, spy };
}
