/**
 * `destination test`: writes a small probe object where deliveries go, then deletes it, and says exactly which
 * step failed and why. Delivery needs only write access, so a refused delete is reported but is not a failure.
 * @module
 */
import type { ResolvedDestination } from "../core/delivery/destination.js";
import { bytesSource } from "./object-source.js";
import { StorageFailure } from "./storage-failure.js";
import { uploaderFor } from "./destination-uploader.js";

export interface ProbeStep {
  step: "write" | "delete";
  ok: boolean;
  reason?: string;
  storage_code?: string;
  status?: number | null;
  message?: string;
}

export interface ProbeReport {
  ok: boolean;
  key: string;
  steps: ProbeStep[];
}

const PROBE_BYTES = new TextEncoder().encode("audiogum delivery probe\n");

export async function probeDestination(destination: ResolvedDestination): Promise<ProbeReport> {
  const uploader = uploaderFor(destination);
  const key = `${uploader.prefix ? `${uploader.prefix}/` : ""}.audiogum-probe-${crypto.randomUUID()}`;
  const write = await attempt("write", () =>
    uploader.put(key, bytesSource(PROBE_BYTES), {
      singlePutMaxBytes: PROBE_BYTES.byteLength,
      partBytes: PROBE_BYTES.byteLength,
    }),
  );
  if (!write.ok) return { ok: false, key, steps: [write] };
  const remove = await attempt("delete", () => uploader.delete(key));
  return { ok: true, key, steps: [write, remove] };
}

async function attempt(step: ProbeStep["step"], action: () => Promise<void>): Promise<ProbeStep> {
  try {
    await action();
    return { step, ok: true };
  } catch (error) {
    if (error instanceof StorageFailure) {
      return {
        step,
        ok: false,
        reason: error.reason,
        storage_code: error.storageCode,
        status: error.status,
        message: error.message,
      };
    }
    return { step, ok: false, reason: "rejected", message: error instanceof Error ? error.message : String(error) };
  }
}
