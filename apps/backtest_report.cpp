// `margin backtest`'s renderings (docs/backtest.md §Output): JSON, HTML (inline SVG) and the
// Markdown table. The figures are the engine's exact decimals; the statistics are report
// figures in double, printed with 6 significant digits.
#include "backtest_report.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "backtest_stats.hpp"
#include "report_html.hpp"

namespace backtest_report {
namespace {

using json = nlohmann::ordered_json;
using fp::Wad;
namespace risk = margin::risk;

std::string g6(double x) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", x);
    return buf;
}
using report_html::escape;
using report_html::fixed;
using report_html::to_double;
std::string s(std::int64_t n) { return std::to_string(n); }

// The tested sequence: the VaR level for es models, the margin for the others.
const risk::bt_coverage& tested(const result& r) { return r.has_var ? r.summary.var_cov : r.summary.margin_cov; }
const tests& tested_tests(const result& r) { return r.has_var ? r.var_tests : r.margin_tests; }

// The worst zone any rolling window reached.
std::string worst_zone(const risk::bt_coverage& c) {
    if (c.windows == 0) return "n/a";
    return std::string(risk::basel_zone(c.max_in_window));
}

json coverage_json(const risk::bt_coverage& c, const tests& t) {
    json j;
    j["observations"] = s(c.n);
    j["exceptions"] = s(c.exceptions);
    j["expected"] = g6(t.expected);
    j["transitions"] = {{"n00", s(c.n00)}, {"n01", s(c.n01)}, {"n10", s(c.n10)}, {"n11", s(c.n11)}};
    j["kupiec_lr"] = g6(t.kupiec_lr);
    j["kupiec_p"] = g6(t.kupiec_p);
    j["christoffersen_lr"] = g6(t.christoffersen_lr);
    j["christoffersen_p"] = g6(t.christoffersen_p);
    j["conditional_coverage_lr"] = g6(t.cc_lr);
    j["conditional_coverage_p"] = g6(t.cc_p);
    j["basel"] = {{"windows", s(c.windows)},
                  {"green", s(c.green)},
                  {"yellow", s(c.yellow)},
                  {"red", s(c.red)},
                  {"max_exceptions", s(c.max_in_window)},
                  {"worst_zone", worst_zone(c)},
                  {"last_exceptions", s(c.last_window_exceptions)},
                  {"last_zone", std::string(risk::basel_zone(c.last_window_exceptions))}};
    return j;
}

const char* colour(const std::string& model) {
    static const std::map<std::string, const char*> c = {{"standard", "#1f77b4"}, {"pmrm2", "#2ca02c"},  {"span16", "#9467bd"},
                                                         {"es_hs", "#ff7f0e"},    {"es_fhs", "#8c564b"}, {"es_mc", "#e377c2"}};
    const auto it = c.find(model);
    return it == c.end() ? "#17becf" : it->second;
}

// Margin (one line per model) and realised loss (grey) over time, exceptions as dots.
std::string time_chart(const std::vector<const result*>& rs) {
    const double W = 1100, H = 320, L = 80, R = 10, T = 10, B = 30;
    const auto& days = rs[0]->days;
    if (days.empty()) return "";
    double lo = 0, hi = 0;
    for (const result* r : rs)
        for (const auto& d : r->days) {
            lo = std::min({lo, to_double(d.loss)});
            hi = std::max({hi, to_double(d.loss), to_double(d.margin)});
        }
    if (hi <= lo) hi = lo + 1;
    const double d0 = days.front().day, d1 = std::max<double>(days.back().day, d0 + 1);
    const auto X = [&](double day) { return L + (day - d0) / (d1 - d0) * (W - L - R); };
    const auto Y = [&](double v) { return T + (hi - v) / (hi - lo) * (H - T - B); };
    std::string svg = report_html::svg_open(W, H, "chart");
    for (int i = 0; i <= 4; ++i) {  // y grid
        const double v = lo + (hi - lo) * i / 4;
        svg += report_html::grid_line(L, W - R, Y(v), fixed(v, 0));
    }
    for (std::int32_t year = 1970; year < 2100; ++year) {  // x ticks on 1 January
        const auto day = risk::parse_date(std::to_string(year) + "-01-01");
        if (!day || *day < d0 || *day > d1) continue;
        svg += "<line x1='" + fixed(X(*day), 1) + "' x2='" + fixed(X(*day), 1) + "' y1='" + fixed(T, 0) + "' y2='" + fixed(H - B, 0) +
               "' stroke='#eee'/><text x='" + fixed(X(*day), 1) + "' y='" + fixed(H - 12, 0) + "' font-size='11'>" + std::to_string(year) +
               "</text>";
    }
    const auto line = [&](const result& r, bool loss, const char* stroke, const char* width) {
        std::string d;
        for (std::size_t i = 0; i < r.days.size(); ++i) {
            d += (i == 0 ? "M" : "L") + fixed(X(r.days[i].day), 1) + "," + fixed(Y(to_double(loss ? r.days[i].loss : r.days[i].margin)), 1);
        }
        return "<path d='" + d + "' fill='none' stroke='" + stroke + "' stroke-width='" + width + "'/>";
    };
    svg += line(*rs[0], true, "#999", "0.7");
    for (const result* r : rs) svg += line(*r, false, colour(r->model), "1.2");
    for (const result* r : rs)
        for (const auto& d : r->days)
            if (d.loss > d.margin)
                svg += "<circle cx='" + fixed(X(d.day), 1) + "' cy='" + fixed(Y(to_double(d.loss)), 1) + "' r='2.5' fill='" +
                       colour(r->model) + "' class='exception'/>";
    svg += "</svg>";
    return svg;
}

// The last day's scenario P&L histogram with its VaR, ES and the realised P&L.
std::string histogram(const result& r) {
    if (r.last_pnl.empty()) return "";
    const double W = 540, H = 220, L = 40, R = 10, T = 10, B = 30;
    std::vector<double> v;
    for (const Wad& w : r.last_pnl) v.push_back(to_double(w));
    const double var = -to_double(r.last_var), es = -to_double(r.last_es), real = to_double(r.last_realised_pnl);
    double lo = std::min({*std::min_element(v.begin(), v.end()), es, real}), hi = std::max({*std::max_element(v.begin(), v.end()), real});
    if (hi <= lo) hi = lo + 1;
    const int bins = 60;
    std::vector<int> count(bins, 0);
    for (double x : v) count[static_cast<std::size_t>(std::min(bins - 1, static_cast<int>((x - lo) / (hi - lo) * bins)))]++;
    const int top = std::max(1, *std::max_element(count.begin(), count.end()));
    const auto X = [&](double x) { return L + (x - lo) / (hi - lo) * (W - L - R); };
    std::string svg = report_html::svg_open(W, H, "histogram");
    for (int b = 0; b < bins; ++b) {
        const double h = (H - T - B) * count[static_cast<std::size_t>(b)] / top;
        svg += "<rect x='" + fixed(X(lo + (hi - lo) * b / bins), 1) + "' y='" + fixed(H - B - h, 1) + "' width='" +
               fixed((W - L - R) / bins - 0.5, 1) + "' height='" + fixed(h, 1) + "' fill='#9ecae1'/>";
    }
    const auto vline = [&](double x, const char* c, const std::string& label, double dy) {
        const bool right = X(x) > W - 120;  // a label near the right edge goes to the left of its line
        return "<line x1='" + fixed(X(x), 1) + "' x2='" + fixed(X(x), 1) + "' y1='" + fixed(T, 0) + "' y2='" + fixed(H - B, 0) +
               "' stroke='" + c + "' stroke-width='2'/><text x='" + fixed(right ? X(x) - 3 : X(x) + 3, 1) + "' y='" +
               fixed(T + 12 + dy, 0) + "' font-size='11' fill='" + c + "'" + (right ? " text-anchor='end'" : "") + ">" + label + "</text>";
    };
    svg += vline(var, "#d62728", "-VaR " + fixed(var, 0), 0);
    svg += vline(es, "#7f0000", "-ES " + fixed(es, 0), 14);
    svg += vline(real, "#000", "realised " + fixed(real, 0), 28);
    svg += "<text x='" + fixed(L, 0) + "' y='" + fixed(H - 10, 0) + "' font-size='11'>" + fixed(lo, 0) + "</text><text x='" +
           fixed(W - R, 0) + "' y='" + fixed(H - 10, 0) + "' font-size='11' text-anchor='end'>" + fixed(hi, 0) + "</text></svg>";
    return svg;
}

}  // namespace

tests tests_of(const risk::bt_coverage& c, double p) {
    tests t;
    t.expected = p * static_cast<double>(c.n);
    t.kupiec_lr = backtest_stats::kupiec_lr(c.n, c.exceptions, p);
    t.kupiec_p = backtest_stats::chi2_1_sf(t.kupiec_lr);
    t.christoffersen_lr = backtest_stats::christoffersen_lr(c.n00, c.n01, c.n10, c.n11);
    t.christoffersen_p = backtest_stats::chi2_1_sf(t.christoffersen_lr);
    t.cc_lr = t.kupiec_lr + t.christoffersen_lr;
    t.cc_p = backtest_stats::chi2_2_sf(t.cc_lr);
    return t;
}

std::string to_json(const run& r, bool daily) {
    json doc;
    json& b = doc["backtest"];
    b["from"] = r.from;
    b["to"] = r.to;
    b["horizon_days"] = s(r.horizon_days);
    b["stride"] = s(r.stride);
    b["coverage_target"] = "0.01";
    b["vol_proxy"] = {{"ewma_lambda", fp::format(r.options.vol_lambda)},
                      {"floor", fp::format(r.options.vol_floor)},
                      {"cap", fp::format(r.options.vol_cap)}};
    b["mc_paths"] = s(r.mc_paths);
    json& out = b["results"] = json::array();
    for (const result& x : r.results) {
        json j;
        j["portfolio"] = x.portfolio;
        j["model"] = x.model;
        j["first_day"] = x.days.empty() ? "" : risk::format_date(x.days.front().day);
        j["last_day"] = x.days.empty() ? "" : risk::format_date(x.days.back().day);
        j["days"] = s(x.summary.days);
        j["exceptions_overlapping"] = s(x.summary.exceptions_overlapping);
        j["tested"] = x.has_var ? "var" : "margin";
        j["margin_coverage"] = coverage_json(x.summary.margin_cov, x.margin_tests);
        if (x.has_var) {
            j["var_coverage"] = coverage_json(x.summary.var_cov, x.var_tests);
            j["tail_loss_over_es"] = fp::format(x.summary.tail_loss_over_es);
        }
        j["average_margin"] = fp::format(x.summary.average_margin);
        j["peak_margin"] = fp::format(x.summary.peak);
        j["trough_margin"] = fp::format(x.summary.trough);
        j["peak_to_trough"] = fp::format(x.summary.peak_to_trough);
        j["peak_to_trough_per_spot"] = fp::format(x.summary.peak_to_trough_per_spot);
        const char* lags[] = {"1d", "5d", "30d"};
        for (std::size_t k = 0; k < 3; ++k)
            j["largest_increase"][lags[k]] = {{"ratio", fp::format(x.summary.largest_increase[k])},
                                              {"day", risk::format_date(x.summary.largest_increase_day[k])}};
        if (daily) {
            json& d = j["daily"];
            for (const char* k : {"day", "margin", "loss", "spot", "var", "es"}) d[k] = json::array();
            for (const auto& row : x.days) {
                d["day"].push_back(risk::format_date(row.day));
                d["margin"].push_back(fp::format(row.margin));
                d["loss"].push_back(fp::format(row.loss));
                d["spot"].push_back(fp::format(row.spot));
                if (x.has_var) {
                    d["var"].push_back(fp::format(row.var));
                    d["es"].push_back(fp::format(row.es));
                }
            }
            if (!x.has_var) {
                d.erase("var");
                d.erase("es");
            }
        }
        out.push_back(std::move(j));
    }
    return doc.dump(1, ' ') + "\n";
}

std::string to_table(const run& r) {
    std::string t =
        "| portfolio | model | days | tested | exceptions (non-overlapping / n) | expected | Kupiec LR | Kupiec p | "
        "Christoffersen p | zone (worst / last) | overlapping exceptions vs margin | average margin | peak-to-trough | "
        "peak-to-trough per $ of spot |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const result& x : r.results) {
        const auto& c = tested(x);
        const auto& te = tested_tests(x);
        t += "| " + x.portfolio + " | " + x.model + " | " + s(x.summary.days) + " | " + (x.has_var ? "VaR 99%" : "margin") + " | " +
             s(c.exceptions) + " / " + s(c.n) + " | " + fixed(te.expected, 1) + " | " + g6(te.kupiec_lr) + " | " + g6(te.kupiec_p) + " | " +
             g6(te.christoffersen_p) + " | " + worst_zone(c) + " / " + std::string(risk::basel_zone(c.last_window_exceptions)) + " | " +
             s(x.summary.exceptions_overlapping) + " | " + fixed(to_double(x.summary.average_margin), 0) + " | " +
             fixed(to_double(x.summary.peak_to_trough), 2) + " | " + fixed(to_double(x.summary.peak_to_trough_per_spot), 2) + " |\n";
    }
    return t;
}

std::string to_html(const run& r) {
    std::string h =
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'><title>margin backtest " + r.from + " .. " + r.to +
        "</title><style>body{font-family:sans-serif;margin:20px;color:#222}table{border-collapse:collapse;font-size:12px}"
        "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}th{background:#f4f4f4}td.l{text-align:left}"
        ".green{background:#d9f2d9}.yellow{background:#fff3bf}.red{background:#f8d0d0}.legend span{margin-right:14px}"
        "section{margin-top:28px}</style></head><body>\n<h1>Margin backtest</h1>\n<p>Realised " +
        s(r.horizon_days) + "-day losses against each model's initial margin, portfolios formed every day from " + r.from + " to " + r.to +
        " (docs/backtest.md). Statistics on one formed day in " + s(r.stride) +
        " (non-overlapping windows), coverage target 1%; es models are tested at their 99% VaR. Implied-vol proxy: EWMA (&lambda; " +
        fp::format(r.options.vol_lambda) + ") realised vol, floor " + fp::format(r.options.vol_floor) + ", cap " +
        fp::format(r.options.vol_cap) + ". Monte Carlo: " + s(r.mc_paths) + " paths.</p>\n";
    h += "<p class='legend'><span style='color:#999'>&#9644; realised loss</span>";
    std::vector<std::string> models;
    for (const result& x : r.results)
        if (std::find(models.begin(), models.end(), x.model) == models.end()) models.push_back(x.model);
    for (const auto& m : models) h += std::string("<span style='color:") + colour(m) + "'>&#9644; " + m + " margin</span>";
    h += "<span>&#9679; exception (loss &gt; margin)</span></p>\n";
    h += "<table id='summary'><tr><th>portfolio</th><th>model</th><th>days</th><th>tested</th><th>exceptions / n</th><th>expected</th>"
         "<th>Kupiec LR</th><th>Kupiec p</th><th>Christoffersen p</th><th>zone (worst)</th><th>zone (last)</th><th>overlapping "
         "exceptions</th><th>avg margin</th><th>peak/trough</th><th>peak/trough per $ spot</th><th>max 1d / 5d / 30d increase</th><th>tail "
         "loss / ES</th></tr>\n";
    for (const result& x : r.results) {
        const auto& c = tested(x);
        const auto& te = tested_tests(x);
        const std::string wz = worst_zone(c), lz(risk::basel_zone(c.last_window_exceptions));
        h += "<tr><td class='l'>" + x.portfolio + "</td><td class='l'>" + x.model + "</td><td>" + s(x.summary.days) + "</td><td>" +
             (x.has_var ? "VaR" : "margin") + "</td><td>" + s(c.exceptions) + " / " + s(c.n) + "</td><td>" + fixed(te.expected, 1) +
             "</td><td>" + g6(te.kupiec_lr) + "</td><td>" + g6(te.kupiec_p) + "</td><td>" + g6(te.christoffersen_p) + "</td><td class='" +
             wz + "'>" + wz + "</td><td class='" + lz + "'>" + lz + "</td><td>" + s(x.summary.exceptions_overlapping) + "</td><td>" +
             fixed(to_double(x.summary.average_margin), 0) + "</td><td>" + fixed(to_double(x.summary.peak_to_trough), 2) + "</td><td>" +
             fixed(to_double(x.summary.peak_to_trough_per_spot), 2) + "</td><td>" + fixed(to_double(x.summary.largest_increase[0]), 3) +
             " / " + fixed(to_double(x.summary.largest_increase[1]), 3) + " / " + fixed(to_double(x.summary.largest_increase[2]), 3) +
             "</td><td>" +
             (x.has_var && x.summary.var_cov.exceptions > 0 ? fixed(to_double(x.summary.tail_loss_over_es), 3) : std::string("&ndash;")) +
             "</td></tr>\n";
    }
    h += "</table>\n";
    std::vector<std::string> portfolios;
    for (const result& x : r.results)
        if (std::find(portfolios.begin(), portfolios.end(), x.portfolio) == portfolios.end()) portfolios.push_back(x.portfolio);
    for (const auto& p : portfolios) {
        std::vector<const result*> rs;
        for (const result& x : r.results)
            if (x.portfolio == p) rs.push_back(&x);
        h += "<section id='" + escape(p) + "'><h2>" + escape(p) + "</h2>\n" + time_chart(rs) + "\n";
        for (const result* x : rs)
            if (!x->last_pnl.empty()) {
                h += "<h3>" + escape(x->model) + ": scenario P&amp;L on " + risk::format_date(x->last_day) + " (" +
                     s(static_cast<std::int64_t>(x->last_pnl.size())) + " scenarios), its VaR and ES, and the realised " +
                     s(r.horizon_days) + "-day P&amp;L</h3>\n" + histogram(*x) + "\n";
                break;
            }
        h += "</section>\n";
    }
    h += "</body></html>\n";
    return h;
}

}  // namespace backtest_report
