/**
 * Bench-only Worker (never deployed, not in wrangler.toml) for the memory of a full consumer batch in workerd. The
 * V8 inspector reads the heap only while the isolate is idle, between events (a queue batch's awaits inside one
 * event do not let it in), so the consumer's own steps run here one request each, holding what the consumer holds
 * at that point, and the caller reads the live heap between them: POST /decode with the batch's message bodies
 * (decodeEventMessage, as exportEvents does for every message), POST /group (groupByShard), POST /file
 * (buildExportFile of each group: the gzipped JSON Lines that go to R2), POST /release.
 * @module
 */
import { decodeEventMessage } from "../../src/consumer/decode-message.js";
import { buildExportFile, type ExportFile } from "../../src/core/exports/export-file.js";
import { groupByShard, type ShardGroup } from "../../src/core/exports/shard-groups.js";
import { routingAt, singleStep } from "../../src/core/exports/shard-schedule.js";
import type { DecodedMessage } from "../../src/core/exports/tenant-groups.js";

interface Held {
  bodies: string[];
  decoded: DecodedMessage<number>[];
  groups: ShardGroup<number>[];
  files: ExportFile[];
}

let held: Held = { bodies: [], decoded: [], groups: [], files: [] };

export default {
  async fetch(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname === "/decode") {
      held.bodies = (await request.json()) as string[];
      held.decoded = held.bodies.map((body, message) => ({ message, ...decodeEventMessage(body) }));
      return Response.json({ events: held.decoded.reduce((sum, entry) => sum + entry.events.length, 0) });
    }
    if (pathname === "/group") {
      // One ledger shard, as wrangler.toml's LEDGER_SHARDS: the whole batch is one group, one file.
      held.groups = groupByShard(held.decoded, () => routingAt(singleStep(1), Date.now(), 7));
      return Response.json({ groups: held.groups.length });
    }
    if (pathname === "/file") {
      for (const group of held.groups) held.files.push(await buildExportFile(group.events));
      return Response.json({ bytes: held.files.reduce((sum, file) => sum + file.body.byteLength, 0) });
    }
    if (pathname === "/release") {
      held = { bodies: [], decoded: [], groups: [], files: [] };
      return new Response("released");
    }
    return new Response("not found", { status: 404 });
  },
} satisfies ExportedHandler;
