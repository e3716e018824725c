// The cascade Monte Carlo's HTML report: the bad-debt histogram with its VaR, ES and fund-99
// markers, from the JSON document (figures printed are its exact strings; doubles only place marks).
#include "cascade_mc_report.hpp"

#include <algorithm>
#include <vector>

#include "report_html.hpp"

namespace cascade_mc_report {
namespace {

using json = nlohmann::ordered_json;
using report_html::escape;
using report_html::fixed;
using report_html::to_double;

const std::string& str(const json& j, const char* key) { return j.at(key).get_ref<const std::string&>(); }
fp::Wad wad(const std::string& decimal) { return fp::parse(decimal).value; }

struct bin {
    std::string lo, hi;
    std::size_t count = 0;
};

// Bin 0: bad debt 0; bins 1 .. B: (floor(max (i - 1) / B), floor(max i / B)].
std::vector<bin> bins_of(const json& per, const fp::Wad& max) {
    const std::size_t n = per.size(), B = std::max<std::size_t>(1, std::min<std::size_t>(20, n));
    std::vector<fp::Wad> edge(B + 1);
    for (std::size_t i = 0; i <= B; ++i)
        edge[i] = fp::mul_div(max, fp::Wad::from_int(static_cast<std::int64_t>(i)), fp::Wad::from_int(static_cast<std::int64_t>(B)),
                              fp::rounding::floor)
                      .value;
    std::vector<bin> out(max.raw().sign() > 0 ? B + 1 : 1);
    out[0] = {"0", "0", 0};
    for (std::size_t i = 1; i < out.size(); ++i) out[i] = {fp::format(edge[i - 1]), fp::format(edge[i]), 0};
    for (const json& p : per) {
        const fp::Wad b = wad(str(p, "bad_debt"));
        if (b.raw().sign() <= 0) {
            ++out[0].count;
            continue;
        }
        std::size_t i = 1;
        while (i + 1 < out.size() && b > edge[i]) ++i;
        ++out[i].count;
    }
    return out;
}

std::string histogram(const std::vector<bin>& bins, const json& bd, const fp::Wad& max) {
    const double L = 70, R = 30, T = 40, plot_h = 240, W = 860, H = T + plot_h + 70, zero_w = 40, gap = 10;
    const double x0 = L + zero_w + gap, xw = W - R - x0,
                 top = std::max<double>(1, static_cast<double>(std::max_element(bins.begin(), bins.end(), [](auto&a, auto&b) {
                                                                   return a.count < b.count;
                                                               })->count));
    const double hi = std::max(to_double(max), 1e-18);
    const auto X = [&](const std::string& v) { return x0 + to_double(v) / hi * xw; };
    const auto Y = [&](double c) { return T + plot_h - c / top * plot_h; };
    std::string svg = report_html::svg_open(W, H, "chart", "histogram");
    svg += "<text x='" + fixed(L, 0) + "' y='15' font-size='12' font-weight='bold'>Paths by bad debt (first bar: no bad debt)</text>";
    for (int i = 0; i <= 4; ++i) svg += report_html::grid_line(L, W - R, Y(top * i / 4), fixed(top * i / 4, 0));
    svg += "<line x1='" + fixed(L, 0) + "' x2='" + fixed(W - R, 0) + "' y1='" + fixed(Y(0), 2) + "' y2='" + fixed(Y(0), 2) +
           "' stroke='#444'/>";
    for (std::size_t i = 0; i < bins.size(); ++i) {
        const bin& b = bins[i];
        const double bx = i == 0 ? L + 4 : X(b.lo), bw = i == 0 ? zero_w - 8 : std::max(1.0, X(b.hi) - X(b.lo) - 1);
        const double c = static_cast<double>(b.count);
        svg += "<rect class='bar' data-i='" + std::to_string(i) + "' data-lo='" + b.lo + "' data-hi='" + b.hi + "' data-count='" +
               std::to_string(b.count) + "' x='" + fixed(bx, 3) + "' y='" + fixed(Y(c), 3) + "' width='" + fixed(bw, 3) + "' height='" +
               fixed(c / top * plot_h, 3) + "' fill='" + (i == 0 ? "#2ca02c" : "#d62728") + "'><title>" +
               (i == 0 ? std::string("0") : "(" + b.lo + ", " + b.hi + "]") + ": " + std::to_string(b.count) + " paths</title></rect>";
    }
    svg += "<text x='" + fixed(x0, 0) + "' y='" + fixed(H - 40, 0) + "' font-size='11'>0</text><text x='" + fixed(W - R, 0) + "' y='" +
           fixed(H - 40, 0) + "' font-size='11' text-anchor='end'>" + fp::format(max) + "</text>";
    const char* names[] = {"var_95", "es_95", "var_99", "es_99", "fund_99"};
    const char* colours[] = {"#ff7f0e", "#ff7f0e", "#9467bd", "#9467bd", "#1f77b4"};
    for (int k = 0; k < 5; ++k) {
        const std::string& v = str(bd, names[k]);
        const double x = X(v);
        svg += "<line class='marker' data-name='" + std::string(names[k]) + "' data-value='" + v + "' x1='" + fixed(x, 3) + "' x2='" +
               fixed(x, 3) + "' y1='" + fixed(T - 6, 0) + "' y2='" + fixed(Y(0), 0) + "' stroke='" + colours[k] + "' stroke-width='2'" +
               (k % 2 ? " stroke-dasharray='5 3'" : "") + "/><text class='legend' x='" + fixed(L + 260.0 * (k % 3), 1) + "' y='" +
               fixed(H - 20 + 13.0 * (k / 3), 0) + "' font-size='10' fill='" + colours[k] + "'>" + (k % 2 ? "- - " : "\u2014 ") + names[k] +
               " " + v + "</text>";
    }
    return svg + "</svg>";
}

}  // namespace

std::string to_html(const json& doc, const std::string& request) {
    const json& m = doc.at("cascade_monte_carlo");
    const json& bd = m.at("bad_debt");
    const json& per = m.at("per_path");
    const fp::Wad max = wad(str(bd, "max"));
    const std::size_t n = m.at("paths").get<std::size_t>();
    std::string h = "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'><title>margin cascade Monte Carlo " + escape(request) +
                    "</title><style>body{font-family:sans-serif;margin:20px;color:#222}table{border-collapse:collapse;font-size:12px;"
                    "margin:6px 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}th{background:#f4f4f4}td.l,th.l{text-align:"
                    "left}section{margin-top:24px}</style></head><body>\n<h1>Cascade Monte Carlo: bad debt</h1>\n<p>Request <code>" +
                    escape(request) + "</code>: " + std::to_string(n) + " paths (seed " + str(m, "seed") + ", " +
                    std::to_string(m.at("horizon").get<std::size_t>()) + " days, " + str(m, "model") + ") on " +
                    std::to_string(m.at("accounts").get<std::size_t>()) +
                    " accounts, each a market-mode cascade with the insurance fund at 0 (docs/cascade-monte-carlo.md). VaR: the k-th "
                    "largest bad debt, k = ceil(N (1 - alpha)); ES: the mean of the k largest (ceil); fund 99: the least fund covering "
                    "the bad debt of at least 99 % of paths.</p>\n<table id='summary'><tr><th class='l'>figure</th><th>value</th></tr>";
    for (const char* k : {"mean", "max", "var_95", "es_95", "var_99", "es_99", "fund_99"})
        h += "<tr><td class='l'>" + std::string(k) + "</td><td>" + str(bd, k) + "</td></tr>";
    for (const char* k : {"k_95", "k_99", "fund_rank", "paths_with_bad_debt"})
        h += "<tr><td class='l'>" + std::string(k) + "</td><td>" + std::to_string(bd.at(k).get<std::size_t>()) + "</td></tr>";
    h += "</table>\n";
    if (per.size() < n)
        h += "<p class='partial'>The histogram shows the " + std::to_string(per.size()) + " listed paths of " + std::to_string(n) +
             " (the request's list cap).</p>\n";
    h += "<section>" + histogram(bins_of(per, max), bd, max) + "</section>\n";
    std::vector<std::size_t> idx(per.size());
    for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    std::stable_sort(idx.begin(), idx.end(),
                     [&](std::size_t a, std::size_t b) { return wad(str(per[a], "bad_debt")) > wad(str(per[b], "bad_debt")); });
    h += "<section><h2>Worst paths</h2><table id='worst'><tr><th>path</th><th>bad debt</th><th>shortfall</th><th>liquidations</th>"
         "<th>steps</th></tr>";
    for (std::size_t i = 0; i < idx.size() && i < 20; ++i) {
        const json& p = per[idx[i]];
        h += "<tr><td>" + std::to_string(p.at("path").get<std::size_t>()) + "</td><td>" + str(p, "bad_debt") + "</td><td>" +
             str(p, "shortfall") + "</td><td>" + std::to_string(p.at("liquidations").get<std::size_t>()) + "</td><td>" +
             std::to_string(p.at("steps").get<std::size_t>()) + "</td></tr>";
    }
    return h + "</table></section>\n</body></html>\n";
}

}  // namespace cascade_mc_report
