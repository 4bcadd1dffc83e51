/**
 * Uploads to Azure Blob Storage through its REST API with plain fetch: Put Blob (x-ms-blob-type: BlockBlob) for
 * a small file, Put Block per part then Put Block List for a large one. Requests are authorised by the SAS
 * token in the query string, or signed with the account key (azure-shared-key.ts).
 * @module
 */
import type { AzureSettings } from "../core/delivery/destination.js";
import { destinationBaseUrl } from "../core/delivery/destination-endpoint.js";
import { sharedKeyAuthorization } from "./azure-shared-key.js";
import { encodeKeyPath } from "./object-key.js";
import { partRanges, type ObjectSource } from "./object-source.js";
import { networkFailure, storageFailureFrom } from "./storage-failure.js";
import { STORAGE_REQUEST_TIMEOUT_MS, type Uploader, type UploadLimits } from "./uploader.js";

/** A version every current Azure region and Azurite accept, with the 2015-02-21+ signing rules. */
const API_VERSION = "2021-12-02";

export function azureUploader(settings: AzureSettings, secret: string): Uploader {
  const baseUrl = destinationBaseUrl(settings);
  const accountName = settings.accountName ?? accountNameOf(new URL(baseUrl));

  async function send(
    action: string,
    key: string,
    query: Record<string, string>,
    init: { method: string; headers?: Record<string, string>; body?: Uint8Array | string },
  ): Promise<Response> {
    const url = new URL(baseUrl + encodeKeyPath(key));
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const body = typeof init.body === "string" ? new TextEncoder().encode(init.body) : init.body;
    const headers: Record<string, string> = {
      "x-ms-date": new Date().toUTCString(),
      "x-ms-version": API_VERSION,
      ...init.headers,
    };
    if (settings.auth === "shared_key") {
      headers.authorization = await sharedKeyAuthorization(
        { method: init.method, url, headers, contentLength: body?.byteLength ?? 0 },
        accountName,
        secret,
      );
    } else {
      url.search = url.search ? `${url.search}&${secret}` : `?${secret}`;
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method: init.method,
        headers,
        signal: AbortSignal.timeout(STORAGE_REQUEST_TIMEOUT_MS),
        ...(body ? { body } : {}),
      });
    } catch (error) {
      throw networkFailure(error, action);
    }
    if (!response.ok) throw await storageFailureFrom(response, action);
    await response.body?.cancel();
    return response;
  }

  async function putBlocks(key: string, source: ObjectSource, limits: UploadLimits): Promise<void> {
    const blockIds: string[] = [];
    // Block ids must all have the same length; a fixed-width index gives that and keeps them in order.
    for (const [index, [offset, length]] of partRanges(source.size, limits.partBytes).entries()) {
      const blockId = btoa(`block-${String(index).padStart(6, "0")}`);
      await send(
        `Put Block ${index + 1}`,
        key,
        { comp: "block", blockid: blockId },
        { method: "PUT", body: await source.read(offset, length) },
      );
      blockIds.push(blockId);
    }
    const list = `<?xml version="1.0" encoding="utf-8"?><BlockList>${blockIds.map((id) => `<Latest>${id}</Latest>`).join("")}</BlockList>`;
    await send(
      "Put Block List",
      key,
      { comp: "blocklist" },
      {
        method: "PUT",
        headers: { "content-type": "application/xml", "x-ms-blob-content-type": source.contentType },
        body: list,
      },
    );
  }

  return {
    prefix: settings.prefix.replace(/\/+$/, ""),
    async put(key, source, limits) {
      if (source.size > limits.singlePutMaxBytes) return putBlocks(key, source, limits);
      await send(
        "Put Blob",
        key,
        {},
        {
          method: "PUT",
          headers: { "content-type": source.contentType, "x-ms-blob-type": "BlockBlob" },
          body: await source.read(0, source.size),
        },
      );
    },
    async delete(key) {
      await send("Delete Blob", key, {}, { method: "DELETE" });
    },
  };
}

/** {account}.blob.core.windows.net, or an emulator's path style http://host:port/{account}/{container}. */
export function accountNameOf(containerUrl: URL): string {
  const hosted = /^([a-z0-9]{3,24})\.blob\./.exec(containerUrl.hostname);
  if (hosted?.[1]) return hosted[1];
  const [account] = containerUrl.pathname.split("/").filter(Boolean);
  if (!account) throw new Error(`cannot tell the storage account from ${containerUrl.origin}; give accountName`);
  return account;
}
