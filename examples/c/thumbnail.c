/*
 * thumbnail: transform one image file with pixform.
 *
 *   thumbnail IN TRANSFORM OUT [ACCEPT]
 *   thumbnail photo.jpg "w-300,h-300,c-at_max" thumb.webp image/webp
 *
 * Prints the output size, MIME type and the report of decisions taken.
 * Exit status: 0 success, 1 usage or I/O error, 2 pixform error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pixform.h"

static unsigned char *read_file(const char *path, size_t *len_out) {
    FILE *f = fopen(path, "rb");
    unsigned char *data = NULL;
    size_t cap = 0, len = 0;
    if (!f) return NULL;
    for (;;) {
        if (len == cap) {
            size_t new_cap = cap ? cap * 2 : 65536;
            unsigned char *grown = realloc(data, new_cap);
            if (!grown) { free(data); fclose(f); return NULL; }
            data = grown;
            cap = new_cap;
        }
        size_t n = fread(data + len, 1, cap - len, f);
        len += n;
        if (n == 0) break;
    }
    if (ferror(f)) { free(data); fclose(f); return NULL; }
    fclose(f);
    *len_out = len;
    return data;
}

/* Prints a pixform failure: status name, HTTP status and this thread's last error. */
static void report_error(const char *what, pxf_status status) {
    char message[512];
    size_t full = pxf_last_error_message(message, sizeof message);
    fprintf(stderr, "pixform error: %s: %s (HTTP %u): %s%s\n", what, pxf_status_name(status),
            (unsigned)pxf_last_error_http_status(), message,
            full >= sizeof message ? "..." : "");
}

int main(int argc, char **argv) {
    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: %s IN TRANSFORM OUT [ACCEPT]\n", argv[0]);
        return 1;
    }
    const char *accept = argc == 5 ? argv[4] : NULL;
    size_t input_len = 0;
    unsigned char *input = read_file(argv[1], &input_len);
    if (!input) { perror(argv[1]); return 1; }

    int rc = 2;
    pxf_engine *engine = NULL;
    pxf_output *output = NULL;
    char *report = NULL;
    pxf_status status = pxf_engine_new(&engine);
    if (status != PXF_OK) { report_error("pxf_engine_new", status); goto done; }

    status = pxf_transform(engine, input, input_len, argv[2], accept, &output);
    if (status != PXF_OK) { report_error("pxf_transform", status); goto done; }

    size_t out_len = 0;
    const uint8_t *out = pxf_output_data(output, &out_len);
    FILE *f = fopen(argv[3], "wb");
    if (!f || fwrite(out, 1, out_len, f) != out_len || fclose(f) != 0) {
        perror(argv[3]);
        rc = 1;
        goto done;
    }
    printf("%s: %ux%u %s, %zu bytes (pixform %s)\n", argv[3], pxf_output_width(output),
           pxf_output_height(output), pxf_output_mime(output), out_len, pxf_version());

    status = pxf_output_report_json(output, &report);
    if (status != PXF_OK) { report_error("pxf_output_report_json", status); goto done; }
    printf("report: %s\n", report);
    rc = 0;

done:
    pxf_string_free(report);
    pxf_output_free(output);
    pxf_engine_free(engine);
    free(input);
    return rc;
}
