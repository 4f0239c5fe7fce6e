// Drives a Stocktake server with the AWS SDK for JavaScript v3 in its default configuration
// (CRC32 checksums on every upload, aws-chunked bodies with a trailing checksum for streams).
// Endpoint and keys come from the environment; prints one line per check and exits non-zero
// when any check fails. Run by tests/integration/test_js_sdk.py.
import { Readable } from "node:stream";
import { createHash, randomBytes } from "node:crypto";
import {
  CreateBucketCommand, HeadBucketCommand, ListBucketsCommand, PutObjectCommand,
  GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, DeleteObjectCommand,
  DeleteObjectsCommand, DeleteBucketCommand, CreateMultipartUploadCommand, UploadPartCommand,
  CompleteMultipartUploadCommand, AbortMultipartUploadCommand, ListPartsCommand,
  CopyObjectCommand, PutBucketVersioningCommand, ListObjectVersionsCommand,
  GetObjectAttributesCommand,
} from "@aws-sdk/client-s3";
import { assert, bodyBytes, check, clientFromEnv, failures } from "./checks.mjs";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";

const endpoint = process.env.STOCKTAKE_ENDPOINT;
const client = clientFromEnv();
const Bucket = "js-sdk-bucket";

async function expectError(promise, name, status) {
  try {
    await promise;
  } catch (e) {
    assert(e.name === name, `expected ${name}, got ${e.name}`);
    if (status) assert(e.$metadata.httpStatusCode === status, `status ${e.$metadata.httpStatusCode}`);
    return;
  }
  throw new Error(`expected ${name}`);
}

const md5 = (b) => `"${createHash("md5").update(b).digest("hex")}"`;

await check("create and head bucket", async () => {
  await client.send(new CreateBucketCommand({ Bucket }));
  await client.send(new HeadBucketCommand({ Bucket }));
  const list = await client.send(new ListBucketsCommand({}));
  assert(list.Buckets.some((b) => b.Name === Bucket), "bucket listed");
});

await check("put string body (CRC32 header)", async () => {
  const put = await client.send(new PutObjectCommand({ Bucket, Key: "hello.txt", Body: "hello js" }));
  assert(put.ETag === md5("hello js"), `etag ${put.ETag}`);
  const got = await client.send(new GetObjectCommand({ Bucket, Key: "hello.txt" }));
  assert((await bodyBytes(got)).toString() === "hello js", "body");
});

await check("put stream body (aws-chunked + trailer)", async () => {
  const data = randomBytes(3 * 1024 * 1024 + 17);
  const stream = Readable.from((function* () {
    for (let i = 0; i < data.length; i += 65536) yield data.subarray(i, i + 65536);
  })());
  await client.send(new PutObjectCommand({
    Bucket, Key: "stream.bin", Body: stream, ContentLength: data.length,
  }));
  const got = await client.send(new GetObjectCommand({ Bucket, Key: "stream.bin" }));
  const back = await bodyBytes(got);
  assert(back.equals(data), `stream body differs (${back.length} vs ${data.length})`);
  assert(got.ETag === md5(data), "etag is md5 of decoded body");
  assert(!got.ContentEncoding, `content-encoding leaked: ${got.ContentEncoding}`);
});

await check("put 0-byte and multi-megabyte buffers", async () => {
  await client.send(new PutObjectCommand({ Bucket, Key: "empty", Body: new Uint8Array(0) }));
  const head = await client.send(new HeadObjectCommand({ Bucket, Key: "empty" }));
  assert(head.ContentLength === 0, "empty length");
  const big = randomBytes(12 * 1024 * 1024);
  await client.send(new PutObjectCommand({ Bucket, Key: "big.bin", Body: big }));
  const got = await client.send(new GetObjectCommand({ Bucket, Key: "big.bin" }));
  assert((await bodyBytes(got)).equals(big), "big body");
});

const tricky = ["ünïcödé/日本語.txt", "space and+plus", "per%cent", "new\nline", "emoji😀",
  "q?mark#hash", "a/b/c/"];

await check("tricky keys round trip and list", async () => {
  for (const Key of tricky) {
    await client.send(new PutObjectCommand({ Bucket, Key: `t/${Key}`, Body: Key }));
    const got = await client.send(new GetObjectCommand({ Bucket, Key: `t/${Key}` }));
    assert((await bodyBytes(got)).toString() === Key, `body of ${Key}`);
  }
  const list = await client.send(new ListObjectsV2Command({ Bucket, Prefix: "t/" }));
  const keys = list.Contents.map((o) => o.Key).sort();
  const expected = tricky.map((k) => `t/${k}`).sort();
  assert(JSON.stringify(keys) === JSON.stringify(expected), `keys ${JSON.stringify(keys)}`);
});

await check("metadata and checksum mode", async () => {
  await client.send(new PutObjectCommand({
    Bucket, Key: "meta.json", Body: "{}", ContentType: "application/json",
    Metadata: { project: "stocktake" }, StorageClass: "STANDARD_IA",
  }));
  const head = await client.send(new HeadObjectCommand({ Bucket, Key: "meta.json", ChecksumMode: "ENABLED" }));
  assert(head.ContentType === "application/json", "content type");
  assert(head.Metadata.project === "stocktake", "metadata");
  assert(head.StorageClass === "STANDARD_IA", "storage class");
  assert(head.ChecksumCRC32, "CRC32 stored and returned");
});

await check("delimiter listing and pagination", async () => {
  for (let i = 0; i < 7; i++) {
    await client.send(new PutObjectCommand({ Bucket, Key: `p/dir${i % 3}/f${i}`, Body: "x" }));
  }
  const top = await client.send(new ListObjectsV2Command({ Bucket, Prefix: "p/", Delimiter: "/" }));
  const prefixes = top.CommonPrefixes.map((p) => p.Prefix);
  assert(JSON.stringify(prefixes) === JSON.stringify(["p/dir0/", "p/dir1/", "p/dir2/"]), `${prefixes}`);
  let token, seen = [];
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket, Prefix: "p/", MaxKeys: 2, ContinuationToken: token }));
    seen.push(...page.Contents.map((o) => o.Key));
    token = page.NextContinuationToken;
  } while (token);
  assert(seen.length === 7, `paged ${seen.length}`);
});

await check("range get", async () => {
  const got = await client.send(new GetObjectCommand({ Bucket, Key: "hello.txt", Range: "bytes=0-4" }));
  assert((await bodyBytes(got)).toString() === "hello", "range");
  assert(got.ContentRange === "bytes 0-4/8", got.ContentRange);
});

await check("presigned GET and PUT", async () => {
  const putUrl = await getSignedUrl(client, new PutObjectCommand({ Bucket, Key: "presigned ü" }), { expiresIn: 300 });
  const put = await fetch(putUrl, { method: "PUT", body: "via presigned url" });
  assert(put.status === 200, `presigned put ${put.status} ${await put.text()}`);
  const getUrl = await getSignedUrl(client, new GetObjectCommand({ Bucket, Key: "presigned ü" }), { expiresIn: 300 });
  const get = await fetch(getUrl);
  assert(get.status === 200, `presigned get ${get.status}`);
  assert((await get.text()) === "via presigned url", "presigned body");
});

await check("errors", async () => {
  await expectError(client.send(new GetObjectCommand({ Bucket, Key: "missing" })), "NoSuchKey", 404);
  await expectError(client.send(new HeadObjectCommand({ Bucket, Key: "missing" })), "NotFound", 404);
  await expectError(client.send(new ListObjectsV2Command({ Bucket: "no-such-bucket-js" })), "NoSuchBucket", 404);
  const again = await client.send(new CreateBucketCommand({ Bucket })); // us-east-1: 200, as AWS
  assert(again.$metadata.httpStatusCode === 200, `re-create own bucket ${again.$metadata.httpStatusCode}`);
  await expectError(client.send(new DeleteBucketCommand({ Bucket })), "BucketNotEmpty", 409);
  await expectError(client.send(new PutObjectCommand({ Bucket, Key: "x", Body: "x", StorageClass: "NOPE" })), "InvalidStorageClass", 400);
});

await check("multipart upload with default checksums", async () => {
  const Key = "mp/ü multipart.bin";
  const parts = [randomBytes(5 * 1024 * 1024), randomBytes(5 * 1024 * 1024), randomBytes(1234)];
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket, Key, ChecksumAlgorithm: "CRC32" }));
  const done = [];
  for (let i = 0; i < parts.length; i++) {
    const r = await client.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: i + 1, Body: parts[i] }));
    assert(r.ChecksumCRC32, "part checksum returned");
    done.push({ PartNumber: i + 1, ETag: r.ETag, ChecksumCRC32: r.ChecksumCRC32 });
  }
  const listed = await client.send(new ListPartsCommand({ Bucket, Key, UploadId }));
  assert(listed.Parts.length === 3, "three parts listed");
  const c = await client.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: done } }));
  assert(/-3"$/.test(c.ETag), `etag ${c.ETag}`);
  assert(/-3$/.test(c.ChecksumCRC32), `composite checksum ${c.ChecksumCRC32}`);
  const got = await client.send(new GetObjectCommand({ Bucket, Key }));
  assert((await bodyBytes(got)).equals(Buffer.concat(parts)), "multipart body");
  const attrs = await client.send(new GetObjectAttributesCommand({ Bucket, Key, ObjectAttributes: ["ObjectParts", "ObjectSize"] }));
  assert(attrs.ObjectParts.TotalPartsCount === 3, "parts count");
  const aborted = await client.send(new CreateMultipartUploadCommand({ Bucket, Key: "mp/aborted" }));
  await client.send(new UploadPartCommand({ Bucket, Key: "mp/aborted", UploadId: aborted.UploadId, PartNumber: 1, Body: "x" }));
  await client.send(new AbortMultipartUploadCommand({ Bucket, Key: "mp/aborted", UploadId: aborted.UploadId }));
  await expectError(client.send(new ListPartsCommand({ Bucket, Key: "mp/aborted", UploadId: aborted.UploadId })), "NoSuchUpload", 404);
});

await check("copy object", async () => {
  const r = await client.send(new CopyObjectCommand({ Bucket, Key: "copied.txt", CopySource: `${Bucket}/hello.txt` }));
  assert(r.CopyObjectResult.ETag === md5("hello js"), "copy etag");
  const got = await client.send(new GetObjectCommand({ Bucket, Key: "copied.txt" }));
  assert((await bodyBytes(got)).toString() === "hello js", "copy body");
});

await check("versioning and delete markers", async () => {
  await client.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Enabled" } }));
  const v1 = await client.send(new PutObjectCommand({ Bucket, Key: "ver.txt", Body: "one" }));
  const v2 = await client.send(new PutObjectCommand({ Bucket, Key: "ver.txt", Body: "two" }));
  assert(v1.VersionId && v2.VersionId && v1.VersionId !== v2.VersionId, "version ids");
  const d = await client.send(new DeleteObjectCommand({ Bucket, Key: "ver.txt" }));
  assert(d.DeleteMarker === true, "delete marker");
  await expectError(client.send(new GetObjectCommand({ Bucket, Key: "ver.txt" })), "NoSuchKey", 404);
  const old = await client.send(new GetObjectCommand({ Bucket, Key: "ver.txt", VersionId: v1.VersionId }));
  assert((await bodyBytes(old)).toString() === "one", "old version");
  const vs = await client.send(new ListObjectVersionsCommand({ Bucket, Prefix: "ver.txt" }));
  assert(vs.Versions.length === 2 && vs.DeleteMarkers.length === 1, "versions listed");
  for (const v of [...vs.Versions, ...vs.DeleteMarkers]) {
    await client.send(new DeleteObjectCommand({ Bucket, Key: v.Key, VersionId: v.VersionId }));
  }
});

await check("delete objects (CRC32, no Content-MD5) and bucket", async () => {
  // in a versioned bucket, deleting an absent key still adds a delete marker
  const dm = await client.send(new DeleteObjectCommand({ Bucket, Key: "already-gone" }));
  assert(dm.DeleteMarker === true, "delete marker for an absent key");
  let km, vm;
  do {
    const page = await client.send(new ListObjectVersionsCommand({ Bucket, KeyMarker: km, VersionIdMarker: vm }));
    const all = [...(page.Versions || []), ...(page.DeleteMarkers || [])];
    if (all.length) {
      const r = await client.send(new DeleteObjectsCommand({
        Bucket, Delete: { Objects: all.map((o) => ({ Key: o.Key, VersionId: o.VersionId })) },
      }));
      assert(r.Deleted.length === all.length, "deleted all");
    }
    km = page.IsTruncated ? page.NextKeyMarker : undefined;
    vm = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (km);
  await client.send(new DeleteBucketCommand({ Bucket }));
});

console.log(`js-sdk: ${failures() === 0 ? "all checks passed" : failures() + " failed"}`);
process.exit(failures() === 0 ? 0 : 1);
