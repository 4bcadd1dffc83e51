/**
 * Device tokens for the load test: one per simulated device, signed as the token issuer would (HS256 with
 * the bench collector's secret), so each request authenticates like a real device's.
 * @module
 */
import { sign } from "hono/utils/jwt/jwt";
import { BENCH_JWT_SECRET } from "../runtime/collector.js";

export async function deviceTokens(tenant: string, devices: number): Promise<string[]> {
  const now = Math.floor(Date.now() / 1000);
  const tokens: string[] = [];
  for (let device = 0; device < devices; device++) {
    tokens.push(
      await sign(
        {
          tenant,
          sub: device.toString(16).padStart(32, "0"),
          deviceid: `bench-device-${device}`,
          scope: "events:write",
          iat: now,
          exp: now + 3600,
        },
        BENCH_JWT_SECRET,
        "HS256",
      ),
    );
  }
  return tokens;
}
