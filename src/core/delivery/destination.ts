/**
 * A tenant's push destination: what an operator gives (destinationInputSchema), what D1 keeps in clear
 * (settings) and sealed (secret), and what listings show (never a secret). One schema for the admin route,
 * the delivery consumer and the admin command.
 * @module
 */
import { z } from "zod";

export const DESTINATION_KINDS = ["s3", "azure"] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

/** A destination's name within its tenant: short, lower case, safe in a URL path. */
export const DESTINATION_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** A key prefix in the customer's bucket: no leading slash, no `..` segment; "" for the bucket's root. */
const prefixSchema = z
  .string()
  .max(512)
  .refine(
    (prefix) => !prefix.startsWith("/") && !prefix.split("/").some((segment) => segment === ".." || segment === "."),
    {
      error: "prefix must not start with / nor hold . or .. segments",
    },
  )
  .default("");

const httpUrl = z.url({ protocol: /^https?$/ });

/** Amazon S3 (no endpoint), any S3-compatible store, and GCS's XML API (endpoint https://storage.googleapis.com). */
export const s3SettingsSchema = z.object({
  kind: z.literal("s3"),
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.\-_]{1,221}[a-z0-9]$/, { error: "not a valid bucket name" }),
  region: z
    .string()
    .regex(/^[a-z0-9-]{2,32}$/)
    .default("us-east-1"),
  /** Set for anything but AWS itself; requests are then path-style: {endpoint}/{bucket}/{key}. */
  endpoint: httpUrl.optional(),
  prefix: prefixSchema,
  accessKeyId: z.string().min(1).max(256),
});

/** Azure Blob Storage: a container URL, authorised by a SAS token or by the storage account's key. */
export const azureSettingsSchema = z.object({
  kind: z.literal("azure"),
  /** https://{account}.blob.core.windows.net/{container}, or an emulator's http://host:port/{account}/{container}. */
  containerUrl: httpUrl.refine((url) => !url.includes("?"), { error: "give the SAS token apart, not in the URL" }),
  auth: z.enum(["sas", "shared_key"]),
  /** The storage account, for shared-key signing; read from the URL when not given. */
  accountName: z
    .string()
    .regex(/^[a-z0-9]{3,24}$/)
    .optional(),
  prefix: prefixSchema,
});

export const destinationSettingsSchema = z.discriminatedUnion("kind", [s3SettingsSchema, azureSettingsSchema]);
export type DestinationSettings = z.infer<typeof destinationSettingsSchema>;
export type S3Settings = z.infer<typeof s3SettingsSchema>;
export type AzureSettings = z.infer<typeof azureSettingsSchema>;

/** What POST /admin/tenants/{tenant}/destinations takes: the settings plus exactly the secret their auth needs. */
export const destinationInputSchema = z.discriminatedUnion("kind", [
  s3SettingsSchema.extend({
    name: z.string().regex(DESTINATION_NAME_PATTERN),
    secretAccessKey: z.string().min(1).max(1024),
  }),
  azureSettingsSchema.extend({
    name: z.string().regex(DESTINATION_NAME_PATTERN),
    sasToken: z.string().min(1).max(4096).optional(),
    accountKey: z.string().min(1).max(1024).optional(),
  }),
]);
export type DestinationInput = z.infer<typeof destinationInputSchema>;

/** A destination ready to upload: its settings and its secret, opened. Lives only in memory. */
export type ResolvedDestination =
  | { id: string; tenant: string; name: string; settings: S3Settings; secret: string }
  | { id: string; tenant: string; name: string; settings: AzureSettings; secret: string };

/** A destination as listings show it: settings only. */
export const destinationViewSchema = z.object({
  id: z.string(),
  tenant: z.string(),
  name: z.string(),
  created_at: z.string(),
  settings: destinationSettingsSchema,
});
export type DestinationView = z.infer<typeof destinationViewSchema>;

/** Splits an input into what is stored in clear and the one secret that is sealed. */
export function splitSecret(input: DestinationInput): { name: string; settings: DestinationSettings; secret: string } {
  if (input.kind === "s3") {
    const { name, secretAccessKey, ...settings } = input;
    return { name, settings, secret: secretAccessKey };
  }
  const { name, sasToken, accountKey, ...settings } = input;
  const secret = settings.auth === "sas" ? sasToken : accountKey;
  if (!secret || (sasToken && accountKey)) {
    throw new z.ZodError([
      {
        code: "custom",
        path: [settings.auth === "sas" ? "sasToken" : "accountKey"],
        message:
          settings.auth === "sas"
            ? "auth sas takes sasToken (and no accountKey)"
            : "auth shared_key takes accountKey (and no sasToken)",
        input,
      },
    ]);
  }
  // A SAS token is kept without its leading "?", as the portal sometimes copies it with one.
  return { name, settings, secret: settings.auth === "sas" ? secret.replace(/^\?/, "") : secret };
}
