/**
 * Bench-only Worker (never deployed, not in wrangler.toml): its one route reads the body, parses it and
 * answers with it re-serialised. The JSON floor of the runtime for a request of the same bytes: what the
 * collector's edge is compared with for large batches. A gzip body is decoded first, as the edge does.
 * @module
 */
export default {
  async fetch(request: Request): Promise<Response> {
    const gzipped = request.headers.get("content-encoding") === "gzip" && request.body !== null;
    const body = gzipped ? request.body!.pipeThrough(new DecompressionStream("gzip")) : request.body;
    const value = JSON.parse(await new Response(body).text()) as unknown;
    return new Response(JSON.stringify(value), { headers: { "content-type": "application/json" } });
  },
} satisfies ExportedHandler;
