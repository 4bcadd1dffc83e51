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

/** The first D1 statement whose SQL contains `fragment` fails when run, before reaching D1. */
export function failingStatement(db: D1Database, fragment: string): Fault<D1Database> {
  let fired = false;
  const binding = intercept(db, "prepare", (prepare) => (...args) => {
    const statement = prepare(...args) as D1PreparedStatement;
    if (fired || !String(args[0]).includes(fragment)) return statement;
    fired = true;
    const failing = { run: failure, all: failure, first: failure, raw: failure };
    return intercept(statement, "bind", () => () => failing);
  });
  return { binding, fired: () => fired };
}

function failure(): Promise<never> {
  return Promise.reject(new Error("injected fault: the statement failed before reaching storage"));
}

/**
 * The LEDGER binding with `method` (claim or commit) of every shard failing on its first call: before the shard
 * runs it, or after (it ran, the caller sees an error).
 */
export function failingShardCall(
  ledger: Env["LEDGER"],
  method: "claim" | "commit",
  timing: Timing,
): Fault<Env["LEDGER"]> {
  let fired = false;
  const binding = intercept(ledger, "get", (get) => (...args) => {
    const stub = get(...args) as Record<string, Method>;
    // An RPC stub's methods must be called on the stub itself: a Proxy that re-binds them cannot pass them on.
    const call = (...callArgs: unknown[]) => stub[method]!(...callArgs);
    return new Proxy(stub, {
      get(target, property) {
        if (property !== method) return Reflect.get(target, property);
        return async (...callArgs: unknown[]) => {
          if (fired) return call(...callArgs);
          fired = true;
          if (timing === "after") await call(...callArgs);
          throw new Error(`injected fault: the shard's ${method} failed ${timing} reaching storage`);
        };
      },
    });
  });
  return { binding, fired: () => fired };
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
