#include "util/siphash.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static void sip_round(sip_stream *s)
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
static void compress(sip_stream *s, uint64_t m)
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

void sip_stream_init(sip_stream *s, const sip_key *key)
{
    s->v0 = key->k0 ^ 0x736f6d6570736575ull;
    s->v1 = key->k1 ^ 0x646f72616e646f6dull ^ 0xee; /* 128-bit output */
    s->v2 = key->k0 ^ 0x6c7967656e657261ull;
    s->v3 = key->k1 ^ 0x7465646279746573ull;
    s->tail = 0;
    s->len = 0;
}

void sip_stream_update(sip_stream *s, const void *data, size_t len)
{
    const unsigned char *p = data;
    size_t i = 0;
    /* Fill the pending word first. */
    while (i < len && s->len % 8 != 0) {
        s->tail |= (uint64_t)p[i++] << (8 * (s->len % 8));
        s->len++;
        if (s->len % 8 == 0) {
            compress(s, s->tail);
            s->tail = 0;
        }
    }
    for (; len - i >= 8; i += 8, s->len += 8)
        compress(s, load_le64(p + i));
    for (; i < len; i++, s->len++)
        s->tail |= (uint64_t)p[i] << (8 * (s->len % 8));
}

sip128 sip_stream_final(const sip_stream *stream)
{
    sip_stream s = *stream;
    /* The last word: the bytes left, and the length in its top byte. */
    compress(&s, s.tail | (uint64_t)(s.len & 0xff) << 56);
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

sip128 siphash128(const sip_key *key, const void *data, size_t len)
{
    sip_stream s;
    sip_stream_init(&s, key);
    sip_stream_update(&s, data, len);
    return sip_stream_final(&s);
}
