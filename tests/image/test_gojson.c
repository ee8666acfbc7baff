/*
 * Image JSON read as Go's encoding/json reads it: a key names a struct
 * field ignoring case (ASCII, U+017F as 's', U+212A as 'k'), the last of
 * two such keys wins (so two are refused), map keys are exact, and a value
 * of the wrong type fails Unmarshal (so it is refused).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/gojson.h"

static char err[512];

static json_t *parse(const char *text, const gj_type *t)
{
    err[0] = '\0';
    return gj_parse(text, strlen(text), t, err, sizeof(err));
}

static void refused(const char *text, const gj_type *t, const char *why)
{
    json_t *doc = parse(text, t);
    if (doc) {
        json_decref(doc);
        fail_msg("accepted: %s", text);
    }
    if (!strstr(err, why))
        fail_msg("%s: error '%s' lacks '%s'", text, err, why);
}

static void test_key_folding(void **state)
{
    (void)state;
    assert_true(gj_key_equal("layers", "LAYERS"));
    assert_true(gj_key_equal("layers", "LaYeRs"));
    assert_true(gj_key_equal("User", "u\xc5\xbf" "er"));          /* ſ */
    assert_true(gj_key_equal("WorkingDir", "Wor\xe2\x84\xaa" "ingDir")); /* K */
    assert_false(gj_key_equal("layers", "layer"));
    assert_false(gj_key_equal("layers", "layers "));
    /* Other non-ASCII letters never fold to ASCII. */
    assert_false(gj_key_equal("User", "\xc3\x9aser"));
    assert_false(gj_key_equal("os", "\xc4\xb1s")); /* dotless i is not 'i' */
}

static void test_duplicates_refused(void **state)
{
    (void)state;
    refused("{\"layers\":[],\"LAYERS\":[]}", &gj_manifest_doc,
            "two keys \"layers\" and \"LAYERS\" that Go reads as one");
    refused("{\"layers\":[],\"layer\\u017f\":[]}", &gj_manifest_doc,
            "that Go reads as one");
    refused("{\"manifests\":[],\"manifests\":[]}", &gj_index_doc,
            "duplicate object key");
    /* Deep, and in objects Go does not model (they might be someday). */
    refused("{\"config\":{\"Labels\":{\"a\":\"1\",\"A\":\"2\"}}}",
            &gj_config_doc, "(in config.Labels;");
    refused("{\"x\":[{\"y\":{\"k\":1,\"\\u212a\":2}}]}", &gj_config_doc,
            "(in x[0].y;");
    refused("[{\"Config\":\"a\",\"config\":\"b\"}]", &gj_docker_manifest_doc,
            "(in [0];");
}

static void test_many_keys(void **state)
{
    (void)state;
    /* Large objects are checked by sorting their folded keys. */
    char *text = malloc(200000);
    size_t n = (size_t)sprintf(text, "{");
    for (int i = 0; i < 5000; i++)
        n += (size_t)sprintf(text + n, "\"key%d\":%d,", i, i);
    sprintf(text + n, "\"KEY4321\":0}");
    refused(text, &gj_config_doc, "two keys \"key4321\" and \"KEY4321\"");
    sprintf(text + n, "\"key5000\":0}");
    json_t *doc = parse(text, &gj_config_doc);
    assert_non_null(doc);
    json_decref(doc);
    free(text);
}

static void test_types(void **state)
{
    (void)state;
    refused("{\"config\":{\"User\":0}}", &gj_config_doc,
            "config.User is a number, where Go reads a string");
    refused("{\"layers\":{}}", &gj_manifest_doc,
            "layers is an object, where Go reads an array");
    refused("{\"layers\":[{\"size\":1.5}]}", &gj_manifest_doc,
            "layers[0].size is a number, where Go reads an integer");
    refused("{\"history\":[{\"empty_layer\":\"true\"}]}", &gj_config_doc,
            "history[0].empty_layer is a string, where Go reads a boolean");
    refused("{\"config\":{\"Env\":[\"A=1\",2]}}", &gj_config_doc,
            "config.Env[1] is a number");
    refused("{\"config\":{\"Cmd\":\"sh\"}}", &gj_config_doc,
            "config.Cmd is a string, where Go reads an array");
    refused("{\"config\":{\"ExposedPorts\":{\"80/tcp\":1}}}", &gj_config_doc,
            "config.ExposedPorts.80/tcp is a number");
    refused("{\"manifests\":[]}", &gj_docker_manifest_doc,
            "the document is an object, where Go reads an array");
    refused("{\"CONFIG\":{\"uSeR\":[]}}", &gj_config_doc,
            "CONFIG.uSeR is an array, where Go reads a string");
    /* null is an absent value; unknown fields take anything. */
    json_t *doc = parse("{\"config\":{\"User\":null,\"Env\":null,\"Foo\":[1,{}]},"
                        "\"history\":null,\"rootfs\":{\"diff_ids\":[null]}}",
                        &gj_config_doc);
    assert_non_null(doc);
    assert_null(gj_get(gj_get(doc, "config"), "User"));
    assert_null(gj_get(doc, "history"));
    json_decref(doc);
}

static void test_lookups(void **state)
{
    (void)state;
    json_t *doc = parse("{\"CONFIG\":{\"u\\u017fer\":\"10001\"},"
                        "\"Annotations\":{\"org.opencontainers.image.ref.name\":"
                        "\"x\",\"IO.containerd.image.name\":\"y\"}}",
                        &gj_index_doc);
    assert_non_null(doc);
    assert_string_equal(gj_str(gj_get(doc, "config"), "User"), "10001");
    json_t *ann = gj_get(doc, "annotations");
    assert_non_null(ann);
    /* Map keys are exact. */
    assert_string_equal(gj_map_str(ann, "org.opencontainers.image.ref.name"),
                        "x");
    assert_null(gj_map_str(ann, "io.containerd.image.name"));
    assert_null(gj_get(doc, "missing"));
    assert_null(gj_str(NULL, "x"));
    json_decref(doc);
}

static void test_messages_one_line(void **state)
{
    (void)state;
    refused("{\"a\\nb\":1,\"A\\nB\":2}", &gj_config_doc,
            "two keys \"a\\x0ab\" and \"A\\x0aB\"");
    assert_null(strchr(err, '\n'));
    refused("{\"x\\ny\":{\"User\":{},\"user\":1}}", &gj_config_doc, "in x?y;");
    assert_null(strchr(err, '\n'));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_folding),
        cmocka_unit_test(test_duplicates_refused),
        cmocka_unit_test(test_many_keys),
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_lookups),
        cmocka_unit_test(test_messages_one_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
