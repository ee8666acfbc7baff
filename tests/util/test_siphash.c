/* SipHash-2-4 with 128-bit output, against the reference vectors: key
 * 00 01 .. 0f, message 00 01 .. (len - 1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "util/siphash.h"

static void hex_of(sip128 h, char out[33])
{
    unsigned char b[16];
    for (int i = 0; i < 8; i++) {
        b[i] = (unsigned char)(h.first >> (8 * i));
        b[8 + i] = (unsigned char)(h.second >> (8 * i));
    }
    for (int i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static void test_reference_vectors(void **state)
{
    (void)state;
    /* Lengths that end on and around word boundaries. */
    static const struct {
        size_t len;
        const char *hex;
    } vectors[] = {
        {0, "a3817f04ba25a8e66df67214c7550293"},
        {1, "da87c1d86b99af44347659119b22fc45"},
        {2, "8177228da4a45dc7fca38bdef60affe4"},
        {7, "a1f1ebbed8dbc153c0b84aa61ff08239"},
        {8, "3b62a9ba6258f5610f83e264f31497b4"},
        {9, "264499060ad9baabc47f8b02bb6d71ed"},
        {63, "5150d1772f50834a503e069a973fbd7c"},
    };
    sip_key key = {0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull};
    unsigned char msg[64];
    for (int i = 0; i < 64; i++)
        msg[i] = (unsigned char)i;
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        char hex[33];
        hex_of(siphash128(&key, msg, vectors[i].len), hex);
        assert_string_equal(hex, vectors[i].hex);
    }
}

/* In pieces of every size, and prefixes from one stream. */
static void test_stream(void **state)
{
    (void)state;
    sip_key key = {0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull};
    unsigned char msg[64];
    for (int i = 0; i < 64; i++)
        msg[i] = (unsigned char)i;
    for (size_t piece = 1; piece <= 17; piece++) {
        sip_stream s;
        sip_stream_init(&s, &key);
        for (size_t at = 0; at < 63; at += piece) {
            size_t n = 63 - at < piece ? 63 - at : piece;
            sip_stream_update(&s, msg + at, n);
            sip128 want = siphash128(&key, msg, at + n);
            sip128 got = sip_stream_final(&s);
            assert_true(got.first == want.first && got.second == want.second);
        }
        char hex[33];
        hex_of(sip_stream_final(&s), hex);
        assert_string_equal(hex, "5150d1772f50834a503e069a973fbd7c");
    }
}

static void test_key_matters(void **state)
{
    (void)state;
    sip_key a = {1, 2}, b = {1, 3};
    sip128 x = siphash128(&a, "/etc/shadow", 11);
    sip128 y = siphash128(&b, "/etc/shadow", 11);
    assert_true(x.first != y.first && x.second != y.second);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_vectors),
        cmocka_unit_test(test_stream),
        cmocka_unit_test(test_key_matters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
