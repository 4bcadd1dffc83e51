/**
 * One JSON object per line with a fixed `msg`, so `wrangler tail --format json | jq` and Workers Logs can filter.
 * Callers pass plain fields; never a token, a secret or an IP address.
 * @module
 */
import { printableAscii } from "./untrusted-text.js";

export type LogMessage =
  | "request"
  | "request_error"
  | "batch"
  | "batch_error"
  | "deadletter"
  | "deadletter_r2_failed"
  | "deadletter_held"
  | "deadletter_unstored"
  | "deadletter_backlog"
  | "deadletter_release"
  | "redrive"
  | "purge"
  | "purge_samples"
  | "delivery"
  | "delivery_error"
  | "delivery_failed"
  | "delivery_sweep"
  | "compaction"
  | "closed_days"
  | "closed_days_error"
  | "insights_prune"
  | "ledger_sweep"
  | "live_publish_error"
  | "request_report_error"
  | "rejected_samples_error"
  | "jwks_refresh"
  | "jwks_error"
  | "tenant_settings_error"
  | "tenant_usage_error"
  | "erasure"
  | "erasure_error"
  | "suppressions_error";

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export function logInfo(msg: LogMessage, fields: LogFields = {}): void {
  console.log(JSON.stringify({ msg, level: "info", ...fields }));
}

export function logWarn(msg: LogMessage, fields: LogFields = {}): void {
  console.warn(JSON.stringify({ msg, level: "warn", ...fields }));
}

export function logError(msg: LogMessage, fields: LogFields = {}, cause?: unknown): void {
  console.error(JSON.stringify({ msg, level: "error", ...fields, ...describeCause(cause) }));
}

/**
 * An error's name and message, without its stack: enough to act on, nothing that leaks code paths to users. A
 * message may quote what a client sent, so it is logged bounded and in printable ASCII.
 */
export function describeCause(cause: unknown): LogFields {
  if (cause === undefined) return {};
  if (cause instanceof Error) {
    return { error_name: printableAscii(cause.name, 100), error_message: printableAscii(cause.message, 500) };
  }
  return { error_message: printableAscii(String(cause), 500) };
}
