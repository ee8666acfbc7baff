/*
 * The security.capability decoder: vfs_cap_data of every revision into
 * libcap's text form, and any bytes at all (a layer's author writes them)
 * decoded without reading past the value or overflowing the text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "image/fcaps.h"

/* A vfs_cap_data value, little-endian, in a buffer of exactly `len`
 * bytes (so ASan sees any read past it). */
static unsigned char *value(uint32_t magic, uint64_t permitted,
                            uint64_t inheritable, uint32_t rootid,
                            size_t len)
{
    uint32_t w[6] = {magic, (uint32_t)permitted, (uint32_t)inheritable,
                     (uint32_t)(permitted >> 32),
                     (uint32_t)(inheritable >> 32), rootid};
    unsigned char full[24];
    for (size_t i = 0; i < 6; i++)
        for (size_t b = 0; b < 4; b++)
            full[4 * i + b] = (unsigned char)(w[i] >> (8 * b));
    unsigned char *v = malloc(len ? len : 1);
    assert_non_null(v);
    memcpy(v, full, len < sizeof(full) ? len : sizeof(full));
    return v;
}

static void check(uint32_t magic, uint64_t p, uint64_t i, uint32_t rootid,
                  size_t len, bool grants, bool malformed, const char *text,
                  const char *why)
{
    unsigned char *v = value(magic, p, i, rootid, len);
    fcaps c;
    assert_int_equal(fcaps_decode(v, len, &c), grants);
    assert_int_equal(c.malformed, malformed);
    assert_string_equal(c.text, text);
    assert_string_equal(c.why, why);
    free(v);
}

#define REV1 0x01000000u
#define REV2 0x02000000u
#define REV3 0x03000000u
#define EFF 1u
#define BIT(n) ((uint64_t)1 << (n))

static void test_revisions(void **state)
{
    (void)state;
    /* setcap cap_net_raw+ep: what ping ships with. */
    check(REV2 | EFF, BIT(13), 0, 0, 20, true, false, "cap_net_raw+ep", "");
    check(REV2, BIT(13), 0, 0, 20, true, false, "cap_net_raw+p", "");
    check(REV2 | EFF, BIT(13), BIT(13), 0, 20, true, false,
          "cap_net_raw+eip", "");
    /* Grouped by flags, in the order of the first capability. */
    check(REV2, BIT(21) | BIT(12), BIT(12) | BIT(0), 0, 20, true, false,
          "cap_chown+i cap_net_admin+ip cap_sys_admin+p", "");
    check(REV1 | EFF, BIT(0) | BIT(1), 0, 0, 12, true, false,
          "cap_chown,cap_dac_override+ep", "");
    /* Revision 3: the namespace root is said when not 0. */
    check(REV3 | EFF, BIT(10), 0, 0, 24, true, false,
          "cap_net_bind_service+ep", "");
    check(REV3 | EFF, BIT(10), 0, 100000, 24, true, false,
          "cap_net_bind_service+ep (in a user namespace whose root is uid "
          "100000)", "");
    /* The second word, up to the last capability of Linux 6.x, and past. */
    check(REV2 | EFF, BIT(31) | BIT(32) | BIT(40) | BIT(41) | BIT(63), 0, 0,
          20, true, false,
          "cap_setfcap,cap_mac_override,cap_checkpoint_restore,41,63+ep", "");
    /* Nothing granted, nothing to say. */
    check(REV2 | EFF, 0, 0, 0, 20, false, false, "", "");
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(fcaps_name(0), "cap_chown");
    assert_string_equal(fcaps_name(13), "cap_net_raw");
    assert_string_equal(fcaps_name(21), "cap_sys_admin");
    assert_string_equal(fcaps_name(38), "cap_perfmon");
    assert_string_equal(fcaps_name(39), "cap_bpf");
    assert_string_equal(fcaps_name(40), "cap_checkpoint_restore");
    assert_null(fcaps_name(41));
    for (unsigned i = 0; i <= FCAPS_LAST_CAP; i++)
        assert_true(strncmp(fcaps_name(i), "cap_", 4) == 0);
}

static void test_malformed(void **state)
{
    (void)state;
    check(REV2 | EFF, BIT(21), 0, 0, 14, true, true, "cap_sys_admin+ep",
          "14 bytes, revision 2 takes 20");
    check(REV2 | EFF, BIT(7), 0, 0, 22, true, true, "cap_setuid+ep",
          "22 bytes, revision 2 takes 20");
    check(REV1, BIT(7), 0, 0, 20, true, true, "cap_setuid+p",
          "20 bytes, revision 1 takes 12");
    check(REV3, BIT(7), 0, 0, 20, true, true, "cap_setuid+p",
          "20 bytes, revision 3 takes 24");
    check(0x09000000u, 0, 0, 0, 20, true, true, "",
          "unknown revision 9, 20 bytes");
    check(REV2 | 0x10u, BIT(7), 0, 0, 20, true, true, "cap_setuid+p",
          "unknown flags 0x000010");
    check(REV2, 0, 0, 0, 3, true, true, "", "3 bytes, too short for a "
                                            "revision");
    check(REV2, 0, 0, 0, 0, true, true, "", "0 bytes, too short for a "
                                            "revision");
    /* An empty set is still malformed when its size is wrong. */
    check(REV2 | EFF, 0, 0, 0, 16, true, true, "",
          "16 bytes, revision 2 takes 20");
}

/* Any bytes: every length up to past the largest revision, random
 * contents and every revision byte; the text is always a terminated
 * string within its buffer, and a value the kernel accepts is never
 * called malformed. */
static void test_any_bytes(void **state)
{
    (void)state;
    uint64_t x = 0x9E3779B97F4A7C15u;
    for (unsigned round = 0; round < 20000; round++) {
        size_t len = round % 40;
        unsigned char *v = malloc(len ? len : 1);
        assert_non_null(v);
        for (size_t i = 0; i < len; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            v[i] = (unsigned char)x;
        }
        if (len >= 4)
            v[3] = (unsigned char)(round / 40 % 5); /* revisions 0..4 */
        fcaps c;
        fcaps_decode(v, len, &c);
        assert_true(memchr(c.text, '\0', sizeof(c.text)) != NULL);
        assert_true(memchr(c.why, '\0', sizeof(c.why)) != NULL);
        bool kernel_size = (len == 12 && c.revision == 1) ||
                           (len == 20 && c.revision == 2) ||
                           (len == 24 && c.revision == 3);
        if (!kernel_size)
            assert_true(c.malformed);
        free(v);
    }
    /* All 64 capabilities with every flag: the longest text fits. */
    unsigned char *v = value(REV3 | EFF, UINT64_MAX, UINT64_MAX, UINT32_MAX,
                             24);
    fcaps c;
    assert_true(fcaps_decode(v, 24, &c));
    assert_false(c.malformed);
    assert_true(strstr(c.text, "cap_chown,") == c.text);
    assert_non_null(strstr(c.text, ",63+eip (in a user namespace"));
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_revisions),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_any_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
