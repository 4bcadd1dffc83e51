/**
 * Values an attacker or a careless device sends to trip JavaScript itself: every name Object.prototype has (a
 * plain `{}` answers `constructor` or `__proto__` before anything was stored under it), and strings that are not
 * well-formed UTF-16 (a lone surrogate, which many readers refuse).
 * @module
 */

/** `constructor`, `__proto__`, `toString`, `hasOwnProperty`, `valueOf`, `__defineGetter__`, … all of them. */
export const PROTOTYPE_NAMES: readonly string[] = Object.getOwnPropertyNames(Object.prototype);

/** A high surrogate with no low one after it. */
export const LONE_SURROGATE = "\ud800abc";
