// The cascade HTML report: per step the price paths, liquidations, the fund and the losses, from
// the JSON document (docs/cascade.md §Report).
#include "cascade_report.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "report_html.hpp"

namespace cascade_report {
namespace {

using json = nlohmann::ordered_json;
using report_html::escape;
using report_html::fixed;
using report_html::str;
using report_html::to_double;

// One series of per-step values (exact decimal strings), drawn as points (line charts) or bars.
struct series {
    std::string cls, label;
    const char* colour;
    std::vector<std::string> values;
    bool dashed = false;  ///< a line drawn dashed (so that one lying on another still shows)
};

// The plot frame shared by both chart kinds: W x H pixels, the y range [lo, hi] over `all`, the
// x position of step i's centre.
struct frame {
    double L = 90, R = 20, T = 40, plot_h = 220, W = 760, H = 0, lo = 0, hi = 0, step = 0;
    frame(std::size_t n, const std::vector<const series*>& all, bool from_zero) {
        W = std::max(760.0, L + R + 8.0 * static_cast<double>(n));
        H = T + plot_h + 40;
        bool first = true;
        for (const series* s : all)
            for (const std::string& v : s->values) {
                const double d = to_double(v);
                lo = first ? d : std::min(lo, d);
                hi = first ? d : std::max(hi, d);
                first = false;
            }
        if (from_zero) {
            lo = std::min(lo, 0.0);
            hi = std::max(hi, 0.0);
        }
        if (hi - lo <= 0) hi = lo + 1;
        step = (W - L - R) / static_cast<double>(std::max<std::size_t>(n, 1));
    }
    double y(double v) const { return T + (hi - v) * (plot_h / (hi - lo)); }
    double x(std::size_t i) const { return L + step * (static_cast<double>(i) + 0.5); }
};

std::string chart_open(const frame& f, const std::string& id, const std::string& caption, const std::vector<const series*>& legend,
                       std::size_t n) {
    std::string svg = report_html::svg_open(f.W, f.H, "chart", id);
    svg += "<text x='" + fixed(f.L, 0) + "' y='15' font-size='12' font-weight='bold'>" + escape(caption) + "</text>";
    double lx = f.W - f.R;
    for (auto it = legend.rbegin(); it != legend.rend(); ++it) {  // right to left, top right
        svg += "<text x='" + fixed(lx, 0) + "' y='31' font-size='11' text-anchor='end' fill='" + (*it)->colour + "'>\u25cf " +
               escape((*it)->label) + "</text>";
        lx -= 12.0 + 6.5 * static_cast<double>((*it)->label.size());
    }
    for (int i = 0; i <= 4; ++i) {
        const double v = f.lo + (f.hi - f.lo) * i / 4;
        svg += report_html::grid_line(f.L, f.W - f.R, f.y(v), fixed(v, std::abs(f.hi - f.lo) < 10 ? 2 : 0));
    }
    const std::size_t every = std::max<std::size_t>(1, (n + 19) / 20);  // at most ~20 step labels
    for (std::size_t i = 0; i < n; i += every)
        svg += "<text class='label' data-i='" + std::to_string(i) + "' x='" + fixed(f.x(i), 1) + "' y='" + fixed(f.T + f.plot_h + 16, 0) +
               "' font-size='10' text-anchor='middle'>" + std::to_string(i) + "</text>";
    svg +=
        "<text x='" + fixed((f.L + f.W - f.R) / 2, 0) + "' y='" + fixed(f.H - 4, 0) + "' font-size='11' text-anchor='middle'>step</text>";
    return svg;
}

// Points joined by a line, one per step, for each series.
std::string line_chart(const std::string& id, const std::string& caption, const std::vector<series>& ss) {
    std::vector<const series*> all;
    for (const series& s : ss) all.push_back(&s);
    const std::size_t n = ss.front().values.size();
    const frame f(n, all, false);
    std::string svg = chart_open(f, id, caption, all, n);
    for (const series& s : ss) {
        std::string pts;
        for (std::size_t i = 0; i < n; ++i) pts += fixed(f.x(i), 2) + "," + fixed(f.y(to_double(s.values[i])), 3) + " ";
        svg += "<polyline class='" + s.cls + "' points='" + pts + "' fill='none' stroke='" + s.colour + "' stroke-width='1.5'" +
               (s.dashed ? " stroke-dasharray='6 3'" : "") + "/>";
        for (std::size_t i = 0; i < n; ++i)
            svg += "<circle class='" + s.cls + "' data-i='" + std::to_string(i) + "' data-value='" + s.values[i] + "' cx='" +
                   fixed(f.x(i), 2) + "' cy='" + fixed(f.y(to_double(s.values[i])), 3) + "' r='2.5' fill='" + s.colour + "'><title>step " +
                   std::to_string(i) + ", " + escape(s.label) + ": " + s.values[i] + "</title></circle>";
    }
    return svg + "</svg>";
}

// Bars from zero (up for positive values, down for negative), one per step.
std::string bar_chart(const std::string& id, const std::string& caption, const series& s) {
    const std::size_t n = s.values.size();
    const frame f(n, {&s}, true);
    std::string svg = chart_open(f, id, caption, {&s}, n);
    svg += "<line x1='" + fixed(f.L, 0) + "' x2='" + fixed(f.W - f.R, 0) + "' y1='" + fixed(f.y(0), 3) + "' y2='" + fixed(f.y(0), 3) +
           "' stroke='#444'/>";
    const double bw = std::max(1.0, f.step * 0.7), k = f.plot_h / (f.hi - f.lo);
    for (std::size_t i = 0; i < n; ++i) {
        const double v = to_double(s.values[i]);
        svg += "<rect class='bar' data-i='" + std::to_string(i) + "' data-value='" + s.values[i] + "' x='" + fixed(f.x(i) - bw / 2, 2) +
               "' y='" + fixed(f.y(std::max(v, 0.0)), 3) + "' width='" + fixed(bw, 2) + "' height='" + fixed(std::abs(v) * k, 3) +
               "' fill='" + s.colour + "'><title>step " + std::to_string(i) + ": " + s.values[i] + "</title></rect>";
    }
    return svg + "</svg>";
}

}  // namespace

std::string to_html(const json& doc, const std::string& request) {
    const json& c = doc.at("cascade");
    const json& steps = c.at("steps");
    const json& t = c.at("total");
    const bool market = str(c, "mode") == "market";
    std::vector<std::string> syms;
    if (!steps.empty())
        for (const auto& [sym, u] : steps.front().at("underlyings").items()) syms.push_back(sym);
    const auto column = [&](const char* key) {
        std::vector<std::string> v;
        for (const json& s : steps) v.push_back(str(s, key));
        return v;
    };
    std::vector<std::string> cum_bad;  // the cumulative bad debt, exact (Wad sums)
    fp::Wad run;
    for (const json& s : steps) {
        run = fp::add(run, fp::parse(str(s, "bad_debt")).value).value;
        cum_bad.push_back(fp::format(run));
    }
    std::string h = "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'><title>margin cascade " + escape(request) +
                    "</title><style>body{font-family:sans-serif;margin:20px;color:#222}table{border-collapse:collapse;font-size:12px;"
                    "margin:6px 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}th{background:#f4f4f4}"
                    "td.l,th.l{text-align:left}.bad{background:#f8d0d0}.ok{background:#d9f2d9}section{margin-top:24px}</style>"
                    "</head><body>\n<h1>Liquidation cascade</h1>\n<p>Request <code>" +
                    escape(request) + "</code>: " + (market ? "market" : "house") + " mode, " +
                    std::to_string(c.at("accounts").get<std::size_t>()) + " accounts, " + std::to_string(steps.size()) +
                    " steps (docs/cascade.md). " +
                    (market ? "Market mode: liquidated positions are sold into the market and their net flow moves the price; "
                              "without feedback the price stays at the shocked market."
                            : "House mode: the clearing house's rule along the given path of oracle pushes (no price impact).") +
                    " Every figure is the JSON document's exact decimal; log_hash <code>" + escape(str(c, "log_hash")) + "</code>.</p>\n";
    h += "<table id='totals'><tr><th class='l'>total</th><th>value</th></tr>";
    const auto row = [&](const std::string& k, const std::string& v, const char* cls = "") {
        h += "<tr><td class='l'>" + k + "</td><td" + (*cls ? std::string(" class='") + cls + "'" : std::string()) + ">" + v + "</td></tr>";
    };
    row("liquidations", std::to_string(t.at("liquidations").get<std::size_t>()));
    row("steps run", std::to_string(t.at("steps_run").get<std::size_t>()));
    row("notional liquidated", str(t, "notional"));
    row("bad debt", str(t, "bad_debt"), str(t, "bad_debt") == "0" ? "ok" : "bad");
    row("insurance fund used", str(t, "fund_used"));
    row("ADL notional", str(t, "adl_notional"));
    row("capital locked (IM at S0)", str(t, "capital_locked"));
    for (const auto& [sym, a] : t.at("amplification").items())
        row("amplification " + escape(sym), a.is_null() ? "none" : a.get<std::string>());
    row("capped", t.at("capped").get<bool>() ? "yes" : "no", t.at("capped").get<bool>() ? "bad" : "");
    h += "</table>\n";
    if (steps.empty()) return h + "</body></html>\n";
    for (const std::string& sym : syms) {
        series with{"price", "with feedback", "#d62728", {}}, without{"no-feedback", "without feedback", "#1f77b4", {}, true};
        for (const json& s : steps) {
            const json& u = s.at("underlyings").at(sym);
            with.values.push_back(str(u, "price"));
            without.values.push_back(str(u, "price_no_feedback"));
        }
        h += "<section>" + line_chart("price-" + sym, escape(sym) + " mark after each step", {with, without}) + "</section>\n";
    }
    std::vector<std::string> counts;
    for (const json& s : steps) counts.push_back(std::to_string(s.at("count").get<std::size_t>()));
    h += "<section>" + bar_chart("count", "Liquidations per step", {"bar", "liquidations", "#d62728", counts}) + "</section>\n";
    h += "<section>" + bar_chart("notional", "Notional liquidated per step", {"bar", "notional", "#ff7f0e", column("notional")}) +
         "</section>\n";
    h += "<section>" +
         line_chart("fund", "Insurance fund, cumulative bad debt and socialised loss after each step",
                    {{"fund", "insurance fund", "#2ca02c", column("fund")},
                     {"bad-debt", "bad debt (cumulative)", "#d62728", cum_bad},
                     {"socialised", "socialised loss", "#9467bd", column("socialised_loss"), true}}) +
         "</section>\n";
    h += "<section>" + bar_chart("adl", "ADL notional per step", {"bar", "ADL notional", "#8c564b", column("adl_notional")}) +
         "</section>\n";
    h += "<section><h2>Steps</h2><table id='steps'><tr><th>step</th><th>liquidations</th><th>notional</th><th>fund</th><th>bad "
         "debt</th><th>bad debt (cumulative)</th><th>socialised loss</th><th>ADL notional</th><th>dust</th>";
    for (const std::string& sym : syms) h += "<th>" + escape(sym) + "</th><th>" + escape(sym) + " without feedback</th>";
    h += "</tr>";
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const json& s = steps[i];
        h += "<tr><td>" + std::to_string(s.at("step").get<std::size_t>()) + "</td><td>" + counts[i] + "</td><td>" + str(s, "notional") +
             "</td><td>" + str(s, "fund") + "</td><td>" + str(s, "bad_debt") + "</td><td>" + cum_bad[i] + "</td><td>" +
             str(s, "socialised_loss") + "</td><td>" + str(s, "adl_notional") + "</td><td>" + str(s, "dust") + "</td>";
        for (const std::string& sym : syms) {
            const json& u = s.at("underlyings").at(sym);
            h += "<td>" + str(u, "price") + "</td><td>" + str(u, "price_no_feedback") + "</td>";
        }
        h += "</tr>";
    }
    return h + "</table></section>\n</body></html>\n";
}

}  // namespace cascade_report
