// A browser upload the way a web page does it with the AWS SDK for JavaScript v3:
// createPresignedPost (@aws-sdk/s3-presigned-post) signs a form, which is posted with fetch and
// FormData. The bucket comes from the environment; exits non-zero on any failure. Run by
// tests/integration/test_post_upload.py.
import { S3Client, GetObjectCommand } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";

const client = new S3Client({
  endpoint: process.env.STOCKTAKE_ENDPOINT, region: process.env.STOCKTAKE_REGION,
  forcePathStyle: true, maxAttempts: 1,
  credentials: {
    accessKeyId: process.env.STOCKTAKE_ACCESS_KEY,
    secretAccessKey: process.env.STOCKTAKE_SECRET_KEY,
  },
});
const Bucket = process.env.STOCKTAKE_BUCKET;

const { url, fields } = await createPresignedPost(client, {
  Bucket, Key: "js/${filename}",
  Conditions: [["content-length-range", 1, 1024], ["starts-with", "$Content-Type", "text/"]],
  Fields: { "Content-Type": "text/plain", success_action_status: "201" },
  Expires: 600,
});
const form = new FormData();
for (const [k, v] of Object.entries(fields)) form.append(k, v);
form.append("file", new Blob(["from the JS SDK"], { type: "text/plain" }), "page.txt");
const res = await fetch(url, { method: "POST", body: form });
const text = await res.text();
if (res.status !== 201 || !text.includes("<Key>js/page.txt</Key>")) {
  console.log(`FAIL post: ${res.status} ${text}`);
  process.exit(1);
}
const got = await client.send(new GetObjectCommand({ Bucket, Key: "js/page.txt" }));
const body = await got.Body.transformToString();
if (body !== "from the JS SDK" || got.ContentType !== "text/plain") {
  console.log(`FAIL get: ${body} ${got.ContentType}`);
  process.exit(1);
}
const big = new FormData();
for (const [k, v] of Object.entries(fields)) big.append(k, v);
big.append("file", new Blob(["x".repeat(2000)], { type: "text/plain" }), "big.txt");
const res2 = await fetch(url, { method: "POST", body: big });
const text2 = await res2.text();
if (res2.status !== 400 || !text2.includes("<Code>EntityTooLarge</Code>")) {
  console.log(`FAIL too large: ${res2.status} ${text2}`);
  process.exit(1);
}
console.log("ok presigned post");
