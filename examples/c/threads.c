/*
 * threads: one pixform engine shared by several threads.
 *
 *   threads IN
 *
 * Phase 1: every thread fails a call on purpose, all threads wait at a barrier, then each
 * checks that pxf_last_error_message() reports its own failure (the message is
 * per thread). Phase 2: every thread transforms IN to several widths on the shared engine;
 * the same width must give the same bytes in every thread.
 * Exit status: 0 success, 1 a check failed, 2 a pixform call failed unexpectedly.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pixform.h"

#define THREADS 4
#define WIDTHS 3
#define ROUNDS 2

static const unsigned widths[WIDTHS] = { 120, 160, 200 };

struct job {
    int id;
    const pxf_engine *engine;
    const unsigned char *input;
    size_t input_len;
    pthread_barrier_t *barrier;
    int failed;                    /* 1: a check failed, 2: a pixform call failed */
    char error[256];               /* the pixform failure, for phase 2 */
    uint64_t hash[WIDTHS];         /* FNV-1a of each output */
    size_t len[WIDTHS];
};

static uint64_t fnv1a(const uint8_t *data, size_t len) {
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= data[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static void *work(void *arg) {
    struct job *job = arg;
    pxf_output *output = NULL;

    /* Phase 1: a failure whose message names this thread's number. */
    size_t bogus_len = (size_t)job->id + 1;
    pxf_status status = pxf_transform(job->engine, NULL, bogus_len, "w-100", NULL, &output);
    pthread_barrier_wait(job->barrier);
    char message[128], expected[128];
    pxf_last_error_message(message, sizeof message);
    snprintf(expected, sizeof expected, "input is NULL but input_len is %zu", bogus_len);
    int ok = status == PXF_INVALID_ARGUMENT && output == NULL && strcmp(message, expected) == 0;
    if (!ok) {
        fprintf(stderr, "FAIL thread %d: got %s \"%s\", want \"%s\"\n", job->id,
                pxf_status_name(status), message, expected);
        job->failed = 1;
    }
    pthread_barrier_wait(job->barrier); /* every thread has read its message */
    if (!ok) return NULL;

    /* Phase 2: real work on the shared engine. */
    for (int round = 0; round < ROUNDS; round++) {
        for (int w = 0; w < WIDTHS; w++) {
            char transform[32];
            snprintf(transform, sizeof transform, "w-%u", widths[w]);
            status = pxf_transform(job->engine, job->input, job->input_len, transform, NULL, &output);
            if (status != PXF_OK) {
                char detail[200];
                pxf_last_error_message(detail, sizeof detail);
                snprintf(job->error, sizeof job->error, "%s: %s", pxf_status_name(status), detail);
                job->failed = 2;
                return NULL;
            }
            size_t len = 0;
            const uint8_t *data = pxf_output_data(output, &len);
            uint64_t hash = fnv1a(data, len);
            if (pxf_output_width(output) != widths[w] || pxf_output_height(output) == 0 || len == 0 ||
                (round > 0 && (hash != job->hash[w] || len != job->len[w]))) {
                fprintf(stderr, "FAIL thread %d: %s gave %ux%u, %zu bytes\n", job->id, transform,
                        pxf_output_width(output), pxf_output_height(output), len);
                job->failed = 1;
            }
            job->hash[w] = hash;
            job->len[w] = len;
            pxf_output_free(output);
            output = NULL;
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s IN\n", argv[0]);
        return 1;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 1; }
    static unsigned char input[32 << 20];
    size_t input_len = fread(input, 1, sizeof input, f);
    fclose(f);

    pxf_engine *engine = NULL;
    if (pxf_engine_new(&engine) != PXF_OK) return 2;
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, THREADS);
    pthread_t threads[THREADS];
    static struct job jobs[THREADS];
    for (int i = 0; i < THREADS; i++) {
        jobs[i] = (struct job){ .id = i, .engine = engine, .input = input,
                                .input_len = input_len, .barrier = &barrier };
        if (pthread_create(&threads[i], NULL, work, &jobs[i]) != 0) return 1;
    }
    int rc = 0;
    for (int i = 0; i < THREADS; i++) pthread_join(threads[i], NULL);
    for (int i = 0; i < THREADS; i++) {
        if (jobs[i].failed == 1) rc = 1;
        if (jobs[i].failed == 2) {
            fprintf(stderr, "pixform error: thread %d: %s\n", i, jobs[i].error);
            if (rc == 0) rc = 2;
        }
    }
    for (int i = 1; rc == 0 && i < THREADS; i++) {
        for (int w = 0; w < WIDTHS; w++) {
            if (jobs[i].hash[w] != jobs[0].hash[w] || jobs[i].len[w] != jobs[0].len[w]) {
                fprintf(stderr, "FAIL: width %u differs between threads 0 and %d\n", widths[w], i);
                rc = 1;
            }
        }
    }
    pthread_barrier_destroy(&barrier);
    pxf_engine_free(engine);
    if (rc == 0) {
        printf("passed: %d threads x %d transforms on one engine\n", THREADS, ROUNDS * WIDTHS);
        for (int w = 0; w < WIDTHS; w++) printf("  w-%u: %zu bytes\n", widths[w], jobs[0].len[w]);
    }
    return rc;
}
