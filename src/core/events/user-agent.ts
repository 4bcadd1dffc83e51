/**
 * The device's user agent, for tenants that turn it on (`--user-agent on`): the request's User-Agent cut to 512
 * bytes of UTF-8, and what ua-parser-js 1.x (MIT; its 2.x line is AGPL) reads from it: the Omny export's
 * RawUserAgent, OS, Device and UserAgent.
 * @module
 */
/// <reference path="./ua-parser-js.d.ts" />
import UAParser from "ua-parser-js";
import { truncateUtf8 } from "../foundation/utf8.js";
import type { ParsedUserAgent } from "./schemas/envelope.js";

export const MAX_USER_AGENT_BYTES = 512;

export interface UserAgentFields {
  useragent: string;
  useragentparsed: ParsedUserAgent;
}

/** A fleet sends few distinct user agents: parse each once per isolate, up to this many. */
const CACHE_LIMIT = 256;
const parsedByUserAgent = new Map<string, ParsedUserAgent>();

/** The fields for a request's User-Agent header; undefined when it sent none (or an empty one). */
export function userAgentFields(header: string | null | undefined): UserAgentFields | undefined {
  const useragent = truncateUtf8(header?.trim() ?? "", MAX_USER_AGENT_BYTES);
  if (useragent === "") return undefined;
  let useragentparsed = parsedByUserAgent.get(useragent);
  if (useragentparsed === undefined) {
    useragentparsed = parseUserAgent(useragent);
    if (parsedByUserAgent.size >= CACHE_LIMIT) parsedByUserAgent.clear();
    parsedByUserAgent.set(useragent, useragentparsed);
  }
  return { useragent, useragentparsed };
}

/** Best effort, as Omny's: each field is present only when the parser found it. */
export function parseUserAgent(useragent: string): ParsedUserAgent {
  const { os, device, browser } = new UAParser(useragent).getResult();
  const parsed: ParsedUserAgent = {};
  if (os.name) parsed.os = os.name;
  if (os.version) parsed.osversion = os.version;
  const deviceName = [device.vendor, device.model].filter(Boolean).join(" ");
  if (deviceName) parsed.device = deviceName;
  const client = browser.name ? [browser.name, browser.version].filter(Boolean).join(" ") : appClient(useragent);
  if (client) parsed.client = client;
  return parsed;
}

/**
 * An app's own user agent (`Audiogum/2.3 CFNetwork/1410.0.3 Darwin/22.6.0`, `okhttp/4.12.0`) names no browser:
 * its first product and version are the client. `Mozilla/5.0` names nothing.
 */
function appClient(useragent: string): string | undefined {
  const product = /^([^\s/()]+)\/([^\s/()]+)/.exec(useragent);
  if (!product || product[1] === "Mozilla") return undefined;
  return `${product[1]} ${product[2]}`;
}
