/**
 * The ajv validator generated as standalone code at bundle time (bench/runtime/bundle.ts).
 * @module
 */
declare module "virtual:ajv-event-validator" {
  const validate: (event: unknown) => boolean;
  export default validate;
}
