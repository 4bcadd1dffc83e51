/**
 * Bench-only Worker (never deployed, not in wrangler.toml) for the memory of a Parquet compaction in workerd. Its R2
 * bucket holds a day's export files (stored by the caller); the compaction runs as src/compaction/compact-day.ts
 * runs one part, with its own pieces (exportFileLines streaming each file from R2, ParquetEventsWriter, the
 * multipart sink R2MultipartSink, the read-back check over r2AsyncBuffer), one request per export file so that the
 * caller can read the live heap between them (the inspector is served only while the isolate is idle): POST
 * /start?day=D, POST /next until done, POST /finish. What compactPart adds (the manifest in D1, deliveries) holds
 * nothing of the day.
 * @module
 */
import { r2AsyncBuffer } from "../../src/compaction/r2-async-buffer.js";
import { R2MultipartSink } from "../../src/compaction/r2-multipart-sink.js";
import { exportFileLines } from "../../src/compaction/export-lines.js";
import { ParquetEventsWriter } from "../../src/core/parquet/parquet-events-writer.js";
import { readBackEventIds } from "../../src/core/parquet/parquet-readback.js";

interface Env {
  EXPORTS: R2Bucket;
}

const TENANT = "bench";

interface Compaction {
  key: string;
  sink: R2MultipartSink;
  writer: ParquetEventsWriter;
  files: string[];
  next: number;
  lines: number;
}

let compaction: Compaction | undefined;

/** POST /start?day=D: lists the day's export files and opens the writer and the multipart upload. */
async function start(env: Env, url: URL): Promise<Response> {
  const day = url.searchParams.get("day") ?? "2026-11-03";
  const listed = await env.EXPORTS.list({ prefix: `${TENANT}/${day}/` });
  const key = `${TENANT}/parquet/${day}_000.parquet`;
  const sink = await R2MultipartSink.open(env.EXPORTS, key, "application/vnd.apache.parquet");
  compaction = {
    key,
    sink,
    writer: new ParquetEventsWriter(sink),
    files: listed.objects.map((object) => object.key),
    next: 0,
    lines: 0,
  };
  return Response.json({ files: compaction.files.length });
}

/** POST /next: every line of the next export file into the writer (a row group is encoded and uploaded when full). */
async function next(env: Env): Promise<Response> {
  if (!compaction) return new Response("not started", { status: 409 });
  const key = compaction.files[compaction.next++];
  if (key === undefined) return Response.json({ done: true });
  for await (const line of exportFileLines(env.EXPORTS, key)) {
    await compaction.writer.addLine(line);
    compaction.lines++;
  }
  return Response.json({ done: compaction.next >= compaction.files.length });
}

/** POST /finish: the last row group and the footer, the upload completed, and the read-back check. */
async function finish(env: Env): Promise<Response> {
  if (!compaction) return new Response("not started", { status: 409 });
  const { key, sink, writer, lines } = compaction;
  const written = await writer.finish();
  const object = await sink.complete();
  const readBack = await readBackEventIds(r2AsyncBuffer(env.EXPORTS, key, object.size));
  if (readBack.rows !== lines || !readBack.tally.equals(written.tally)) throw new Error("read-back mismatch");
  compaction = undefined;
  return Response.json({ rows: written.rows, bytes: object.size, rowGroups: written.rowGroups });
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/start") return start(env, url);
    if (url.pathname === "/next") return next(env);
    if (url.pathname === "/finish") return finish(env);
    return new Response("not found", { status: 404 });
  },
} satisfies ExportedHandler<Env>;
