/**
 * A destination's secret as D1 keeps it: sealed (secret-box.ts) and bound to the destination's id and to where
 * the secret is sent (kind, endpoint, bucket and region; container URL, account and auth), so a row whose
 * endpoint or bucket was changed in D1 does not open, and its secret goes nowhere else.
 *
 * Format `v1:` + the sealed value. A value without a prefix was sealed before this binding existed (bound to the
 * id only); it still opens, reported as legacy so that the caller reseals it with the binding
 * (src/delivery/destination-store.ts does on first use).
 * @module
 */
import type { DestinationSettings } from "./destination.js";
import { invalidDestination } from "./destination-endpoint.js";
import { openSecret, sealSecret } from "./secret-box.js";

const VERSION_PREFIX = "v1:";

/** The additional authenticated data of a v1 seal: the id and every setting that says where requests go. */
export function secretBinding(id: string, settings: DestinationSettings): string {
  const where =
    settings.kind === "s3"
      ? [settings.endpoint ?? null, settings.bucket, settings.region]
      : [settings.containerUrl, settings.accountName ?? null, settings.auth];
  return JSON.stringify(["v1", id, settings.kind, ...where]);
}

export async function sealDestinationSecret(
  key: Uint8Array,
  id: string,
  settings: DestinationSettings,
  secret: string,
): Promise<string> {
  return VERSION_PREFIX + (await sealSecret(key, secret, secretBinding(id, settings)));
}

/**
 * Opens the secret for these settings. Throws `invalid_destination` when it does not open: the row's endpoint,
 * bucket or container changed since it was sealed, or DESTINATION_KEY is not the key that sealed it.
 */
export async function openDestinationSecret(
  key: Uint8Array,
  id: string,
  settings: DestinationSettings,
  sealed: string,
): Promise<{ secret: string; legacy: boolean }> {
  const legacy = !sealed.startsWith(VERSION_PREFIX);
  try {
    const secret = legacy
      ? await openSecret(key, sealed, id)
      : await openSecret(key, sealed.slice(VERSION_PREFIX.length), secretBinding(id, settings));
    return { secret, legacy };
  } catch {
    throw invalidDestination([
      {
        path: "secret",
        message:
          "the sealed secret does not open for this destination's endpoint and bucket (the row was changed, or DESTINATION_KEY is not the key that sealed it); add the destination again",
      },
    ]);
  }
}
