// The shared pieces of the SDK check scripts: an S3 client from the environment
// (STOCKTAKE_ENDPOINT, _REGION, _ACCESS_KEY, _SECRET_KEY), named checks that count their
// failures, assert, and a response body as bytes.
import { S3Client } from "@aws-sdk/client-s3";

export function clientFromEnv() {
  return new S3Client({
    endpoint: process.env.STOCKTAKE_ENDPOINT, region: process.env.STOCKTAKE_REGION,
    forcePathStyle: true,
    credentials: {
      accessKeyId: process.env.STOCKTAKE_ACCESS_KEY,
      secretAccessKey: process.env.STOCKTAKE_SECRET_KEY,
    },
    maxAttempts: 1,
  });
}

let failed = 0;

// Run fn as the check called name: prints "ok name" or "FAIL name: why".
export async function check(name, fn) {
  try {
    await fn();
    console.log(`ok ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e.name}: ${e.message}`);
  }
}

// The number of checks that failed so far.
export function failures() {
  return failed;
}

export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

export async function bodyBytes(resp) {
  return Buffer.from(await resp.Body.transformToByteArray());
}
