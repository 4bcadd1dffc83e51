/**
 * What `npm run erase` does, apart from its command line: starts an erasure with POST
 * /admin/tenants/{tenant}/erasures, or picks up one already started, and with `wait` follows GET
 * /admin/tenants/{tenant}/erasures/{id} until it is done or failed, telling each change of its status and counts
 * on the progress channel (stderr). A status request that fails is tried again a few times before giving up: the
 * erasure itself runs on in the Worker either way.
 * @module
 */
import type { erasureStatus } from "../../src/core/privacy/erasure.js";
import { type AdminTarget, adminRequest } from "../lib/admin-client.js";

/** The status the admin route answers (docs/privacy.md). */
export type ErasureStatusAnswer = ReturnType<typeof erasureStatus>;

export interface ErasureRequest {
  tenant: string;
  userid: string;
  suppress: boolean;
  /** Who asked (a person, a ticket); the route's default is "admin-token". */
  requestedby?: string | undefined;
}

export interface FollowOptions {
  /** Milliseconds between two status requests. */
  intervalMs: number;
  /** Status requests that may fail in a row before following gives up. */
  failuresAllowed?: number;
  progress: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

const FINISHED = new Set<string>(["done", "failed"]);

export function erasuresPath(tenant: string): string {
  return `/admin/tenants/${encodeURIComponent(tenant)}/erasures`;
}

/** POSTs the erasure; answers its id (status pending). */
export async function startErasure(target: AdminTarget, request: ErasureRequest): Promise<string> {
  const body = {
    userid: request.userid,
    suppress: request.suppress,
    ...(request.requestedby === undefined ? {} : { requestedby: request.requestedby }),
  };
  const answer = await adminRequest<{ id: string }>(target, "POST", erasuresPath(request.tenant), body);
  return answer.id;
}

export async function erasureStatusOf(target: AdminTarget, tenant: string, id: string): Promise<ErasureStatusAnswer> {
  return adminRequest<ErasureStatusAnswer>(target, "GET", `${erasuresPath(tenant)}/${encodeURIComponent(id)}`);
}

/** Follows an erasure until it is done or failed; answers its last status. */
export async function followErasure(
  target: AdminTarget,
  tenant: string,
  id: string,
  options: FollowOptions,
): Promise<ErasureStatusAnswer> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const failuresAllowed = options.failuresAllowed ?? 5;
  let failures = 0;
  let told = "";
  for (;;) {
    let status: ErasureStatusAnswer;
    try {
      status = await erasureStatusOf(target, tenant, id);
      failures = 0;
    } catch (error) {
      if (++failures > failuresAllowed) throw error;
      options.progress(
        `status request failed (${failures} of ${failuresAllowed} allowed in a row): ${messageOf(error)}`,
      );
      await sleep(options.intervalMs);
      continue;
    }
    const line = progressLine(status);
    if (line !== told) options.progress(line);
    told = line;
    if (FINISHED.has(status.status)) return status;
    await sleep(options.intervalMs);
  }
}

/** One line of progress: the status, the counts so far, and the error of a failed erasure. */
export function progressLine(status: ErasureStatusAnswer): string {
  const counts = status.counts;
  const parts = [
    `erasure ${status.id}: ${status.status}`,
    `${counts.files_listed} files listed`,
    `${counts.files_examined} examined`,
    `${counts.files_holding_user} holding the user (${counts.files_rewritten} rewritten, ${counts.files_deleted} deleted)`,
    `${counts.lines_removed} lines removed`,
    `${counts.destination_objects_replaced} destination objects replaced`,
    `${counts.dead_letters_rewritten} dead letters rewritten`,
  ];
  return `${parts.join(", ")}${status.error ? `; error: ${status.error}` : ""}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
