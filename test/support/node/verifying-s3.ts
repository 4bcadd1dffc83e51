/**
 * An S3 stand-in on a loopback port that checks every request's SigV4 signature as S3 does, by recomputing it
 * with AWS's own signer (@smithy/signature-v4, the AWS SDK's) from what arrived on the wire, and refuses a
 * mismatch with 403 SignatureDoesNotMatch. A signed payload hash must match the body (UNSIGNED-PAYLOAD is taken,
 * as S3 takes it), the date must be within 15 minutes and the credential scope must name its region. It keeps
 * objects in memory and answers the calls delivery makes: PutObject, DeleteObject, and the multipart upload
 * (create, upload part, complete, abort), path-style (`/{bucket}/{key}`) or virtual-hosted
 * (`{bucket}.s3.{region}.amazonaws.com`, reached through loopback-fetch.ts, which passes the original host in
 * x-forwarded-host). It can be stopped and started again on its port (a destination's outage) with its objects.
 * @module
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import { freePort } from "./free-port.js";

export const S3_TEST_KEY = { accessKeyId: "AKIALOOPBACKTEST0001", secretAccessKey: "loopback/Test+Secret/Key0001" };

/** What the stand-in answered to one request. */
export interface AnsweredRequest {
  method: string;
  host: string;
  path: string;
  query: string[];
  status: number;
  code: string | undefined;
}

export interface VerifyingS3 {
  /** http://127.0.0.1:{port}, for path-style destinations. */
  endpoint: string;
  region: string;
  /** Every request so far, in order, with the answer: a signature that did not match is a 403 here. */
  answered: AnsweredRequest[];
  /** Every key in the bucket under the prefix, sorted. */
  keys(bucket: string, prefix?: string): Promise<string[]>;
  get(bucket: string, key: string): Promise<{ bytes: Uint8Array; contentType: string | null }>;
  /** Multipart uploads created and neither completed nor aborted. */
  openUploads(): number;
  /** Answers the next request that matches with this error instead of handling it. */
  failNext(matches: (method: string, query: URLSearchParams) => boolean, status: number, code: string): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

interface StoredObject {
  bytes: Buffer;
  contentType: string | null;
}

interface Upload {
  bucket: string;
  key: string;
  contentType: string | null;
  parts: Map<number, { bytes: Buffer; etag: string }>;
}

class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const MIN_PART_BYTES = 5 * 1024 * 1024;
const MAX_SKEW_MS = 15 * 60 * 1000;

export async function startVerifyingS3(options: { buckets: readonly string[]; region?: string }): Promise<VerifyingS3> {
  const region = options.region ?? "us-east-1";
  const port = await freePort();
  const buckets = new Map(options.buckets.map((name) => [name, new Map<string, StoredObject>()]));
  const uploads = new Map<string, Upload>();
  const answered: AnsweredRequest[] = [];
  const failures: Array<{
    matches: (method: string, query: URLSearchParams) => boolean;
    status: number;
    code: string;
  }> = [];
  const signer = new SignatureV4({
    service: "s3",
    region,
    credentials: S3_TEST_KEY,
    sha256: Hash.bind(null, "sha256"),
    // S3 signs the path as sent, encoded once: canonicalPath() below builds it as S3 does.
    uriEscapePath: false,
  });

  async function handle(
    request: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; xml?: string; etag?: string }> {
    const url = new URL(request.url ?? "/", "http://stand-in");
    const host = String(request.headers["x-forwarded-host"] ?? request.headers.host ?? "");
    await verifySignature(request, host, url, body);
    const failure = failures.findIndex((each) => each.matches(request.method ?? "", url.searchParams));
    if (failure >= 0) {
      const [{ status, code }] = failures.splice(failure, 1) as [(typeof failures)[number]];
      throw new S3Error(status, code, "injected failure");
    }
    const { bucket, key } = bucketAndKey(host, url.pathname);
    const objects = buckets.get(bucket);
    if (!objects) throw new S3Error(404, "NoSuchBucket", "The specified bucket does not exist");
    const query = url.searchParams;
    const contentType = request.headers["content-type"] ?? null;
    switch (`${request.method} ${["uploads", "uploadId", "partNumber"].filter((name) => query.has(name)).join("&")}`) {
      case "PUT ":
        objects.set(key, { bytes: body, contentType });
        return { status: 200, etag: etagOf(body) };
      case "DELETE ":
        objects.delete(key);
        return { status: 204 };
      case "POST uploads": {
        const uploadId = randomBytes(16).toString("hex");
        uploads.set(uploadId, { bucket, key, contentType, parts: new Map() });
        return {
          status: 200,
          xml: `<InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`,
        };
      }
      case "PUT uploadId&partNumber": {
        const upload = uploadOf(query, bucket, key);
        const etag = etagOf(body);
        upload.parts.set(Number(query.get("partNumber")), { bytes: body, etag });
        return { status: 200, etag };
      }
      case "POST uploadId": {
        const upload = uploadOf(query, bucket, key);
        const listed = [...body.toString("utf8").matchAll(/<PartNumber>(\d+)<\/PartNumber><ETag>([^<]*)<\/ETag>/g)];
        const parts = listed.map(([, number, etag]) => {
          const part = upload.parts.get(Number(number));
          if (!part || part.etag !== etag!.replaceAll("&quot;", '"')) throw new S3Error(400, "InvalidPart", "bad part");
          return part;
        });
        if (parts.length === 0) throw new S3Error(400, "MalformedXML", "no parts");
        if (parts.slice(0, -1).some((part) => part.bytes.byteLength < MIN_PART_BYTES))
          throw new S3Error(400, "EntityTooSmall", "a part other than the last is under 5 MiB");
        const bytes = Buffer.concat(parts.map((part) => part.bytes));
        objects.set(key, { bytes, contentType: upload.contentType });
        uploads.delete(query.get("uploadId")!);
        return {
          status: 200,
          xml: `<CompleteMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><ETag>${etagOf(bytes)}</ETag></CompleteMultipartUploadResult>`,
        };
      }
      case "DELETE uploadId":
        uploadOf(query, bucket, key);
        uploads.delete(query.get("uploadId")!);
        return { status: 204 };
      default:
        throw new S3Error(501, "NotImplemented", `${request.method} ${url.search} is not something delivery does`);
    }
  }

  function uploadOf(query: URLSearchParams, bucket: string, key: string): Upload {
    const upload = uploads.get(query.get("uploadId") ?? "");
    if (!upload || upload.bucket !== bucket || upload.key !== key)
      throw new S3Error(404, "NoSuchUpload", "The specified upload does not exist");
    return upload;
  }

  /** Recomputes the request's signature with @smithy/signature-v4 and compares; throws the error S3 would answer. */
  async function verifySignature(request: IncomingMessage, host: string, url: URL, body: Buffer): Promise<void> {
    const authorization = String(request.headers.authorization ?? "");
    const parsed =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
        authorization,
      );
    if (!parsed) throw new S3Error(403, "AccessDenied", "no or malformed SigV4 Authorization header");
    const [, accessKeyId, day, scopeRegion, signedHeaderList, signature] = parsed as unknown as string[];
    if (accessKeyId !== S3_TEST_KEY.accessKeyId)
      throw new S3Error(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.");
    if (scopeRegion !== region)
      throw new S3Error(
        400,
        "AuthorizationHeaderMalformed",
        `the region '${scopeRegion}' is wrong; expecting '${region}'`,
      );
    const amzDate = String(request.headers["x-amz-date"] ?? "");
    const signingDate = parseAmzDate(amzDate);
    if (!signingDate || amzDate.slice(0, 8) !== day) throw new S3Error(403, "AccessDenied", "bad x-amz-date");
    if (Math.abs(Date.now() - signingDate.getTime()) > MAX_SKEW_MS)
      throw new S3Error(
        403,
        "RequestTimeTooSkewed",
        "The difference between the request time and the current time is too large.",
      );
    const signedHeaders = signedHeaderList!.split(";");
    for (const required of ["host", "x-amz-date", "x-amz-content-sha256"])
      if (!signedHeaders.includes(required)) throw new S3Error(403, "AccessDenied", `${required} must be signed`);
    const payloadHash = String(request.headers["x-amz-content-sha256"] ?? "");
    if (payloadHash !== "UNSIGNED-PAYLOAD" && payloadHash !== createHash("sha256").update(body).digest("hex"))
      throw new S3Error(
        400,
        "XAmzContentSHA256Mismatch",
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
      );

    const headers: Record<string, string> = {};
    for (const name of signedHeaders) headers[name] = name === "host" ? host : String(request.headers[name] ?? "");
    const query: Record<string, string | string[]> = {};
    for (const [name, value] of url.searchParams) {
      const earlier = query[name];
      query[name] = earlier === undefined ? value : [earlier, value].flat();
    }
    const expected = await signer.sign(
      {
        method: request.method ?? "GET",
        protocol: "https:",
        hostname: host,
        path: canonicalPath(url.pathname),
        query,
        headers,
      },
      { signingDate, signableHeaders: new Set(signedHeaders) },
    );
    const expectedSignature = /Signature=([0-9a-f]{64})$/.exec(String(expected.headers.authorization))?.[1];
    if (expectedSignature !== signature)
      throw new S3Error(
        403,
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided.",
      );
  }

  function bucketAndKey(host: string, pathname: string): { bucket: string; key: string } {
    const segments = pathname.split("/").slice(1).map(decodeURIComponent);
    const virtual = /^(.+)\.s3\.[a-z0-9-]+\.amazonaws\.com$/.exec(host);
    if (virtual) return { bucket: virtual[1]!, key: segments.join("/") };
    return { bucket: segments[0] ?? "", key: segments.slice(1).join("/") };
  }

  let server: Server | undefined;
  const local: VerifyingS3 = {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    answered,
    async keys(bucket, prefix = "") {
      return [...(buckets.get(bucket)?.keys() ?? [])].filter((key) => key.startsWith(prefix)).sort();
    },
    async get(bucket, key) {
      const object = buckets.get(bucket)?.get(key);
      if (!object) throw new Error(`no object ${bucket}/${key}`);
      return { bytes: new Uint8Array(object.bytes), contentType: object.contentType };
    },
    openUploads: () => uploads.size,
    failNext(matches, status, code) {
      failures.push({ matches, status, code });
    },
    async start() {
      server = createServer((request, response) => void respond(request, response));
      await new Promise<void>((resolve, reject) => {
        server!.once("error", reject);
        server!.listen(port, "127.0.0.1", resolve);
      });
    },
    async stop() {
      const closing = server;
      server = undefined;
      if (!closing) return;
      closing.closeAllConnections();
      await new Promise((resolve) => closing.close(resolve));
    },
  };

  async function respond(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? "/", "http://stand-in");
    const record: AnsweredRequest = {
      method: request.method ?? "",
      host: String(request.headers["x-forwarded-host"] ?? request.headers.host ?? ""),
      path: url.pathname,
      query: [...url.searchParams.keys()],
      status: 500,
      code: undefined,
    };
    answered.push(record);
    try {
      const answer = await handle(request, Buffer.concat(chunks));
      record.status = answer.status;
      if (answer.etag) response.setHeader("etag", answer.etag);
      if (answer.xml) response.setHeader("content-type", "application/xml");
      response.writeHead(answer.status).end(answer.xml ? `<?xml version="1.0" encoding="UTF-8"?>${answer.xml}` : "");
    } catch (error) {
      const failure = error instanceof S3Error ? error : new S3Error(500, "InternalError", String(error));
      record.status = failure.status;
      record.code = failure.code;
      response
        .writeHead(failure.status, { "content-type": "application/xml" })
        .end(
          `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${failure.code}</Code><Message>${failure.message}</Message></Error>`,
        );
    }
  }

  await local.start();
  return local;
}

/** S3's canonical URI: each segment of the path as sent, decoded, then encoded once with RFC 3986's rules. */
function canonicalPath(pathname: string): string {
  return pathname
    .split("/")
    .map((segment) =>
      encodeURIComponent(decodeURIComponent(segment)).replace(
        /[!'()*]/g,
        (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    )
    .join("/");
}

/** x-amz-date's basic ISO 8601 form, YYYYMMDD'T'HHMMSS'Z'. */
function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hours, minutes, seconds] = match.map(Number) as number[];
  return new Date(Date.UTC(year!, month! - 1, day!, hours!, minutes!, seconds!));
}

function etagOf(bytes: Buffer): string {
  return `"${createHash("md5").update(bytes).digest("hex")}"`;
}
