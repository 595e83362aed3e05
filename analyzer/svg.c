/* analyzer/svg.c — tiny inline SVG charts: a histogram and horizontal bars. */
#include "svg.h"

#include <string.h>

#include "money.h"

#define AXIS "#555"
#define GRID "#e3e3e3"
#define INK "#222"
#define FONT "font-family=\"Helvetica,Arial,sans-serif\""

enum dw_status dw_svg_escape(struct dw_buf *out, const char *s)
{
    enum dw_status st = DW_OK;
    const char *run = s;

    if (s == NULL)
        return DW_OK;
    for (; *s != '\0' && st == DW_OK; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            continue;
        }
        st = dw_buf_append(out, run, (size_t)(s - run));
        if (st == DW_OK)
            st = dw_buf_puts(out, rep);
        run = s + 1;
    }
    if (st == DW_OK)
        st = dw_buf_append(out, run, strlen(run));
    return st;
}

int64_t dw_svg_nice(int64_t v)
{
    static const int64_t mult[] = {1, 2, 5};

    if (v <= 1)
        return 1;
    for (int64_t p = 1; p <= INT64_MAX / 10; p *= 10)
        for (size_t i = 0; i < 3; i++)
            if (p * mult[i] >= v)
                return p * mult[i];
    return v;
}

static int64_t x_max(const struct dw_svg_histogram *h)
{
    return h->bins[h->n - 1].hi;
}

double dw_svg_x(const struct dw_svg_histogram *h, int64_t v)
{
    int64_t top = x_max(h);
    double plot = (double)(h->width - DW_SVG_LEFT - DW_SVG_RIGHT);

    if (v < 0)
        v = 0;
    if (v > top)
        v = top;
    return DW_SVG_LEFT + (double)v * plot / (double)top;
}

#define P(...)                                                                 \
    do {                                                                       \
        if (st == DW_OK)                                                       \
            st = dw_buf_printf(out, __VA_ARGS__);                              \
    } while (0)
#define E(s)                                                                   \
    do {                                                                       \
        if (st == DW_OK)                                                       \
            st = dw_svg_escape(out, (s));                                      \
    } while (0)

/* <svg> start with an accessible title. */
static enum dw_status open_svg(struct dw_buf *out, int w, int h,
                               const char *title)
{
    enum dw_status st = DW_OK;

    P("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
      " viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"",
      w, h, w, h);
    E(title);
    P("\" %s font-size=\"11\"><title>", FONT);
    E(title);
    P("</title>\n");
    return st;
}

enum dw_status dw_svg_histogram(struct dw_buf *out,
                                const struct dw_svg_histogram *h)
{
    enum dw_status st = DW_OK;
    int64_t most = 0, ystep, ymax;
    double plot_h, base, top_y;
    char a[32];

    if (h->n == 0 || x_max(h) <= 0 || h->bins[0].lo != 0 ||
        h->width <= DW_SVG_LEFT + DW_SVG_RIGHT ||
        h->height <= DW_SVG_TOP + DW_SVG_BOTTOM)
        return DW_ERR_INTERNAL;
    for (size_t i = 0; i < h->n; i++)
        if (h->bins[i].count > most)
            most = h->bins[i].count;
    ystep = dw_svg_nice((most + 3) / 4);
    ymax = ystep * ((most + ystep - 1) / ystep);
    if (ymax == 0)
        ymax = ystep;
    plot_h = (double)(h->height - DW_SVG_TOP - DW_SVG_BOTTOM);
    base = DW_SVG_TOP + plot_h;
    top_y = DW_SVG_TOP;

    st = open_svg(out, h->width, h->height, h->title);
    /* grid and y ticks */
    for (int64_t y = 0; st == DW_OK && y <= ymax; y += ystep) {
        double py = base - (double)y * plot_h / (double)ymax;
        P("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>"
          "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"%s\">%lld"
          "</text>\n",
          DW_SVG_LEFT, py, h->width - DW_SVG_RIGHT, py, GRID, DW_SVG_LEFT - 6,
          py + 4, AXIS, (long long)y);
    }
    /* bars, their counts and x tick labels */
    for (size_t i = 0; st == DW_OK && i < h->n; i++) {
        const struct dw_svg_bin *b = &h->bins[i];
        double x0 = dw_svg_x(h, b->lo), x1 = dw_svg_x(h, b->hi);
        double bh = (double)b->count * plot_h / (double)ymax;
        bool open = h->last_open && i + 1 == h->n;

        if (b->count > 0) {
            P("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
              " fill=\"",
              x0 + 1, base - bh, x1 - x0 - 2 > 1 ? x1 - x0 - 2 : 1, bh);
            E(b->fill ? b->fill : "#4a6fa5");
            P("\"%s><title>%lld</title></rect>"
              "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\""
              " fill=\"%s\">%lld</text>\n",
              open ? " fill-opacity=\"0.75\"" : "", (long long)b->count,
              (x0 + x1) / 2, base - bh - 4, INK, (long long)b->count);
        }
        if (open)
            P("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\""
              " fill=\"%s\">%s+</text>\n",
              (x0 + x1) / 2, base + 16, AXIS,
              dw_money_format(b->lo, h->digits, a));
        else
            P("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\""
              " fill=\"%s\">%s</text>\n",
              x0, base + 16, AXIS, dw_money_format(b->lo, h->digits, a));
    }
    if (!h->last_open)
        P("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\">"
          "%s</text>\n",
          dw_svg_x(h, x_max(h)), base + 16, AXIS,
          dw_money_format(x_max(h), h->digits, a));
    /* axes */
    P("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>\n",
      DW_SVG_LEFT, base, h->width - DW_SVG_RIGHT, base, AXIS);
    /* reference lines, labelled above the plot */
    for (size_t i = 0; st == DW_OK && i < h->n_markers; i++) {
        const struct dw_svg_marker *m = &h->markers[i];
        double x = dw_svg_x(h, m->x);
        const char *anchor = x > h->width - 120 ? "end" : "start";

        P("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"", x,
          top_y - 6, x, base);
        E(m->stroke ? m->stroke : "#b71c1c");
        P("\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>"
          "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"",
          strcmp(anchor, "end") == 0 ? x - 4 : x + 4,
          top_y - 10 + 12.0 * (double)(i % 2), anchor);
        E(m->stroke ? m->stroke : "#b71c1c");
        P("\" font-weight=\"bold\">");
        E(m->label);
        P("</text>\n");
    }
    /* axis titles */
    P("<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\">",
      (DW_SVG_LEFT + h->width - DW_SVG_RIGHT) / 2.0, h->height - 8, INK);
    E(h->x_label);
    P("</text><text x=\"14\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\""
      " transform=\"rotate(-90 14 %.1f)\">",
      DW_SVG_TOP + plot_h / 2, INK, DW_SVG_TOP + plot_h / 2);
    E(h->y_label);
    P("</text>\n</svg>\n");
    return st;
}

enum dw_status dw_svg_hbars(struct dw_buf *out, const char *title, int width,
                            const struct dw_svg_hbar *bars, size_t n)
{
    enum dw_status st = DW_OK;
    const int label_w = 230, row = 26, value_w = 48;
    int height = (int)n * row + 8;
    int64_t most = 0;
    double full = (double)(width - label_w - value_w);

    if (width <= label_w + value_w)
        return DW_ERR_INTERNAL;
    for (size_t i = 0; i < n; i++)
        if (bars[i].value > most)
            most = bars[i].value;
    st = open_svg(out, width, height, title);
    for (size_t i = 0; st == DW_OK && i < n; i++) {
        double y = 4 + (double)i * row;
        double w = most > 0 ? (double)bars[i].value * full / (double)most : 0;

        P("<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"%s\">",
          label_w - 8, y + 16, INK);
        E(bars[i].label);
        P("</text><rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"18\""
          " fill=\"",
          label_w, y + 3, w < 1 ? 1 : w);
        E(bars[i].fill ? bars[i].fill : "#4a6fa5");
        P("\"/><text x=\"%.1f\" y=\"%.1f\" fill=\"%s\">%lld</text>\n",
          label_w + (w < 1 ? 1 : w) + 6, y + 16, INK, (long long)bars[i].value);
    }
    P("</svg>\n");
    return st;
}
#undef P
#undef E
