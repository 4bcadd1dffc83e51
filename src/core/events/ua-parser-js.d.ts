/**
 * The part of ua-parser-js 1.x (MIT; its 2.x line is AGPL) that src/core/events/user-agent.ts uses. The package
 * ships no types, and @types/ua-parser-js describes 0.7.
 * @module
 */
declare module "ua-parser-js" {
  export interface UAParserResult {
    browser: { name?: string; version?: string; major?: string };
    os: { name?: string; version?: string };
    device: { vendor?: string; model?: string; type?: string };
  }
  /** The package is CommonJS: its module.exports is this class (a default import, wherever it is bundled). */
  export default class UAParser {
    constructor(userAgent?: string);
    getResult(): UAParserResult;
  }
}
