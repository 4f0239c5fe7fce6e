// Drives every server-side encryption mode with the AWS SDK for JavaScript v3 (issue 11):
// SSE-S3 (AES256), SSE-KMS with an explicit key and with the account's default key
// (alias/aws/s3), DSSE-KMS, and SSE-C, each on a small object, a ranged GET across segment
// boundaries, a two-part multipart upload and a copy into another mode. Endpoint, keys, the
// bucket (SSE-C unblocked) and a KMS key ARN come from the environment. Prints one line per
// check and exits non-zero when any check fails. Run by tests/integration/test_js_sdk.py.
import { createHash, randomBytes } from "node:crypto";
import {
  PutObjectCommand, GetObjectCommand, HeadObjectCommand, CopyObjectCommand,
  CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand,
} from "@aws-sdk/client-s3";
import { assert, bodyBytes, check, clientFromEnv, failures } from "./checks.mjs";

const client = clientFromEnv();
const Bucket = process.env.STOCKTAKE_BUCKET;
const kmsArn = process.env.STOCKTAKE_KMS_KEY_ARN;
const MiB = 1024 * 1024;

async function expectError(promise, status) {
  try {
    await promise;
  } catch (e) {
    assert(e.$metadata.httpStatusCode === status, `status ${e.$metadata.httpStatusCode} (${e.name})`);
    return e;
  }
  throw new Error(`expected an error ${status}`);
}

const customerKey = randomBytes(32);
const customerMd5 = createHash("md5").update(customerKey).digest("base64");
const ssec = { SSECustomerAlgorithm: "AES256", SSECustomerKey: customerKey };

// put: parameters of the write; read: of GET/HEAD; expect(resp): what every answer reports
const modes = {
  "sse-s3": {
    put: { ServerSideEncryption: "AES256" }, read: {},
    expect: (r) => assert(r.ServerSideEncryption === "AES256", `SSE ${r.ServerSideEncryption}`),
  },
  "sse-kms explicit key": {
    put: { ServerSideEncryption: "aws:kms", SSEKMSKeyId: kmsArn }, read: {},
    expect: (r) => {
      assert(r.ServerSideEncryption === "aws:kms", `SSE ${r.ServerSideEncryption}`);
      assert(r.SSEKMSKeyId === kmsArn, `key ${r.SSEKMSKeyId}`);
    },
  },
  "sse-kms default key": {
    put: { ServerSideEncryption: "aws:kms" }, read: {},
    expect: (r) => {
      assert(r.ServerSideEncryption === "aws:kms", `SSE ${r.ServerSideEncryption}`);
      assert(/^arn:aws:kms:[^:]+:\d{12}:key\//.test(r.SSEKMSKeyId || ""), `key ${r.SSEKMSKeyId}`);
      assert(r.SSEKMSKeyId !== kmsArn, "the default key is not the explicit one");
    },
  },
  "dsse-kms": {
    put: { ServerSideEncryption: "aws:kms:dsse", SSEKMSKeyId: kmsArn }, read: {},
    expect: (r) => {
      assert(r.ServerSideEncryption === "aws:kms:dsse", `SSE ${r.ServerSideEncryption}`);
      assert(r.SSEKMSKeyId === kmsArn, `key ${r.SSEKMSKeyId}`);
    },
  },
  "sse-c": {
    put: ssec, read: ssec,
    expect: (r) => {
      assert(r.SSECustomerAlgorithm === "AES256", `algorithm ${r.SSECustomerAlgorithm}`);
      assert(r.SSECustomerKeyMD5 === customerMd5, `key MD5 ${r.SSECustomerKeyMD5}`);
      assert(r.ServerSideEncryption === undefined, `SSE ${r.ServerSideEncryption}`);
    },
  },
};

let n = 0;
for (const [name, m] of Object.entries(modes)) {
  const tag = `m${n++}`;
  const small = randomBytes(1000);
  const ranged = randomBytes(200 * 1024 + 7);

  await check(`${name} small put/get/head`, async () => {
    m.expect(await client.send(new PutObjectCommand({ Bucket, Key: `${tag}-small`, Body: small, ...m.put })));
    const g = await client.send(new GetObjectCommand({ Bucket, Key: `${tag}-small`, ...m.read }));
    m.expect(g);
    assert((await bodyBytes(g)).equals(small), "body differs");
    const h = await client.send(new HeadObjectCommand({ Bucket, Key: `${tag}-small`, ...m.read }));
    m.expect(h);
    assert(h.ContentLength === small.length, `length ${h.ContentLength}`);
  });

  await check(`${name} ranged get`, async () => {
    await client.send(new PutObjectCommand({ Bucket, Key: `${tag}-ranged`, Body: ranged, ...m.put }));
    for (const [a, b] of [[0, 0], [65535, 65536], [1000, 140000], [ranged.length - 5, ranged.length - 1]]) {
      const g = await client.send(new GetObjectCommand({
        Bucket, Key: `${tag}-ranged`, Range: `bytes=${a}-${b}`, ...m.read,
      }));
      m.expect(g);
      assert(g.ContentRange === `bytes ${a}-${b}/${ranged.length}`, `range ${g.ContentRange}`);
      assert((await bodyBytes(g)).equals(ranged.subarray(a, b + 1)), `bytes ${a}-${b} differ`);
    }
  });

  await check(`${name} multipart`, async () => {
    const Key = `${tag}-mp`;
    const parts = [randomBytes(5 * MiB), randomBytes(MiB + 3)];
    const u = await client.send(new CreateMultipartUploadCommand({ Bucket, Key, ...m.put }));
    m.expect(u);
    const done = [];
    for (let i = 0; i < parts.length; i++) {
      const p = await client.send(new UploadPartCommand({
        Bucket, Key, UploadId: u.UploadId, PartNumber: i + 1, Body: parts[i], ...m.read,
      }));
      m.expect(p);
      done.push({ PartNumber: i + 1, ETag: p.ETag });
    }
    const c = await client.send(new CompleteMultipartUploadCommand({
      Bucket, Key, UploadId: u.UploadId, MultipartUpload: { Parts: done }, ...m.read,
    }));
    // CompleteMultipartUploadOutput has no SSE-C members in AWS's API; the others report
    if (m.put.SSECustomerKey) assert(c.ServerSideEncryption === undefined, "SSE on SSE-C");
    else m.expect(c);
    const whole = Buffer.concat(parts);
    const g = await client.send(new GetObjectCommand({ Bucket, Key, ...m.read }));
    m.expect(g);
    assert((await bodyBytes(g)).equals(whole), "body differs");
    const a = 5 * MiB - 10, b = 5 * MiB + 70000; // across the part boundary
    const r = await client.send(new GetObjectCommand({ Bucket, Key, Range: `bytes=${a}-${b}`, ...m.read }));
    assert((await bodyBytes(r)).equals(whole.subarray(a, b + 1)), "range across parts differs");
    const h = await client.send(new HeadObjectCommand({ Bucket, Key, ...m.read }));
    m.expect(h);
    assert(h.ContentLength === whole.length, `length ${h.ContentLength}`);
    assert(/-2"$/.test(h.ETag), `multipart ETag ${h.ETag}`);
  });
}

await check("sse-c wrong or missing key refused", async () => {
  const k = "m4-small";
  await expectError(client.send(new GetObjectCommand({ Bucket, Key: k })), 400);
  const other = { SSECustomerAlgorithm: "AES256", SSECustomerKey: randomBytes(32) };
  await expectError(client.send(new GetObjectCommand({ Bucket, Key: k, ...other })), 400);
  await expectError(client.send(new HeadObjectCommand({ Bucket, Key: k, ...other })), 400);
});

await check("copy sse-c to sse-kms and back", async () => {
  const body = randomBytes(70000);
  await client.send(new PutObjectCommand({ Bucket, Key: "cp-src", Body: body, ...ssec }));
  const c = await client.send(new CopyObjectCommand({
    Bucket, Key: "cp-kms", CopySource: `${Bucket}/cp-src`,
    CopySourceSSECustomerAlgorithm: "AES256", CopySourceSSECustomerKey: customerKey,
    ServerSideEncryption: "aws:kms", SSEKMSKeyId: kmsArn,
  }));
  modes["sse-kms explicit key"].expect(c);
  const g = await client.send(new GetObjectCommand({ Bucket, Key: "cp-kms" }));
  assert((await bodyBytes(g)).equals(body), "kms copy differs");
  const back = await client.send(new CopyObjectCommand({
    Bucket, Key: "cp-ssec", CopySource: `${Bucket}/cp-kms`, ...ssec,
  }));
  modes["sse-c"].expect(back);
  const g2 = await client.send(new GetObjectCommand({ Bucket, Key: "cp-ssec", ...ssec }));
  assert((await bodyBytes(g2)).equals(body), "sse-c copy differs");
});

process.exit(failures() ? 1 : 0);
