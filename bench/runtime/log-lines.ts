/**
 * The collector's JSON log lines as the consumer benches read them (one object per line with a fixed `msg`,
 * src/core/foundation/log.ts): collected from workerd's output (startCollector's `onLogLine`), anything that is
 * not such a line skipped.
 * @module
 */

export interface LogLine {
  msg?: string;
  [field: string]: unknown;
}

export interface LogLines {
  lines: LogLine[];
  onLogLine(line: string): void;
}

export function jsonLogLines(): LogLines {
  const lines: LogLine[] = [];
  return {
    lines,
    onLogLine(line) {
      if (!line.startsWith("{")) return;
      try {
        lines.push(JSON.parse(line) as LogLine);
      } catch {
        // Not one of the collector's JSON lines.
      }
    },
  };
}

/** A numeric field of a log line (0 when absent). */
export function numberField(line: LogLine, name: string): number {
  return Number(line[name] ?? 0);
}
