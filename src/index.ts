// The Worker: the edge answers HTTP, the consumer exports queue batches, the cron purges old dedupe rows.
import { handleQueueBatch } from "./consumer/queue-handler.js";
import { purgeExports } from "./consumer/purge-exports.js";
import { createApp } from "./edge/app.js";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: (batch, env) => handleQueueBatch(batch, env),
  scheduled: (controller, env) => purgeExports(env, controller.scheduledTime),
} satisfies ExportedHandler<Env, string>;
