/* test_kms.c — KMS ciphertext blobs: round trip, wrong context, wrong key, tampering. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "kms/kms_blob.h"

static const char *kid = "1234abcd-12ab-34cd-56ef-1234567890ab";

TEST(kms_blob_round_trip_and_context)
{
    uint8_t key[32] = {1}, other[32] = {2}, *b = NULL, *p = NULL;
    size_t bl = 0, pl = 0;
    const uint8_t plain[32] = {7, 7, 7};
    CHECK(kms_blob_seal(key, kid, 3, plain, 32, "{\"a\":\"b\"}", &b, &bl) == 0);
    struct kms_blob_ref ref;
    CHECK(kms_blob_peek(b, bl, &ref) == 0);
    CHECK_STR(ref.key_id, kid);
    CHECK(ref.version == 3);
    CHECK(kms_blob_open(key, b, bl, "{\"a\":\"b\"}", &p, &pl) == 0);
    CHECK(pl == 32 && memcmp(p, plain, 32) == 0);
    free(p);
    CHECK(kms_blob_open(key, b, bl, "{\"a\":\"c\"}", &p, &pl) == ERR_INVALID);
    CHECK(kms_blob_open(other, b, bl, "{\"a\":\"b\"}", &p, &pl) == ERR_INVALID);
    b[4 + KMS_KEY_ID_LEN + 3] ^= 1; /* version swapped */
    CHECK(kms_blob_open(key, b, bl, "{\"a\":\"b\"}", &p, &pl) == ERR_INVALID);
    CHECK(kms_blob_peek(b, 10, &ref) == ERR_INVALID);
    free(b);
}
