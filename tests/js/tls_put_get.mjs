// Puts and gets one object with the AWS SDK for JavaScript v3 over https. The server's CA comes
// from NODE_EXTRA_CA_CERTS, so certificate verification stays on. Run by
// tests/integration/test_tls.py; prints "ok" and exits 0 on success.
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand } from "@aws-sdk/client-s3";

const client = new S3Client({
  endpoint: process.env.STOCKTAKE_ENDPOINT, region: "us-east-1", forcePathStyle: true,
  credentials: {
    accessKeyId: process.env.STOCKTAKE_ACCESS_KEY,
    secretAccessKey: process.env.STOCKTAKE_SECRET_KEY,
  },
  maxAttempts: 1,
});
const Bucket = "js-tls-bucket";
await client.send(new CreateBucketCommand({ Bucket }));
await client.send(new PutObjectCommand({ Bucket, Key: "k", Body: "js over tls" }));
const got = await client.send(new GetObjectCommand({ Bucket, Key: "k" }));
const text = await got.Body.transformToString();
if (text !== "js over tls") {
  console.log(`FAIL body ${JSON.stringify(text)}`);
  process.exit(1);
}
console.log("ok");
