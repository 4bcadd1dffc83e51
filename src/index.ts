// The Worker: the edge answers HTTP, the consumer exports queue batches, the cron purges old dedupe rows.
import { createApp } from "./edge/app.js";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
