// Reads a request body as JSON within the limits: Content-Type must be JSON, gzip bodies are decoded as a
// stream, and reading stops as soon as the wire or decoded limit is passed (a gzip bomb never reaches memory).
import type { RequestLimits } from "../core/config.js";
import { CollectorError } from "../core/errors.js";
import { limitsForResponse } from "../core/validate-batch.js";

export interface JsonBody {
  value: unknown;
  wireBytes: number;
  decodedBytes: number;
}

export async function readJsonBody(request: Request, limits: RequestLimits): Promise<JsonBody> {
  assertJsonContentType(request.headers.get("content-type"));
  const gzipped = isGzipEncoded(request.headers.get("content-encoding"));
  assertDeclaredLength(request.headers.get("content-length"), limits);
  const counter = { wireBytes: 0, decodedBytes: 0 };
  const bytes = await readLimited(request.body, gzipped, limits, counter);
  const text = decodeUtf8(bytes);
  return { value: parseJson(text), wireBytes: counter.wireBytes, decodedBytes: counter.decodedBytes };
}

function assertJsonContentType(contentType: string | null): void {
  const mediaType = contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  if (mediaType === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType)) return;
  const got = contentType ? `got ${JSON.stringify(contentType.slice(0, 100))}` : "it is missing";
  throw new CollectorError("unsupported_media_type", `Content-Type must be application/json; ${got}.`);
}

function isGzipEncoded(contentEncoding: string | null): boolean {
  const encoding = contentEncoding?.trim().toLowerCase() ?? "";
  if (encoding === "" || encoding === "identity") return false;
  if (encoding === "gzip" || encoding === "x-gzip") return true;
  throw new CollectorError(
    "unsupported_content_encoding",
    `Content-Encoding ${JSON.stringify(encoding.slice(0, 50))} is not supported; send gzip or no encoding.`,
  );
}

function assertDeclaredLength(contentLength: string | null, limits: RequestLimits): void {
  if (contentLength === null) return;
  const declared = Number(contentLength);
  if (Number.isFinite(declared) && declared > limits.maxWireBytes) {
    throw tooLarge(`The body is ${declared} bytes; at most ${limits.maxWireBytes} bytes may be sent.`, limits);
  }
}

function tooLarge(message: string, limits: RequestLimits): CollectorError {
  return new CollectorError("payload_too_large", message, { details: { limits: limitsForResponse(limits) } });
}

interface ByteCounter {
  wireBytes: number;
  decodedBytes: number;
}

async function readLimited(
  body: ReadableStream<Uint8Array> | null,
  gzipped: boolean,
  limits: RequestLimits,
  counter: ByteCounter,
): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0);
  const wireLimit = countingStream(limits.maxWireBytes, (bytes) => {
    counter.wireBytes = bytes;
    return tooLarge(`The body is over ${limits.maxWireBytes} bytes on the wire; split the batch.`, limits);
  });
  let stream = body.pipeThrough(wireLimit);
  if (gzipped) {
    const decodedLimit = countingStream(limits.maxDecodedBytes, (bytes) => {
      counter.decodedBytes = bytes;
      return tooLarge(`The body decodes to over ${limits.maxDecodedBytes} bytes; split the batch.`, limits);
    });
    stream = stream.pipeThrough(new DecompressionStream("gzip")).pipeThrough(decodedLimit);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk);
      total += chunk.byteLength;
    }
  } catch (error) {
    if (error instanceof CollectorError) throw error;
    throw new CollectorError("invalid_body_encoding", "The gzip body could not be decoded; it is corrupt or truncated.", {
      cause: error,
    });
  }
  counter.decodedBytes = total;
  if (!gzipped) counter.wireBytes = total;
  if (!gzipped && total > limits.maxDecodedBytes) {
    throw tooLarge(`The body is over ${limits.maxDecodedBytes} bytes; split the batch.`, limits);
  }
  return concatenate(chunks, total);
}

/** Passes bytes through and errors with `onExceeded()` once more than `limit` bytes have passed. */
function countingStream(limit: number, onExceeded: (bytes: number) => CollectorError): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  return new TransformStream({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > limit) {
        controller.error(onExceeded(seen));
        return;
      }
      controller.enqueue(chunk);
    },
  });
}

function concatenate(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (error) {
    throw new CollectorError("invalid_body_encoding", "The body is not valid UTF-8.", { cause: error });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.slice(0, 200) : "";
    throw new CollectorError("invalid_json", `The body is not valid JSON: ${reason}`, { cause: error });
  }
}
