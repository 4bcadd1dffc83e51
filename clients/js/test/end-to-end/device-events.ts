/**
 * The events of the end-to-end test (test/node/device-client-end-to-end.test.ts): event `n` of a device is one
 * of the six Audiogum types in turn, carrying the marker `device:n` in a field of its type, so the test can
 * find every tracked event in the export files; and the messages between the test and a device process. Shared
 * by both; no imports, so the root typecheck reads it without the client's (DOM) types.
 * @module
 */

/** What the test tells a device process (over IPC). */
export type ToDevice =
  | { kind: "token"; id: number; token: string }
  | { kind: "track"; from: number; count: number }
  | { kind: "drain" };

/** What a device process tells the test. */
export type FromDevice =
  | { kind: "ready" }
  | { kind: "token"; id: number; reason: string }
  | { kind: "tracked"; from: number; count: number }
  | { kind: "drained"; queued: number }
  | { kind: "reported"; rejected: number; dropped: number };

export function markerFor(device: string, n: number): string {
  return `${device}:${n}`;
}

/** Event `n` of `device`, as the device process passes it to `track`. */
export function deviceEvent(device: string, n: number) {
  const marker = markerFor(device, n);
  switch (n % 6) {
    case 0:
      return { type: "appstartevent" as const, preferredlanguages: [marker] };
    case 1:
      return { type: "authevent" as const, action: "signin" as const, provider: marker };
    case 2:
      return { type: "navigationevent" as const, targetpage: "home", sourcetag: marker, sourceindex: n };
    case 3:
      return {
        type: "playevent" as const,
        action: "begin" as const,
        source: "spotifyconnect",
        offset: n,
        item: { name: "Superstylin'", ref: marker, artists: [{ name: "Groove Armada" }] },
      };
    case 4:
      return {
        type: "profileevent" as const,
        action: "like" as const,
        target: "song" as const,
        item: { name: "Superstylin'", ref: marker },
      };
    default:
      return { type: "voiceevent" as const, action: "success" as const, stoppedby: "user" as const, ref: marker };
  }
}

/** The marker of an exported event (a line of an export file), or undefined for an event of no device here. */
export function markerOf(event: Record<string, unknown>): string | undefined {
  const item = event.item as { ref?: unknown } | undefined;
  const candidates = [
    (event.preferredlanguages as unknown[] | undefined)?.[0],
    event.provider,
    event.sourcetag,
    item?.ref,
    event.ref,
  ];
  const found = candidates.find((value) => typeof value === "string");
  return typeof found === "string" ? found : undefined;
}
