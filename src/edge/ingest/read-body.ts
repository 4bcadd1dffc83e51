/**
 * Reads a request body as JSON within the limits: Content-Type must be JSON, gzip bodies are decoded as a
 * stream, and reading stops as soon as the wire or decoded limit is passed (a gzip bomb never reaches memory).
 * @module
 */
import { concatBytes } from "../../core/foundation/concat-bytes.js";
import type { RequestLimits } from "../../core/foundation/config.js";
import { CollectorError } from "../../core/foundation/errors.js";
import { limitsForResponse } from "../../core/events/validate-batch.js";

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
  const wireLimit = gzipped ? limits.maxWireBytes : Math.min(limits.maxWireBytes, limits.maxDecodedBytes);
  const overWire = () => tooLarge(`The body is over ${wireLimit} bytes; split the batch.`, limits);
  if (!gzipped) {
    const bytes = await readAtMost(body, wireLimit, overWire).catch((error: unknown) => {
      throw error instanceof CollectorError ? error : bodyIncomplete(error);
    });
    counter.wireBytes = bytes.byteLength;
    counter.decodedBytes = bytes.byteLength;
    return bytes;
  }
  const decompressor = new DecompressionStream("gzip");
  const pump = pumpInto(body, decompressor.writable, wireLimit, overWire, counter);
  const overDecoded = () =>
    tooLarge(`The body decodes to over ${limits.maxDecodedBytes} bytes; split the batch.`, limits);
  let bytes: Uint8Array;
  try {
    bytes = await readAtMost(decompressor.readable, limits.maxDecodedBytes, overDecoded);
  } catch (error) {
    // Stop decoding at once (a gzip bomb costs no more CPU), but read the rest of the wire body, bounded by the
    // wire limit, so the request is consumed and the client gets this answer rather than a broken connection.
    pump.stopDecoding();
    const wireError = await pump.finished;
    if (wireError) throw wireError;
    if (error instanceof CollectorError) throw error;
    throw new CollectorError(
      "invalid_body_encoding",
      "The gzip body could not be decoded; it is corrupt or truncated.",
      {
        cause: error,
      },
    );
  }
  await pump.finished;
  counter.decodedBytes = bytes.byteLength;
  return bytes;
}

interface WirePump {
  /**
   * Resolves when the wire body has been read to its end, with the 413 once it passed the wire limit, or with
   * body_incomplete when the client stopped sending it.
   */
  finished: Promise<CollectorError | undefined>;
  /** Stops feeding the decompressor; the rest of the wire body is read and discarded. */
  stopDecoding(): void;
}

/**
 * Copies the wire bytes into the decompressor and closes it. Past `limit` it aborts the decompressor and
 * stops reading; `finished` never rejects, since the decoded side reports every other failure.
 */
function pumpInto(
  source: ReadableStream<Uint8Array>,
  destination: WritableStream<Uint8Array>,
  limit: number,
  onExceeded: () => CollectorError,
  counter: ByteCounter,
): WirePump {
  const reader = source.getReader();
  const writer = destination.getWriter();
  let decoding = true;
  const stopDecoding = (reason?: unknown): void => {
    if (!decoding) return;
    decoding = false;
    // Aborting also releases a write that waits on a decoded side nobody reads any more.
    writer.abort(reason).catch(() => undefined);
  };
  const finished = (async (): Promise<CollectorError | undefined> => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        counter.wireBytes += value.byteLength;
        if (counter.wireBytes > limit) {
          const exceeded = onExceeded();
          stopDecoding(exceeded);
          reader.cancel().catch(() => undefined);
          return exceeded;
        }
        await writeInSlices(writer, value, () => decoding).catch(() => stopDecoding());
      }
      if (decoding) await writer.close().catch(() => undefined);
    } catch (error) {
      // The client went away mid-body: its fault, not the gzip's nor ours.
      stopDecoding();
      return bodyIncomplete(error);
    }
    return undefined;
  })();
  return { finished, stopDecoding };
}

/**
 * The decompressor inflates what it is given as soon as it is written, whatever the decoded side has read, so a
 * wire chunk of a gzip bomb would inflate in full (up to 1,000 to 1) before the decoded limit is seen. Small
 * slices, written only while decoding is wanted, keep the work past the limit to one slice.
 */
const DECOMPRESSOR_SLICE_BYTES = 4096;

async function writeInSlices(
  writer: WritableStreamDefaultWriter<Uint8Array>,
  chunk: Uint8Array,
  wanted: () => boolean,
): Promise<void> {
  for (let offset = 0; offset < chunk.byteLength && wanted(); offset += DECOMPRESSOR_SLICE_BYTES) {
    await writer.write(chunk.subarray(offset, offset + DECOMPRESSOR_SLICE_BYTES));
    // Let the decoded side read what this slice produced (and see the limit) before the next one.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** The client stopped sending the body part way (a lost connection): a client error, not the collector's. */
function bodyIncomplete(cause: unknown): CollectorError {
  return new CollectorError("body_incomplete", "The body ended before it was complete; send the request again.", {
    cause,
  });
}

/** Reads a whole stream, stopping with `onExceeded()` as soon as more than `limit` bytes have arrived. */
async function readAtMost(
  stream: ReadableStream<Uint8Array>,
  limit: number,
  onExceeded: () => CollectorError,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      reader.cancel().catch(() => undefined);
      throw onExceeded();
    }
    chunks.push(value);
  }
  return concatBytes(chunks, total);
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
