/* collector/platforms.c — adapter registry, request lists and frontier. */
#include "platform.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "dwtime.h"

static const struct dw_platform *const registry[] = {
    &dw_platform_prolific, &dw_platform_file,  &dw_platform_upwork,
    &dw_platform_toloka,   &dw_platform_mturk,
    /* toloka, upwork, mturk, file: one file each, listed here. */
};

const struct dw_platform *dw_platform_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof(registry) / sizeof(registry[0]); i++)
        if (strcmp(registry[i]->name, name) == 0)
            return registry[i];
    return NULL;
}

void dw_request_release(struct dw_request *r)
{
    free(r->url);
    free(r->scope);
    free(r->body);
    memset(r, 0, sizeof(*r));
}

void dw_request_list_init(struct dw_request_list *l)
{
    memset(l, 0, sizeof(*l));
}

void dw_request_list_release(struct dw_request_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        dw_request_release(&l->items[i]);
    free(l->items);
    memset(l, 0, sizeof(*l));
}

enum dw_status dw_request_set(struct dw_request *out, int kind, bool root,
                              const char *url, const char *scope,
                              const char *body)
{
    char *u = strdup(url);
    char *s = scope ? strdup(scope) : NULL;
    char *b = body ? strdup(body) : NULL;
    if (!u || (scope && !s) || (body && !b)) {
        free(u);
        free(s);
        free(b);
        return DW_ERR_NOMEM;
    }
    *out = (struct dw_request){kind, root, u, s, b};
    return DW_OK;
}

enum dw_status dw_request_list_push(struct dw_request_list *l, int kind,
                                    bool root, const char *url,
                                    const char *scope)
{
    return dw_request_list_push_body(l, kind, root, url, scope, NULL);
}

enum dw_status dw_request_list_push_body(struct dw_request_list *l, int kind,
                                         bool root, const char *url,
                                         const char *scope, const char *body)
{
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 16;
        struct dw_request *p = realloc(l->items, ncap * sizeof(*p));
        if (!p)
            return DW_ERR_NOMEM;
        l->items = p;
        l->cap = ncap;
    }
    enum dw_status st =
        dw_request_set(&l->items[l->n], kind, root, url, scope, body);
    if (st == DW_OK)
        l->n++;
    return st;
}

enum dw_status dw_credential_split(const char *credential, const char *what,
                                   size_t *first_len, const char **second,
                                   struct dw_error *err)
{
    const char *colon = credential ? strchr(credential, ':') : NULL;
    if (!colon || colon == credential || colon[1] == '\0')
        return dw_error_set(err, DW_ERR_CONFIG,
                            "%s must be two non-empty parts joined by ':'",
                            what);
    *first_len = (size_t)(colon - credential);
    *second = colon + 1;
    return DW_OK;
}

bool dw_request_list_pop(struct dw_request_list *l, struct dw_request *out)
{
    if (l->n == 0)
        return false;
    *out = l->items[--l->n];
    return true;
}

enum dw_status dw_frontier_to_json(const struct dw_request_list *l,
                                   int64_t since, char **out,
                                   struct dw_error *err)
{
    char iso[DW_TIME_ISO_MAX];
    json_t *root = json_object();
    json_t *pending = json_array();
    enum dw_status st = DW_ERR_NOMEM;

    *out = NULL;
    if (!root || !pending)
        goto done;
    if (json_object_set_new(root, "v", json_integer(1)) ||
        json_object_set_new(root, "since",
                            since == DW_TIME_NONE
                                ? json_null()
                                : json_string(dw_time_format_iso(since, iso))))
        goto done;
    for (size_t i = 0; i < l->n; i++) {
        const struct dw_request *r = &l->items[i];
        json_t *o =
            json_pack("{s:i,s:b,s:s,s:s*,s:s*}", "k", r->kind, "r", r->root,
                      "u", r->url, "s", r->scope, "b", r->body);
        if (!o || json_array_append_new(pending, o))
            goto done;
    }
    if (json_object_set(root, "pending", pending))
        goto done;
    *out = json_dumps(root, JSON_COMPACT);
    if (*out)
        st = DW_OK;
done:
    json_decref(pending);
    json_decref(root);
    if (st != DW_OK)
        dw_error_set(err, st, "cannot encode the crawl frontier");
    return st;
}

enum dw_status dw_frontier_from_json(const char *text,
                                     struct dw_request_list *l, int64_t *since,
                                     struct dw_error *err)
{
    json_error_t jerr;
    json_t *root = json_loads(text, 0, &jerr);
    json_t *pending = root ? json_object_get(root, "pending") : NULL;
    json_t *js = root ? json_object_get(root, "since") : NULL;
    json_t *v = root ? json_object_get(root, "v") : NULL;
    enum dw_status st = DW_OK;

    *since = DW_TIME_NONE;
    if (!json_is_object(root) || !json_is_array(pending) ||
        json_integer_value(v) != 1) {
        st = dw_error_set(err, DW_ERR_PARSE, "frontier: not a v1 cursor");
        goto done;
    }
    if (json_is_string(js) &&
        dw_time_parse_iso(json_string_value(js), false, since, err) != DW_OK) {
        st = dw_error_set(err, DW_ERR_PARSE, "frontier: bad since");
        goto done;
    }
    size_t i;
    json_t *o;
    json_array_foreach(pending, i, o)
    {
        int kind = 0, rt = 0;
        const char *url = NULL, *scope = NULL, *body = NULL;
        if (json_unpack(o, "{s:i,s:b,s:s,s?s,s?s}", "k", &kind, "r", &rt, "u",
                        &url, "s", &scope, "b", &body) != 0) {
            st = dw_error_set(err, DW_ERR_PARSE, "frontier: bad entry %zu", i);
            goto done;
        }
        st = dw_request_list_push_body(l, kind, rt != 0, url, scope, body);
        if (st != DW_OK) {
            dw_error_set(err, st, "out of memory");
            goto done;
        }
    }
done:
    json_decref(root);
    if (st != DW_OK)
        dw_request_list_release(l);
    return st;
}

void dw_parse_out_init(struct dw_parse_out *o)
{
    memset(o, 0, sizeof(*o));
    dw_page_rows_init(&o->rows);
    dw_request_list_init(&o->follow);
}

void dw_parse_out_release(struct dw_parse_out *o)
{
    dw_page_rows_release(&o->rows);
    dw_request_list_release(&o->follow);
    dw_request_release(&o->next);
    free(o->landed);
    memset(o, 0, sizeof(*o));
}
