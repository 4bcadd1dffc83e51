/**
 * A service SAS for a blob container, as a customer makes in the portal or with `az storage container
 * generate-sas`: signed with the account key over the string-to-sign of version 2020-12-06 and later ("Create a
 * service SAS"). Azurite checks it, so the Azure SAS uploads are proven against an independent implementation.
 * @module
 */
import { createHmac } from "node:crypto";

export interface ContainerSasOptions {
  accountName: string;
  accountKey: string;
  container: string;
  /** In Azure's order, e.g. "cw" (create, write: what delivery needs) or "cwd". */
  permissions: string;
  expiresOn: Date;
}

const VERSION = "2021-12-02";

/** The SAS token (query string without "?"). */
export function containerSas(options: ContainerSasOptions): string {
  const expiry = options.expiresOn.toISOString().replace(/\.\d{3}Z$/, "Z");
  const stringToSign = [
    options.permissions,
    "", // signedStart
    expiry,
    `/blob/${options.accountName}/${options.container}`,
    "", // signedIdentifier
    "", // signedIP
    "", // signedProtocol: https and http, as Azurite listens on http
    VERSION,
    "c", // signedResource: the container
    "", // signedSnapshotTime
    "", // signedEncryptionScope
    "", // rscc
    "", // rscd
    "", // rsce
    "", // rscl
    "", // rsct
  ].join("\n");
  const signature = createHmac("sha256", Buffer.from(options.accountKey, "base64"))
    .update(stringToSign, "utf8")
    .digest("base64");
  return new URLSearchParams({ sv: VERSION, sr: "c", sp: options.permissions, se: expiry, sig: signature }).toString();
}
