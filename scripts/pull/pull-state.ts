/**
 * .pull-state.json in the output folder: the etag of every file already pulled, so a later pull skips them.
 * Written atomically (a temporary file renamed over it), so an interruption leaves the old state or the new.
 * @module
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";

export const STATE_FILE = ".pull-state.json";

const pulledFileSchema = z.object({ etag: z.string(), size: z.int(), events: z.int() });
const pullStateSchema = z.object({ version: z.literal(1), files: z.record(z.string(), pulledFileSchema) });

export type PulledFile = z.infer<typeof pulledFileSchema>;
export type PullState = z.infer<typeof pullStateSchema>;

export async function readPullState(outDir: string): Promise<PullState> {
  let text: string;
  try {
    text = await readFile(path.join(outDir, STATE_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, files: {} };
    throw error;
  }
  const parsed = pullStateSchema.safeParse(JSON.parse(text));
  // A state file we cannot read only costs downloads: start afresh rather than refuse to pull.
  return parsed.success ? parsed.data : { version: 1, files: {} };
}

export async function writePullState(outDir: string, state: PullState): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const target = path.join(outDir, STATE_FILE);
  const temporary = `${target}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 1)}\n`);
  await rename(temporary, target);
}
