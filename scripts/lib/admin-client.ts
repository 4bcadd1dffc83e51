/**
 * How the operator scripts reach a collector's admin routes: its URL and ADMIN_TOKEN from flags, else from the
 * environment (COLLECTOR_URL, ADMIN_TOKEN), else the local `npm run dev` collector and .dev.vars. The admin
 * route does the work in the Worker, so secrets are sealed with the Worker's own key, locally or --remote.
 * @module
 */
import { UsageError } from "./cli.js";
import { readDevVars } from "./dev-secrets.js";

export const LOCAL_COLLECTOR = "http://127.0.0.1:8787";

/** The flags of every command that calls the admin routes: which collector, and its ADMIN_TOKEN. */
export const ADMIN_TARGET_FLAGS = {
  remote: { type: "boolean", default: false },
  url: { type: "string" },
  token: { type: "string" },
} as const;

export interface AdminTarget {
  url: string;
  token: string;
}

export function adminTarget(flags: {
  url?: string | undefined;
  token?: string | undefined;
  remote?: boolean | undefined;
}): AdminTarget {
  const url = flags.url ?? process.env.COLLECTOR_URL ?? (flags.remote ? undefined : LOCAL_COLLECTOR);
  if (!url) throw new UsageError("--remote needs the collector's URL: --url https://… or COLLECTOR_URL.");
  const token =
    flags.token ?? process.env.ADMIN_TOKEN ?? (flags.remote ? undefined : readDevVars().ADMIN_TOKEN || undefined);
  if (!token)
    throw new UsageError(
      "No admin token: give --token or ADMIN_TOKEN (locally, .dev.vars has none: run npm run dev once).",
    );
  return { url: url.replace(/\/+$/, ""), token };
}

/** Sends one admin request; an error answer throws with the collector's code and message. */
export async function adminRequest<T>(target: AdminTarget, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${target.token}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(`${target.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new Error(
      `Cannot reach the collector at ${target.url} (${error instanceof Error ? error.message : String(error)}); is it running?`,
    );
  }
  const text = await response.text();
  if (!response.ok) {
    const parsed = safeJson(text) as { error?: { code?: string; message?: string } } | undefined;
    const error = parsed?.error;
    throw new Error(
      `${method} ${path} answered ${response.status}${error ? ` ${error.code}: ${error.message}` : `: ${text.slice(0, 300)}`}`,
    );
  }
  return safeJson(text) as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
