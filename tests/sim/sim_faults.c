/* tests/sim/sim_faults.c — fault specs, faults drawn from a seeded RNG. */
#include "sim_faults.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_rng.h"

static const char *const names[SIM_FAULT_COUNT] = {
    "none", "429",      "429date", "429none", "500", "502",      "503",
    "504",  "truncate", "reset",   "stall",   "dup", "throttle",
};

const char *sim_fault_name(enum sim_fault_kind kind)
{
    return (unsigned)kind < SIM_FAULT_COUNT ? names[kind] : "unknown";
}

void sim_faults_init(struct sim_faults *f, uint64_t seed)
{
    memset(f, 0, sizeof *f);
    f->seed = seed;
}

bool sim_faults_add_platform(struct sim_faults *f, const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n >= SIM_FAULT_NAME_MAX ||
        f->n_platforms == SIM_FAULT_MAX_PLATFORMS)
        return false;
    for (size_t i = 0; i < f->n_platforms; i++)
        if (strcmp(f->platforms[i], name) == 0)
            return false;
    memcpy(f->platforms[f->n_platforms++], name, n + 1);
    return true;
}

/* Index of a declared platform, or -1. */
static int platform_index(const struct sim_faults *f, const char *name)
{
    for (size_t i = 0; name && i < f->n_platforms; i++)
        if (strcmp(f->platforms[i], name) == 0)
            return (int)i;
    return -1;
}

static bool parse_u64(const char *s, uint64_t *out)
{
    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

/* Parses one item (NUL-terminated, no commas) into *r. */
static bool parse_item(const struct sim_faults *f, char *item,
                       struct sim_fault_rule *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->platform = -1;
    char *first = strchr(item, ':');
    if (first) {
        *first = '\0';
        r->platform = platform_index(f, item);
        if (r->platform >= 0)
            item = first + 1;
        else
            *first = ':';
    }
    char *at = strchr(item, '@');
    char *rest = NULL;
    if (at)
        *at = '\0';
    char *colon = strchr(item, ':');
    if (colon) {
        *colon = '\0';
        rest = colon + 1;
    }
    r->kind = SIM_FAULT_NONE;
    for (int k = 1; k < SIM_FAULT_COUNT; k++)
        if (strcmp(item, names[k]) == 0)
            r->kind = (enum sim_fault_kind)k;
    if (r->kind == SIM_FAULT_NONE) {
        snprintf(err, errlen, "unknown fault kind '%s'", item);
        return false;
    }
    if (r->kind == SIM_FAULT_STALL) {
        if (!rest) {
            snprintf(err, errlen, "stall needs seconds: stall:SECS:PROB");
            return false;
        }
        char *c2 = strchr(rest, ':');
        if (c2)
            *c2 = '\0';
        uint64_t secs;
        if (!parse_u64(rest, &secs) || secs > 3600) {
            snprintf(err, errlen, "bad stall seconds '%s' (0-3600)", rest);
            return false;
        }
        r->stall_secs = (int)secs;
        rest = c2 ? c2 + 1 : NULL;
    }
    if (at) {
        if (rest) {
            snprintf(err, errlen, "'%s': give either :PROB or @N", item);
            return false;
        }
        if (!parse_u64(at + 1, &r->at) || r->at == 0) {
            snprintf(err, errlen, "bad request number '%s'", at + 1);
            return false;
        }
        return true;
    }
    if (!rest || !*rest) {
        snprintf(err, errlen, "'%s' needs :PROB or @N", item);
        return false;
    }
    errno = 0;
    char *end;
    double p = strtod(rest, &end);
    if (errno || *end || !(p >= 0.0 && p <= 1.0) || isnan(p)) {
        snprintf(err, errlen, "bad probability '%s' (0 to 1)", rest);
        return false;
    }
    r->prob = p;
    return true;
}

bool sim_faults_set(struct sim_faults *f, const char *spec, char *err,
                    size_t errlen)
{
    char buf[SIM_FAULT_SPEC_MAX];
    size_t len = strlen(spec);
    /* Tolerate surrounding whitespace (a body from curl -d may end in \n). */
    while (len > 0 && (spec[len - 1] == '\n' || spec[len - 1] == '\r' ||
                       spec[len - 1] == ' '))
        len--;
    while (len > 0 && *spec == ' ') {
        spec++;
        len--;
    }
    if (len >= sizeof buf) {
        snprintf(err, errlen, "fault spec too long");
        return false;
    }
    memcpy(buf, spec, len);
    buf[len] = '\0';

    struct sim_fault_rule rules[SIM_FAULT_MAX_RULES];
    size_t n = 0;
    char *p = buf;
    while (len > 0 && p) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        if (n == SIM_FAULT_MAX_RULES) {
            snprintf(err, errlen, "more than %d fault items",
                     SIM_FAULT_MAX_RULES);
            return false;
        }
        if (!parse_item(f, p, &rules[n], err, errlen))
            return false;
        n++;
        p = comma ? comma + 1 : NULL;
    }
    /* Per platform: the unprefixed items plus its own. */
    size_t np = f->n_platforms > 0 ? f->n_platforms : 1;
    for (size_t k = 0; k < np; k++) {
        double total = 0.0;
        for (size_t i = 0; i < n; i++)
            if (rules[i].at == 0 &&
                (rules[i].platform < 0 || rules[i].platform == (int)k))
                total += rules[i].prob;
        if (total > 1.0 + 1e-9) {
            snprintf(err, errlen, "probabilities%s%s sum to %.3f, more than 1",
                     f->n_platforms > 0 ? " for " : "",
                     f->n_platforms > 0 ? f->platforms[k] : "", total);
            return false;
        }
    }
    memcpy(f->rules, rules, n * sizeof rules[0]);
    f->n_rules = n;
    memcpy(f->spec, spec, len);
    f->spec[len] = '\0';
    f->seq = 0;
    memset(f->pseq, 0, sizeof f->pseq);
    return true;
}

struct sim_fault_decision sim_faults_next(struct sim_faults *f,
                                          const char *platform)
{
    struct sim_fault_decision d = {.kind = SIM_FAULT_NONE};
    int k = platform_index(f, platform);
    f->seq++;
    d.seq = ++f->pseq[k >= 0 ? k : 0];
    const struct sim_fault_rule *hit = NULL;
#define APPLIES(r) ((r)->platform < 0 || (r)->platform == k)
    for (size_t i = 0; i < f->n_rules && !hit; i++)
        if (f->rules[i].at == d.seq && APPLIES(&f->rules[i]))
            hit = &f->rules[i];
    if (!hit) {
        uint64_t state = sim_mix64(f->seed ^ 0x6661756c74ULL) ^ d.seq;
        double u = sim_rng_unit(&state), acc = 0.0;
        for (size_t i = 0; i < f->n_rules && !hit; i++) {
            if (f->rules[i].at != 0 || !APPLIES(&f->rules[i]))
                continue;
            acc += f->rules[i].prob;
            if (u < acc)
                hit = &f->rules[i];
        }
    }
#undef APPLIES
    if (hit) {
        d.kind = hit->kind;
        d.stall_secs = hit->stall_secs;
        d.rotation = f->rotation[hit->kind]++ % 3;
    }
    return d;
}

void sim_faults_count(struct sim_faults *f, enum sim_fault_kind kind)
{
    if ((unsigned)kind < SIM_FAULT_COUNT)
        f->injected[kind]++;
}
