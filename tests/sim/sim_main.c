/* tests/sim/sim_main.c — dw-sim: options, start, wait for a signal, stop. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_faults.h"
#include "sim_server.h"
#include "sim_world.h"

#define DEFAULT_SCALE 40
#define DEFAULT_PAGE_SIZE 100
#define MAX_SCALE 100000

/*
 * Supported platforms, all served at once; a new one is one file and one
 * line here. The order is the routing order (see struct sim_platform).
 */
static const struct sim_platform *const platforms[] = {
    &sim_prolific,
    &sim_upwork,
    &sim_mturk,
    &sim_toloka,
};
#define N_PLATFORMS (sizeof platforms / sizeof platforms[0])

static void usage(FILE *out)
{
    fputs(
        "usage: dw-sim [--port P] [--seed S] [--platform NAME] [--scale N]\n"
        "              [--anchor YYYY-MM-DD] [--fault SPEC] [--page-size N]\n"
        "              [--quiet]\n"
        "\n"
        "A crowdwork platform simulator on http://127.0.0.1:P for tests,\n"
        "demos and benchmarks. Each API token is its own account with its\n"
        "own deterministic data. The first line on stdout is always\n"
        "  dw-sim listening on http://127.0.0.1:PORT\n"
        "SIGINT or SIGTERM stops it.\n"
        "\n"
        "  --port P          port to listen on; 0 picks a free one (default "
        "0)\n"
        "  --seed S          seed of all data and faults (default 1)\n"
        "  --platform NAME   serve only this API (default: all of them)\n"
        "  --scale N         workers per account, at least 7 (default 40)\n"
        "  --anchor DATE     first day of the 4-week window of work\n"
        "                    (default: the Monday 5 weeks before today, UTC)\n"
        "  --fault SPEC      inject faults, e.g. 429:0.1,500:0.05,stall:3@7;\n"
        "                    PLATFORM:KIND... for one platform only\n"
        "                    (repeatable; see docs/simulator.md)\n"
        "  --page-size N     page size when a client sends none (default 100,\n"
        "                    at most 500)\n"
        "  --quiet           no request log on stderr\n"
        "  -h, --help        this text\n"
        "\n"
        "Control routes (never faulted): GET "
        "/__sim/truth?token=T[&platform=P],\n"
        "POST /__sim/advance[?token=T][&platform=P], GET|POST /__sim/faults,\n"
        "GET /__sim/stats, GET /__sim/requests, GET /__sim/health.\n",
        out);
}

static bool parse_ull(const char *s, unsigned long long max,
                      unsigned long long *out)
{
    if (!s || *s < '0' || *s > '9')
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return false;
    *out = v;
    return true;
}

/* Appends item to the comma-separated spec; false when it does not fit. */
static bool add_fault(char *spec, size_t n, const char *item)
{
    size_t len = strlen(spec), add = strlen(item);
    if (len + add + 2 > n)
        return false;
    if (len > 0)
        spec[len++] = ',';
    memcpy(spec + len, item, add + 1);
    return true;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"port", required_argument, NULL, 'p'},
        {"seed", required_argument, NULL, 's'},
        {"platform", required_argument, NULL, 'P'},
        {"scale", required_argument, NULL, 'n'},
        {"anchor", required_argument, NULL, 'a'},
        {"fault", required_argument, NULL, 'f'},
        {"page-size", required_argument, NULL, 'z'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    unsigned long long port = 0, seed = 1, scale = DEFAULT_SCALE,
                       page_size = DEFAULT_PAGE_SIZE;
    const struct sim_platform *platform = NULL; /* NULL = all */
    int64_t anchor = sim_default_anchor();
    static char faults[SIM_FAULT_SPEC_MAX];
    bool quiet = false;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        bool ok = true;
        switch (c) {
        case 'p':
            ok = parse_ull(optarg, 65535, &port);
            break;
        case 's':
            ok = parse_ull(optarg, UINT64_MAX, &seed);
            break;
        case 'n':
            ok = parse_ull(optarg, MAX_SCALE, &scale) && scale >= SIM_MIN_SCALE;
            break;
        case 'z':
            ok = parse_ull(optarg, 500, &page_size) && page_size > 0;
            break;
        case 'a':
            ok = sim_date_parse(optarg, &anchor);
            break;
        case 'f':
            ok = add_fault(faults, sizeof faults, optarg);
            break;
        case 'q':
            quiet = true;
            break;
        case 'P':
            platform = NULL;
            for (size_t i = 0; i < N_PLATFORMS; i++)
                if (strcmp(optarg, platforms[i]->name) == 0)
                    platform = platforms[i];
            ok = platform != NULL;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
        if (!ok) {
            fprintf(stderr, "dw-sim: bad value for --%s: '%s'\n",
                    c == 'p'   ? "port"
                    : c == 's' ? "seed"
                    : c == 'n' ? "scale (7 to 100000)"
                    : c == 'z' ? "page-size (1 to 500)"
                    : c == 'a' ? "anchor (YYYY-MM-DD)"
                    : c == 'f' ? "fault"
                               : "platform",
                    optarg);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "dw-sim: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return 2;
    }

    /* Block the stop signals before any thread starts, then sigwait. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct sim_workspaces *worlds =
        sim_workspaces_new(seed, (int)scale, anchor);
    if (!worlds) {
        fprintf(stderr, "dw-sim: out of memory\n");
        return 1;
    }
    struct sim_server_config cfg = {
        .port = (uint16_t)port,
        .seed = seed,
        .page_size = (int)page_size,
        .quiet = quiet,
        .platforms = platform ? &platform : platforms,
        .n_platforms = platform ? 1 : N_PLATFORMS,
        .worlds = worlds,
        .faults = faults,
    };
    char err[256];
    struct sim_server *srv = sim_server_start(&cfg, err, sizeof err);
    if (!srv) {
        fprintf(stderr, "dw-sim: %s\n", err);
        sim_workspaces_free(worlds);
        return strstr(err, "listen") ? 1 : 2;
    }
    printf("dw-sim listening on http://127.0.0.1:%u\n",
           (unsigned)sim_server_port(srv));
    fflush(stdout);
    if (!quiet) {
        char day[16], names[256] = "";
        size_t used = 0;
        for (size_t i = 0; i < cfg.n_platforms; i++) {
            int n = snprintf(names + used, sizeof names - used, "%s%s",
                             i ? "," : "", cfg.platforms[i]->name);
            if (n < 0 || (size_t)n >= sizeof names - used)
                break;
            used += (size_t)n;
        }
        sim_date_format(anchor, day, sizeof day);
        fprintf(stderr,
                "dw-sim: platforms=%s seed=%llu scale=%llu anchor=%s "
                "page-size=%llu faults=%s\n",
                names, seed, scale, day, page_size,
                faults[0] ? faults : "none");
    }

    int sig = 0;
    sigwait(&stop, &sig);
    if (!quiet)
        fprintf(stderr, "dw-sim: %s, stopping\n",
                sig == SIGINT ? "SIGINT" : "SIGTERM");
    sim_server_stop(srv);
    sim_workspaces_free(worlds);
    return 0;
}
