/**
 * Stand-ins for the EXPORTS and DB bindings that fail once at a chosen step: before the call reaches storage
 * (nothing happened) or after it (it happened, but the caller sees an error, as when the Worker dies).
 * @module
 */

export type Timing = "before" | "after";

export interface Fault<T> {
  binding: T;
  /** Whether the fault was hit: a scenario whose fault never fires tests nothing. */
  fired(): boolean;
}

type Method = (...args: unknown[]) => unknown;

/** `target` with `method` replaced by `wrap(original)`; every other member works as on `target`. */
function intercept<T extends object>(target: T, method: string, wrap: (original: Method) => Method): T {
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property);
      if (typeof value !== "function") return value;
      const original: Method = (...args) => (value as Method).apply(object, args);
      return property === method ? wrap(original) : original;
    },
  });
}

/** `method` of `target` fails on its first call that `matches`; every other call goes through. */
export function failOnce<T extends object>(
  target: T,
  method: string,
  timing: Timing,
  matches: (args: unknown[]) => boolean = () => true,
): Fault<T> {
  let fired = false;
  const binding = intercept(target, method, (original) => async (...args) => {
    if (fired || !matches(args)) return original(...args);
    fired = true;
    if (timing === "after") await original(...args);
    throw new Error(`injected fault: ${method} failed ${timing} reaching storage`);
  });
  return { binding, fired: () => fired };
}

/**
 * The D1 commit (the UPDATE that sets state = 'committed') fails once: run alone, or in the batch that carries
 * the insights rollups with it (which then fails as a whole, as a D1 transaction does).
 */
export function failingCommit(db: D1Database, timing: Timing): Fault<D1Database> {
  let run: Fault<D1PreparedStatement> | undefined;
  /** Each commit statement handed out (a proxy) and the real one D1 needs in a batch. */
  const commits = new WeakMap<object, D1PreparedStatement>();
  let batchFired = false;
  const withPrepare = intercept(db, "prepare", (original) => (...args) => {
    const statement = original(...args) as D1PreparedStatement;
    if (run || !String(args[0]).includes("SET state = 'committed'")) return statement;
    return intercept(statement, "bind", (bind) => (...values) => {
      const bound = bind(...values) as D1PreparedStatement;
      run = failOnce(bound, "run", timing);
      commits.set(run.binding, bound);
      return run.binding;
    });
  });
  const binding = intercept(withPrepare, "batch", (original) => async (...args) => {
    const given = args[0] as D1PreparedStatement[];
    const statements = given.map((statement) => commits.get(statement) ?? statement);
    const isCommit = given.some((statement) => commits.has(statement));
    if (batchFired || !isCommit) return original(statements);
    batchFired = true;
    if (timing === "after") await original(statements);
    throw new Error(`injected fault: the commit batch failed ${timing} reaching storage`);
  });
  return { binding, fired: () => batchFired || (run?.fired() ?? false) };
}

/** After its first put has stored the object, runs `meanwhile` (e.g. a concurrent attempt) before returning. */
export function afterFirstPut(bucket: R2Bucket, meanwhile: () => Promise<void>): Fault<R2Bucket> {
  let fired = false;
  const binding = intercept(bucket, "put", (original) => async (...args) => {
    if (fired) return original(...args);
    fired = true;
    const stored = await original(...args);
    await meanwhile();
    return stored;
  });
  return { binding, fired: () => fired };
}

/** `method` of `target` fails on every call, as during an outage of that service. */
export function failAlways<T extends object>(target: T, method: string): T {
  return intercept(target, method, () => () => {
    throw new Error(`injected outage: ${method} is unavailable`);
  });
}
