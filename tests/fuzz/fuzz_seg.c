/* fuzz_seg.c — arbitrary bytes as a sealed SSE blob (crypto/seg.h): reading the length and any
 * range must fail cleanly or (never, without the key) authenticate; a round trip of the input as
 * plaintext must give it back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/seg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct seg_ctx c;
    memset(&c, 0x5a, sizeof(c.key));
    c.object_id = "fuzz";
    c.part = 1;
    c.seg_size = 32;
    size_t plain;
    if (size >= SEG_HEADER_LEN && seg_plain_size(data, size, &plain) == SEG_OK && plain < 1 << 20) {
        uint8_t *out = malloc(plain + 1);
        size_t off = plain ? data[size - 1] % plain : 0;
        if (seg_open_range(&c, data, size, off, plain - off, out) == SEG_OK && plain > 0)
            abort(); /* forged without the key */
        free(out);
    }
    size_t sl = seg_sealed_size(size, c.seg_size);
    uint8_t *s = malloc(sl), *back = malloc(size + 1);
    if (seg_seal(&c, data, size, s) != SEG_OK ||
        seg_open_range(&c, s, sl, 0, size, back) != SEG_OK || memcmp(back, data, size) != 0)
        abort();
    free(s), free(back);
    return 0;
}
