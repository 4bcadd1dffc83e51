/**
 * The ajv reference validator: the JSON Schema that zod 4 generates from the project's event schema
 * (z.toJSONSchema), compiled by ajv. In Node it is compiled at run time; workerd forbids `new Function`, so for
 * the bench Worker the same validator is emitted as standalone code and bundled in (see bundle.ts).
 * @module
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import standaloneCode from "ajv/dist/standalone/index.js";
import { z } from "zod";
import { clientEventSchema } from "../../src/core/events/schemas/events.js";
import type { EventValidator } from "./core-paths.js";

/** The event schema as JSON Schema, with ajv's discriminator hint on `type` (the zod schema's discriminator). */
export function eventJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(clientEventSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return { ...schema, discriminator: { propertyName: "type" } };
}

// Formats are checked by the patterns zod emits beside them (e.g. date-time), so ajv needs no format plugin.
function newAjv(standalone: boolean): Ajv2020 {
  return new Ajv2020({
    strict: false,
    validateFormats: false,
    discriminator: true,
    allErrors: false,
    ...(standalone ? { code: { source: true, esm: true } } : {}),
  });
}

export function compileEventValidator(): EventValidator {
  const validate = newAjv(false).compile(eventJsonSchema());
  return (event) => validate(event) as boolean;
}

/** ES module source whose default export is the compiled validator, for bundling into a Worker. */
export function eventValidatorModuleSource(): string {
  const ajv = newAjv(true);
  const validate = ajv.compile(eventJsonSchema());
  return standaloneCode(ajv, validate);
}
