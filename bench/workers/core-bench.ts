/**
 * Bench-only Worker (never deployed, not in wrangler.toml): runs the validation benchmark's paths inside
 * workerd, where zod cannot use its `new Function` JIT. POST /core?variant=…&passes=N runs N passes over the
 * workload and answers when done; the caller times requests from outside, because workerd's clocks do not
 * advance while a request computes. POST /hold keeps every stage of a request's core path alive so the
 * caller can read the isolate's heap over the inspector; POST /release lets it go.
 * @module
 */
import validate from "virtual:ajv-event-validator";
import { CORE_VARIANTS, coreStages, runPass, type CoreVariant } from "../core/core-paths.js";
import { requestBodies } from "../workload.js";

const CORE_BATCHES = 50;
const CORE_BATCH_SIZE = 20;

const bodies = requestBodies(CORE_BATCHES, CORE_BATCH_SIZE);
// biome-ignore lint/correctness/noUnusedVariables: written only, so the memory bench can measure what is held.
let held: unknown[] = [];

function isVariant(value: string | null): value is CoreVariant {
  return CORE_VARIANTS.includes(value as CoreVariant);
}

async function runCore(url: URL): Promise<Response> {
  const variant = url.searchParams.get("variant");
  const passes = Number(url.searchParams.get("passes") ?? "1");
  if (!isVariant(variant) || !Number.isInteger(passes) || passes < 0) return new Response("bad query", { status: 400 });
  const dateBefore = Date.now();
  const perfBefore = performance.now();
  let events = 0;
  for (let pass = 0; pass < passes; pass++) events += await runPass(variant, bodies, validate);
  // What the runtime's own clocks saw; the caller compares them with its wall clock.
  return Response.json({ events, dateMs: Date.now() - dateBefore, perfMs: performance.now() - perfBefore });
}

async function hold(request: Request): Promise<Response> {
  const text = await request.text();
  const stages = await coreStages(text);
  held = [text, stages];
  return Response.json({ events: stages.lines.length, messages: stages.messages.length });
}

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/core") return runCore(url);
    if (url.pathname === "/hold") return hold(request);
    if (url.pathname === "/release") {
      held = [];
      return new Response("released");
    }
    return new Response("not found", { status: 404 });
  },
} satisfies ExportedHandler;
