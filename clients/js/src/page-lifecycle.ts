/**
 * Browsers: when the page is hidden (`visibilitychange` to hidden, `pagehide`) the app may be frozen or gone
 * at any moment, so the client sends what is queued at once, with `fetch(..., {keepalive: true})` (which
 * outlives the page, for bodies up to 64 KiB) for as long as the page stays hidden.
 * @module
 */

interface EventTargetLike {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/** The `window` of a page: its own events and its `document`. */
export interface PageLike extends EventTargetLike {
  document: EventTargetLike & { visibilityState: string };
}

/** What keepalive requests may carry in flight per page (the Fetch standard's quota). */
export const KEEPALIVE_MAX_BYTES = 60 * 1024;

/** The page of a browser, or undefined elsewhere (Node, Deno, React Native, workers). */
export function currentPage(): PageLike | undefined {
  const candidate = globalThis as unknown as Partial<PageLike>;
  const document = candidate.document;
  if (typeof candidate.addEventListener !== "function" || typeof document?.addEventListener !== "function") {
    return undefined;
  }
  return candidate as PageLike;
}

/** Calls `onHidden` / `onVisible` as the page goes and comes back; returns the function that stops watching. */
export function watchPage(page: PageLike, onHidden: () => void, onVisible: () => void): () => void {
  const visibility = () => (page.document.visibilityState === "hidden" ? onHidden() : onVisible());
  page.document.addEventListener("visibilitychange", visibility);
  page.addEventListener("pagehide", onHidden);
  page.addEventListener("pageshow", onVisible);
  return () => {
    page.document.removeEventListener("visibilitychange", visibility);
    page.removeEventListener("pagehide", onHidden);
    page.removeEventListener("pageshow", onVisible);
  };
}
