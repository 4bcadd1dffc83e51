/**
 * The Worker: the edge answers HTTP, the consumer exports queue batches (and rolls up insights), the delivery
 * consumer pushes files to tenants' storage, the cron purges old dedupe rows, prunes old rollups, catches up
 * on deliveries, deletes week-old samples of rejected events, writes dead letters held during an R2 outage to R2, and writes what closed days add beside the
 * export files (aggregates, Parquet).
 * @module
 */
import { runClosedDayJobs } from "./compaction/closed-days.js";
import { handleQueueBatch } from "./consumer/queue-handler.js";
import { pruneInsights } from "./consumer/prune-insights.js";
import { purgeExports } from "./consumer/purge-exports.js";
import { purgeRejectedSamples } from "./consumer/purge-rejected-samples.js";
import { releaseHeldDeadLetters } from "./consumer/release-held-dead-letters.js";
import { sweepDeliveries } from "./delivery/sweep-deliveries.js";
import { createApp } from "./edge/app.js";

export { ExportLedgerShard } from "./ledger/export-ledger-shard.js";
export { LiveEventsRoom } from "./live/live-events-room.js";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: (batch, env) => handleQueueBatch(batch, env),
  scheduled: async (controller, env) => {
    await Promise.all([
      purgeExports(env, controller.scheduledTime),
      purgeRejectedSamples(env, controller.scheduledTime),
      pruneInsights(env, controller.scheduledTime),
      sweepDeliveries(env, controller.scheduledTime),
      releaseHeldDeadLetters(env, controller.scheduledTime),
      runClosedDayJobs(env, controller.scheduledTime),
    ]);
  },
} satisfies ExportedHandler<Env, string>;
