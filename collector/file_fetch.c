/* collector/file_fetch.c — read a local export file into a capped buffer. */
#include "file_fetch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SCHEME "file://"

bool dw_file_url(const char *url)
{
    return url && strncmp(url, SCHEME, strlen(SCHEME)) == 0;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Reads all of fd into body; DW_ERR_TOO_LARGE past body->max. */
static enum dw_status read_all(int fd, const char *path, struct dw_buf *body,
                               struct dw_error *err)
{
    char chunk[65536];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return dw_error_set(err, DW_ERR_IO, "cannot read %s: %s",
                                base_name(path), strerror(errno));
        if (n == 0)
            return DW_OK;
        enum dw_status st = dw_buf_append(body, chunk, (size_t)n);
        if (st == DW_ERR_TOO_LARGE) /* it grew while we read it */
            return dw_error_set(err, st,
                                "%s is over the %zu-byte cap: split the export",
                                base_name(path), body->max);
        if (st != DW_OK)
            return dw_error_set(err, st, "out of memory reading %s",
                                base_name(path));
    }
}

enum dw_status dw_file_get(const char *url, size_t max_body,
                           dw_http_check_fn check, void *check_ctx,
                           long *status, struct dw_buf *body,
                           struct dw_error *err)
{
    const char *path = url + strlen(SCHEME);
    struct stat sb;
    enum dw_status st;

    *status = 0;
    dw_buf_release(body);
    dw_buf_init(body, max_body);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return dw_error_set(err, errno == ENOENT ? DW_ERR_NOT_FOUND : DW_ERR_IO,
                            "cannot open %s: %s", base_name(path),
                            strerror(errno));
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return dw_error_set(err, DW_ERR_IO, "%s is not a regular file",
                            base_name(path));
    }
    if ((uintmax_t)sb.st_size > (uintmax_t)max_body) {
        close(fd);
        return dw_error_set(err, DW_ERR_TOO_LARGE,
                            "%s is %jd bytes, over the %zu-byte cap: split "
                            "the export",
                            base_name(path), (intmax_t)sb.st_size, max_body);
    }
    st = read_all(fd, path, body, err);
    close(fd);
    if (st != DW_OK)
        return st;
    if (dw_buf_append(body, "", 0) != DW_OK) /* an empty file: data != NULL */
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    *status = 200;
    return check ? check(check_ctx, 200, body->data ? body->data : "",
                         body->len, err)
                 : DW_OK;
}
