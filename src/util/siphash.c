#include "util/siphash.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

typedef struct sip_state {
    uint64_t v0, v1, v2, v3;
} sip_state;

static void sip_round(sip_state *s)
{
    s->v0 += s->v1;
    s->v1 = ROTL(s->v1, 13);
    s->v1 ^= s->v0;
    s->v0 = ROTL(s->v0, 32);
    s->v2 += s->v3;
    s->v3 = ROTL(s->v3, 16);
    s->v3 ^= s->v2;
    s->v0 += s->v3;
    s->v3 = ROTL(s->v3, 21);
    s->v3 ^= s->v0;
    s->v2 += s->v1;
    s->v1 = ROTL(s->v1, 17);
    s->v1 ^= s->v2;
    s->v2 = ROTL(s->v2, 32);
}

/* Two rounds per message word: the "2" of SipHash-2-4. */
static void compress(sip_state *s, uint64_t m)
{
    s->v3 ^= m;
    sip_round(s);
    sip_round(s);
    s->v0 ^= m;
}

static uint64_t load_le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

sip128 siphash128(const sip_key *key, const void *data, size_t len)
{
    const unsigned char *p = data;
    sip_state s = {
        .v0 = key->k0 ^ 0x736f6d6570736575ull,
        .v1 = key->k1 ^ 0x646f72616e646f6dull ^ 0xee, /* 128-bit output */
        .v2 = key->k0 ^ 0x6c7967656e657261ull,
        .v3 = key->k1 ^ 0x7465646279746573ull,
    };
    size_t whole = len - len % 8;
    for (size_t i = 0; i < whole; i += 8)
        compress(&s, load_le64(p + i));
    /* The last word: the bytes left, and the length in its top byte. */
    uint64_t last = (uint64_t)(len & 0xff) << 56;
    for (size_t i = whole; i < len; i++)
        last |= (uint64_t)p[i] << (8 * (i - whole));
    compress(&s, last);
    /* Four rounds per output word: the "4". */
    sip128 out;
    s.v2 ^= 0xee;
    for (int i = 0; i < 4; i++)
        sip_round(&s);
    out.first = s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
    s.v1 ^= 0xdd;
    for (int i = 0; i < 4; i++)
        sip_round(&s);
    out.second = s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
    return out;
}
