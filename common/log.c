/* common/log.c — one line per event on stderr, logfmt or JSON. */
#include "log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "dwtime.h"
#include "pseudonym.h"

static enum dw_log_level g_level = DW_LOG_INFO;
static enum dw_log_format g_format = DW_LOG_LOGFMT;
static FILE *g_stream;

static const char *const level_upper[] = {"DEBUG", "INFO", "WARN", "ERROR"};
static const char *const level_lower[] = {"debug", "info", "warn", "error"};

void dw_log_set_level(enum dw_log_level level)
{
    g_level = level;
}

void dw_log_set_format(enum dw_log_format format)
{
    g_format = format;
}

void dw_log_set_stream(FILE *stream)
{
    g_stream = stream;
}

enum dw_status dw_log_parse_level(const char *s, enum dw_log_level *out)
{
    for (int i = DW_LOG_DEBUG; s != NULL && i <= DW_LOG_ERROR; i++) {
        if (strcasecmp(s, level_lower[i]) == 0) {
            *out = (enum dw_log_level)i;
            return DW_OK;
        }
    }
    if (s != NULL && strcasecmp(s, "warning") == 0) {
        *out = DW_LOG_WARN;
        return DW_OK;
    }
    return DW_ERR_USAGE;
}

enum dw_status dw_log_parse_format(const char *s, enum dw_log_format *out)
{
    if (s != NULL && strcasecmp(s, "logfmt") == 0) {
        *out = DW_LOG_LOGFMT;
        return DW_OK;
    }
    if (s != NULL && strcasecmp(s, "json") == 0) {
        *out = DW_LOG_JSON;
        return DW_OK;
    }
    return DW_ERR_USAGE;
}

static bool needs_quote(const char *s)
{
    if (*s == '\0')
        return true;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == '=' || *p == '"' || *p == '\\' || *p == 0x7f)
            return true;
    return false;
}

const char *dw_log_quote(const char *s, char *out, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;

    if (n == 0)
        return out;
    if (s == NULL)
        s = "";
    if (!needs_quote(s)) {
        size_t len = strlen(s);

        if (len >= n)
            len = n - 1;
        memcpy(out, s, len);
        out[len] = '\0';
        return out;
    }
    if (n < 3) {
        out[0] = '\0';
        return out;
    }
    out[o++] = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[4];
        size_t k = 0;

        if (*p == '"' || *p == '\\') {
            esc[k++] = '\\';
            esc[k++] = (char)*p;
        } else if (*p == '\n' || *p == '\r' || *p == '\t') {
            esc[k++] = '\\';
            esc[k++] = *p == '\n' ? 'n' : *p == '\r' ? 'r' : 't';
        } else if (*p < ' ' || *p == 0x7f) {
            esc[k++] = '\\';
            esc[k++] = 'x';
            esc[k++] = hex[*p >> 4];
            esc[k++] = hex[*p & 15];
        } else {
            esc[k++] = (char)*p;
        }
        /* Room for this piece, the closing quote and the NUL. */
        if (o + k + 2 > n)
            break;
        memcpy(out + o, esc, k);
        o += k;
    }
    out[o++] = '"';
    out[o] = '\0';
    return out;
}

/* Appends bytes [p, p+n) as the inside of a JSON string. */
static void json_escape(struct dw_buf *b, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];

        if (c == '"' || c == '\\') {
            dw_buf_putc(b, '\\');
            dw_buf_putc(b, (char)c);
        } else if (c == '\n') {
            dw_buf_puts(b, "\\n");
        } else if (c == '\r') {
            dw_buf_puts(b, "\\r");
        } else if (c == '\t') {
            dw_buf_puts(b, "\\t");
        } else if (c < 0x20 || c == 0x7f) {
            dw_buf_printf(b, "\\u%04x", c);
        } else {
            dw_buf_putc(b, (char)c);
        }
    }
}

/* Reads a logfmt value at *pp (quoted or bare) into val, unescaped. */
static void logfmt_value(const char **pp, struct dw_buf *val)
{
    const char *p = *pp;

    dw_buf_reset(val);
    if (*p != '"') {
        const char *start = p;

        while (*p != '\0' && *p != ' ')
            p++;
        dw_buf_append(val, start, (size_t)(p - start));
        *pp = p;
        return;
    }
    for (p++; *p != '\0' && *p != '"'; p++) {
        if (*p == '\\' && p[1] != '\0') {
            p++;
            if (*p == 'n')
                dw_buf_putc(val, '\n');
            else if (*p == 'r')
                dw_buf_putc(val, '\r');
            else if (*p == 't')
                dw_buf_putc(val, '\t');
            else if (*p == 'x' && dw_hex_digit(p[1]) >= 0 &&
                     dw_hex_digit(p[2]) >= 0) {
                dw_buf_putc(
                    val, (char)(dw_hex_digit(p[1]) * 16 + dw_hex_digit(p[2])));
                p += 2;
            } else
                dw_buf_putc(val, *p);
        } else {
            dw_buf_putc(val, *p);
        }
    }
    if (*p == '"')
        p++;
    *pp = p;
}

/* Turns "k=v k2=\"a b\" word" into ,"k":"v","k2":"a b","text":"word". */
static void logfmt_to_json(struct dw_buf *out, const char *msg)
{
    struct dw_buf val, words;
    const char *p = msg;

    dw_buf_init(&val, 0);
    dw_buf_init(&words, 0);
    while (*p != '\0') {
        const char *key = p;
        size_t klen;

        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        key = p;
        while (*p != '\0' && *p != ' ' && *p != '=')
            p++;
        klen = (size_t)(p - key);
        if (*p != '=' || klen == 0) {
            /* A bare word (or "=x"): keep it, in order, under "text". */
            const char *start = key;

            if (*key == '"') {
                p = key;
                logfmt_value(&p, &val);
                if (words.len > 0)
                    dw_buf_putc(&words, ' ');
                dw_buf_append(&words, val.data, val.len);
                continue;
            }
            while (*p != '\0' && *p != ' ')
                p++;
            if (words.len > 0)
                dw_buf_putc(&words, ' ');
            dw_buf_append(&words, start, (size_t)(p - start));
            continue;
        }
        p++;
        logfmt_value(&p, &val);
        dw_buf_puts(out, ",\"");
        /* Keep the three fixed fields unambiguous. */
        if ((klen == 2 && memcmp(key, "ts", 2) == 0) ||
            (klen == 5 && memcmp(key, "level", 5) == 0) ||
            (klen == 5 && memcmp(key, "event", 5) == 0) ||
            (klen == 4 && memcmp(key, "text", 4) == 0))
            dw_buf_putc(out, '_');
        json_escape(out, key, klen);
        dw_buf_puts(out, "\":\"");
        if (val.len > 0)
            json_escape(out, val.data, val.len);
        dw_buf_putc(out, '"');
    }
    if (words.len > 0) {
        dw_buf_puts(out, ",\"text\":\"");
        json_escape(out, words.data, words.len);
        dw_buf_putc(out, '"');
    }
    dw_buf_release(&val);
    dw_buf_release(&words);
}

void dw_log(enum dw_log_level level, const char *event, const char *fmt, ...)
{
    char ts[DW_TIME_ISO_MAX];
    struct dw_buf msg, line;
    FILE *f = g_stream != NULL ? g_stream : stderr;
    va_list ap;

    if (level < g_level || level > DW_LOG_ERROR)
        return;
    if (event == NULL || event[0] == '\0')
        event = "-";
    /* Whole seconds: the log is for people and shippers, not for timing. */
    dw_time_format_iso(dw_time_now() / DW_USEC * DW_USEC, ts);

    dw_buf_init(&msg, 0);
    dw_buf_init(&line, 0);
    va_start(ap, fmt);
    dw_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    if (g_format == DW_LOG_JSON) {
        dw_buf_printf(&line, "{\"ts\":\"%s\",\"level\":\"%s\",\"event\":\"", ts,
                      level_lower[level]);
        json_escape(&line, event, strlen(event));
        dw_buf_putc(&line, '"');
        if (msg.data != NULL)
            logfmt_to_json(&line, msg.data);
        dw_buf_puts(&line, "}\n");
    } else {
        dw_buf_printf(&line, "%s %s %s", ts, level_upper[level], event);
        if (msg.len > 0) {
            dw_buf_putc(&line, ' ');
            /* One event, one line: a stray newline would split it. */
            for (size_t i = 0; i < msg.len; i++)
                if (msg.data[i] == '\n' || msg.data[i] == '\r')
                    msg.data[i] = ' ';
            dw_buf_append(&line, msg.data, msg.len);
        }
        dw_buf_putc(&line, '\n');
    }
    /* A single write keeps lines whole when processes share stderr. */
    if (line.data != NULL) {
        fwrite(line.data, 1, line.len, f);
        fflush(f);
    }
    dw_buf_release(&msg);
    dw_buf_release(&line);
}

void dw_log_error(const char *event, const struct dw_error *err)
{
    char q[2 * DW_ERROR_MSG_MAX + 8];

    if (err == NULL) {
        dw_log(DW_LOG_ERROR, event, "status=unknown");
        return;
    }
    dw_log(DW_LOG_ERROR, event, "status=%s msg=%s", dw_status_name(err->code),
           dw_log_quote(err->msg, q, sizeof(q)));
}
