/* analyzer/svg.h — tiny inline SVG charts: a histogram and horizontal bars. */
#ifndef DW_SVG_H
#define DW_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "status.h"

/*
 * Charts are appended to a dw_buf as one <svg> element with fixed pixel
 * geometry and inline presentation attributes (no CSS or script needed,
 * so they print and embed anywhere). Every text is escaped. Inputs are
 * borrowed. Values are int64 in micro-units of their unit (money or
 * hours), formatted with dw_money_format.
 */

/* Plot margins of a histogram, in pixels: the plot area spans
 * x in [DW_SVG_LEFT, width - DW_SVG_RIGHT], y in [DW_SVG_TOP,
 * height - DW_SVG_BOTTOM]. */
#define DW_SVG_LEFT 56
#define DW_SVG_RIGHT 24
#define DW_SVG_TOP 28
#define DW_SVG_BOTTOM 48

/* One bar of a histogram: [lo, hi) on the x axis with a count. */
struct dw_svg_bin {
    int64_t lo, hi;
    int64_t count;
    const char *fill; /* a CSS colour, e.g. "#2e7d32" */
};

/* A vertical reference line at x (e.g. the minimum wage). */
struct dw_svg_marker {
    int64_t x;
    const char *label;
    const char *stroke;
};

struct dw_svg_histogram {
    int width, height; /* pixels */
    const char *title; /* the chart's accessible name */
    const char *x_label;
    const char *y_label;
    int digits; /* fraction digits of x tick labels */
    const struct dw_svg_bin *bins;
    size_t n;       /* bins are contiguous, ascending; n >= 1 */
    bool last_open; /* the last bin means "lo and more" */
    const struct dw_svg_marker *markers;
    size_t n_markers;
};

/*
 * The pixel x of value v: DW_SVG_LEFT + v * plot width / x_max, where
 * x_max is the last bin's hi (v is clamped to [0, x_max]).
 */
double dw_svg_x(const struct dw_svg_histogram *h, int64_t v);

/* Appends the histogram. DW_ERR_INTERNAL for n == 0 or a bad axis. */
enum dw_status dw_svg_histogram(struct dw_buf *out,
                                const struct dw_svg_histogram *h);

/* One horizontal bar: a labelled count. */
struct dw_svg_hbar {
    const char *label;
    int64_t value;
    const char *fill;
};

/* Appends horizontal bars, one 26-pixel row each, longest = full width. */
enum dw_status dw_svg_hbars(struct dw_buf *out, const char *title, int width,
                            const struct dw_svg_hbar *bars, size_t n);

/* Appends s with & < > " ' escaped for XML and HTML text and attributes. */
enum dw_status dw_svg_escape(struct dw_buf *out, const char *s);

/* The smallest 1, 2 or 5 x 10^n at least v (v <= 0 gives 1). */
int64_t dw_svg_nice(int64_t v);

#endif
