/* tests/fuzz/replay.c — runs a fuzz target over saved inputs, no libFuzzer. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#define REPLAY_MAX_INPUT (16 * 1024 * 1024)

/* Reads one file and hands it to the target; -1 when it cannot be read. */
static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data = NULL;
    size_t len = 0, cap = 0;
    int rc = 0;

    if (f == NULL) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    for (;;) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 4096;
            unsigned char *p =
                ncap <= REPLAY_MAX_INPUT ? realloc(data, ncap) : NULL;
            if (p == NULL) {
                fprintf(stderr, "replay: %s: too large\n", path);
                rc = -1;
                break;
            }
            data = p;
            cap = ncap;
        }
        size_t n = fread(data + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    if (rc == 0 && ferror(f)) {
        fprintf(stderr, "replay: %s: read error\n", path);
        rc = -1;
    }
    fclose(f);
    if (rc == 0)
        LLVMFuzzerTestOneInput(data, len);
    free(data);
    return rc;
}

static int skip_dot(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

/* Replays every regular file of dir in name order; counts them in *n. */
static int replay_dir(const char *dir, long *n)
{
    struct dirent **names = NULL;
    int count = scandir(dir, &names, skip_dot, alphasort);
    int rc = 0;

    if (count < 0) {
        fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    for (int i = 0; i < count; i++) {
        size_t len = strlen(dir) + strlen(names[i]->d_name) + 2;
        char *path = malloc(len);
        struct stat st;

        if (path == NULL) {
            rc = -1;
        } else {
            snprintf(path, len, "%s/%s", dir, names[i]->d_name);
            if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
                if (replay_file(path) != 0)
                    rc = -1;
                else
                    (*n)++;
            }
        }
        free(path);
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    long n = 0;
    int rc = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        struct stat st;

        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            rc = 1;
        } else if (S_ISDIR(st.st_mode)) {
            if (replay_dir(argv[i], &n) != 0)
                rc = 1;
        } else if (replay_file(argv[i]) != 0) {
            rc = 1;
        } else {
            n++;
        }
    }
    printf("replay: %ld inputs passed\n", n);
    if (n == 0) {
        fprintf(stderr, "replay: no inputs\n");
        rc = 1;
    }
    return rc;
}
