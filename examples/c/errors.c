/*
 * errors: pixform's error paths from C.
 *
 *   errors JPEG
 *
 * Every failing call must return the documented status, leave its out-pointer NULL,
 * and leave a non-empty message in pxf_last_error_message(). JPEG is any valid JPEG
 * file; the program truncates a copy of it itself. Prints one line per check; exit
 * status 0 when all pass, 1 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pixform.h"

static int failures = 0;

/* Checks one failed call: its status, its (still NULL) out-pointer, the last error. */
static void expect(const char *what, pxf_status got, pxf_status want, const void *out) {
    char message[256] = "";
    size_t len = pxf_last_error_message(message, sizeof message);
    int ok = got == want && out == NULL && len > 0 && strlen(message) > 0;
    if (!ok) failures++;
    printf("%s %-44s %s (want %s), out %s, http %u: %s\n", ok ? "ok  " : "FAIL", what,
           pxf_status_name(got), pxf_status_name(want), out ? "SET" : "NULL",
           (unsigned)pxf_last_error_http_status(), message);
}

static void check(const char *what, int ok) {
    if (!ok) failures++;
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
}

static unsigned char *read_file(const char *path, size_t *len_out) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    if (fseek(f, 0, SEEK_END) != 0) { fclose(f); return NULL; }
    long size = ftell(f);
    if (size <= 0 || fseek(f, 0, SEEK_SET) != 0) { fclose(f); return NULL; }
    unsigned char *data = malloc((size_t)size);
    if (data && fread(data, 1, (size_t)size, f) != (size_t)size) { free(data); data = NULL; }
    fclose(f);
    *len_out = (size_t)size;
    return data;
}

/* Length of the JPEG up to its first start-of-scan marker: all headers, no pixels. */
static size_t before_scan(const unsigned char *jpeg, size_t len) {
    for (size_t i = 2; i + 1 < len; i++)
        if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xDA) return i;
    return len / 2;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s JPEG\n", argv[0]);
        return 1;
    }
    size_t jpeg_len = 0;
    unsigned char *jpeg = read_file(argv[1], &jpeg_len);
    if (!jpeg) { perror(argv[1]); return 1; }

    pxf_engine *engine = NULL;
    pxf_output *output = NULL;
    char *text = NULL;
    const char *mime = NULL;
    const char bad_utf8[] = { 'w', '-', (char)0xC3, '(', 0 };
    const unsigned char junk[] = "this is not an image, just some text";

    /* Engine creation. */
    expect("pxf_engine_new(NULL)", pxf_engine_new(NULL), PXF_INVALID_ARGUMENT, NULL);
    check("pxf_engine_new", pxf_engine_new(&engine) == PXF_OK && engine != NULL);
    check("success clears the last error", pxf_last_error_message(NULL, 0) == 0);
    expect("pxf_engine_new_with_config(NULL config)",
           pxf_engine_new_with_config(NULL, &engine), PXF_INVALID_ARGUMENT, NULL);
    check("  ... left engine_out alone", engine != NULL);

    /* NULLs and bad UTF-8 into pxf_transform. */
    expect("pxf_transform(NULL engine)",
           pxf_transform(NULL, jpeg, jpeg_len, "w-300", NULL, &output), PXF_INVALID_ARGUMENT, output);
    expect("pxf_transform(NULL input, len 10)",
           pxf_transform(engine, NULL, 10, "w-300", NULL, &output), PXF_INVALID_ARGUMENT, output);
    expect("pxf_transform(NULL transform)",
           pxf_transform(engine, jpeg, jpeg_len, NULL, NULL, &output), PXF_INVALID_ARGUMENT, output);
    expect("pxf_transform(NULL output_out)",
           pxf_transform(engine, jpeg, jpeg_len, "w-300", NULL, NULL), PXF_INVALID_ARGUMENT, NULL);
    expect("pxf_transform(transform not UTF-8)",
           pxf_transform(engine, jpeg, jpeg_len, bad_utf8, NULL, &output), PXF_INVALID_ARGUMENT, output);
    expect("pxf_transform(accept not UTF-8)",
           pxf_transform(engine, jpeg, jpeg_len, "w-300", bad_utf8, &output), PXF_INVALID_ARGUMENT, output);
    expect("pxf_transform_request(NULL engine)",
           pxf_transform_request(NULL, jpeg, jpeg_len, "w-300", NULL, &output), PXF_INVALID_ARGUMENT, output);

    /* Unknown transformation (strict parsing). */
    expect("pxf_transform(\"zz-1\")",
           pxf_transform(engine, jpeg, jpeg_len, "zz-1", NULL, &output), PXF_INVALID_TRANSFORM, output);
    expect("pxf_canonicalize(\"zz-1\")", pxf_canonicalize("zz-1", &text), PXF_INVALID_TRANSFORM, text);
    expect("pxf_canonicalize(NULL)", pxf_canonicalize(NULL, &text), PXF_INVALID_ARGUMENT, text);
    expect("pxf_canonicalize(not UTF-8)", pxf_canonicalize(bad_utf8, &text), PXF_INVALID_ARGUMENT, text);

    /* Sniffing. */
    expect("pxf_sniff(junk)", pxf_sniff(junk, sizeof junk - 1, &mime), PXF_UNSUPPORTED_MEDIA, mime);
    expect("pxf_sniff(NULL, 4)", pxf_sniff(NULL, 4, &mime), PXF_INVALID_ARGUMENT, mime);

    /* Signing. */
    expect("pxf_sign_url(NULL key)",
           pxf_sign_url("https://ik.imagekit.io/demo/a.jpg", "https://ik.imagekit.io/demo/", NULL, 0, &text),
           PXF_INVALID_ARGUMENT, text);
    expect("pxf_sign_url(expires_at -5)",
           pxf_sign_url("https://ik.imagekit.io/demo/a.jpg", "https://ik.imagekit.io/demo/", "k", -5, &text),
           PXF_INVALID_ARGUMENT, text);
    expect("pxf_verify_url(unsigned URL)",
           pxf_verify_url("https://ik.imagekit.io/demo/a.jpg", "https://ik.imagekit.io/demo/", "k", 0),
           PXF_SIGNATURE_INVALID, NULL);

    /* Config and request setters. */
    pxf_config *config = NULL;
    pxf_request *request = NULL;
    check("pxf_config_new", pxf_config_new(&config) == PXF_OK && config != NULL);
    expect("pxf_config_set_default_quality(0)", pxf_config_set_default_quality(config, 0),
           PXF_INVALID_ARGUMENT, NULL);
    expect("pxf_config_set_max_input_bytes(NULL)", pxf_config_set_max_input_bytes(NULL, 5),
           PXF_INVALID_ARGUMENT, NULL);
    check("pxf_request_new", pxf_request_new(&request) == PXF_OK && request != NULL);
    expect("pxf_request_set_dpr_hint(-1)", pxf_request_set_dpr_hint(request, -1.0),
           PXF_INVALID_ARGUMENT, NULL);

    /* Accessors and frees are NULL-tolerant. */
    size_t len = 7;
    check("pxf_output_data(NULL) is NULL, len 0", pxf_output_data(NULL, &len) == NULL && len == 0);
    check("pxf_output_width/height(NULL) are 0",
          pxf_output_width(NULL) == 0 && pxf_output_height(NULL) == 0);
    check("pxf_output_mime(NULL) is NULL", pxf_output_mime(NULL) == NULL);
    check("pxf_status_name(999) is PXF_UNKNOWN", strcmp(pxf_status_name((pxf_status)999), "PXF_UNKNOWN") == 0);
    check("pxf_status_name(PXF_DECODE_FAILED)",
          strcmp(pxf_status_name(PXF_DECODE_FAILED), "PXF_DECODE_FAILED") == 0);
    pxf_output_free(NULL);
    pxf_string_free(NULL);
    pxf_engine_free(NULL);
    pxf_config_free(NULL);
    pxf_request_free(NULL);

    /* A cut message stays NUL-terminated and reports the full length. */
    pxf_canonicalize(NULL, &text);
    char tiny[5];
    size_t full = pxf_last_error_message(tiny, sizeof tiny);
    check("cut message: NUL-terminated, full length returned",
          full > sizeof tiny && strlen(tiny) == sizeof tiny - 1);

    /* Checks that need the parser and the engine. */
    pxf_status full_status = pxf_transform(engine, jpeg, jpeg_len, "w-300", NULL, &output);
    char why[256] = "";
    pxf_last_error_message(why, sizeof why);
    pxf_output_free(output);
    output = NULL;
    /* PIXFORM-STUB-SKIP: remove this branch (keep the else body) once the engine lands. */
    if (full_status != PXF_OK && strstr(why, "not implemented yet") != NULL) {
        printf("SKIP junk/truncated/limit checks: %s\n", why);
    } else {
        check("pxf_transform(valid JPEG, \"w-300\") succeeds", full_status == PXF_OK);
        expect("pxf_transform(junk bytes)",
               pxf_transform(engine, junk, sizeof junk - 1, "w-300", NULL, &output),
               PXF_UNSUPPORTED_MEDIA, output);
        expect("pxf_transform(empty input)",
               pxf_transform(engine, NULL, 0, "w-300", NULL, &output), PXF_UNSUPPORTED_MEDIA, output);
        expect("pxf_transform(JPEG cut before its scan)",
               pxf_transform(engine, jpeg, before_scan(jpeg, jpeg_len), "w-300", NULL, &output),
               PXF_DECODE_FAILED, output);
        pxf_engine *small = NULL;
        check("pxf_config_set_max_input_bytes(1000)", pxf_config_set_max_input_bytes(config, 1000) == PXF_OK);
        check("pxf_engine_new_with_config", pxf_engine_new_with_config(config, &small) == PXF_OK);
        expect("pxf_transform(input over max_input_bytes)",
               pxf_transform(small, jpeg, jpeg_len, "w-300", NULL, &output), PXF_LIMIT_EXCEEDED, output);
        check("  ... HTTP 413", pxf_last_error_http_status() == 413);
        pxf_engine_free(small);
    }

    pxf_request_free(request);
    pxf_config_free(config);
    pxf_engine_free(engine);
    free(jpeg);
    printf("%s: %d failure(s)\n", failures ? "FAILED" : "passed", failures);
    return failures ? 1 : 0;
}
