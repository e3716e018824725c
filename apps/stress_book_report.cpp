// The book-stress HTML report: bar charts per scenario and tables, from the JSON document.
#include "stress_book_report.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "report_html.hpp"

namespace stress_book_report {
namespace {

using json = nlohmann::ordered_json;
using report_html::escape;
using report_html::fixed;
using report_html::str;
using report_html::to_double;

// Figures are compared exactly (a decimal string as a Wad), never as doubles.
fp::Wad wad(const std::string& decimal) { return fp::parse(decimal).value; }

// A scenario's name on the x axis: at most 22 characters (the full name is the bar's title).
std::string short_name(const std::string& n) {
    if (n.size() <= 22) return n;
    std::size_t cut = 21;
    while (cut > 0 && (static_cast<unsigned char>(n[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
    return n.substr(0, cut) + "\u2026";
}

// One bar series, per scenario: field `key` of each scenario (a decimal or count string), bars up
// from zero for positive values and down for negative; `colour(i)` fills bar i; `line`, if set, a
// horizontal reference line (the insurance fund) with its own data-value.
struct series {
    std::string id, key, caption;
    const char* (*colour)(const json& scenario);
    std::string line_value, line_label, line_class;  ///< empty: no line
    std::string overlay_key;                         ///< a second count drawn inside the bar (newly liquidatable)
};

std::string bar_chart(const json& scenarios, const series& s) {
    const std::size_t n = scenarios.size();
    const double L = 90, R = 20, T = 24, plot_h = 220, label_h = 130;
    const double W = std::max(760.0, L + R + 24.0 * static_cast<double>(n)), H = T + plot_h + label_h;
    double hi = 0, lo = 0;
    for (const json& x : scenarios) {
        const double v = to_double(str(x, s.key.c_str()));
        hi = std::max(hi, v);
        lo = std::min(lo, v);
    }
    if (!s.line_value.empty()) hi = std::max(hi, to_double(s.line_value));
    if (hi - lo <= 0) hi = lo + 1;
    const double scale = plot_h / (hi - lo);  // pixels per unit
    const auto Y = [&](double v) { return T + (hi - v) * scale; };
    const double step = (W - L - R) / static_cast<double>(n), bw = std::max(2.0, step * 0.7);
    std::string svg = report_html::svg_open(W, H, "chart", s.id);
    svg += "<text x='" + fixed(L, 0) + "' y='15' font-size='12' font-weight='bold'>" + escape(s.caption) + "</text>";
    for (int i = 0; i <= 4; ++i) {
        const double v = lo + (hi - lo) * i / 4;
        svg += report_html::grid_line(L, W - R, Y(v), fixed(v, std::abs(hi - lo) < 10 ? 1 : 0));
    }
    svg += "<line x1='" + fixed(L, 0) + "' x2='" + fixed(W - R, 0) + "' y1='" + fixed(Y(0), 2) + "' y2='" + fixed(Y(0), 2) +
           "' stroke='#444'/>";
    for (std::size_t i = 0; i < n; ++i) {
        const json& x = scenarios[i];
        const std::string& value = str(x, s.key.c_str());
        const double v = to_double(value), x0 = L + step * static_cast<double>(i) + (step - bw) / 2;
        const std::string name = str(x, "name");
        svg += "<rect class='bar' data-i='" + std::to_string(i) + "' data-name='" + escape(name) + "' data-value='" + value + "' x='" +
               fixed(x0, 2) + "' y='" + fixed(Y(std::max(v, 0.0)), 3) + "' width='" + fixed(bw, 2) + "' height='" +
               fixed(std::abs(v) * scale, 3) + "' fill='" + s.colour(x) + "'><title>" + escape(name) + ": " + value + "</title></rect>";
        if (!s.overlay_key.empty()) {
            const std::string& o = str(x, s.overlay_key.c_str());
            svg += "<rect class='overlay' data-i='" + std::to_string(i) + "' data-value='" + o + "' x='" + fixed(x0, 2) + "' y='" +
                   fixed(Y(to_double(o)), 3) + "' width='" + fixed(bw, 2) + "' height='" + fixed(to_double(o) * scale, 3) +
                   "' fill='#7f0000'><title>" + escape(name) + ": " + o + " newly</title></rect>";
        }
        const double cx = x0 + bw / 2, ly = T + plot_h + 8;
        svg += "<text class='label' data-i='" + std::to_string(i) + "' x='" + fixed(cx, 1) + "' y='" + fixed(ly, 0) +
               "' font-size='10' text-anchor='end' transform='rotate(-60 " + fixed(cx, 1) + " " + fixed(ly, 0) + ")'>" +
               escape(short_name(name)) + "</text>";
    }
    if (!s.line_value.empty()) {
        const double y = Y(to_double(s.line_value));
        svg += "<line class='" + s.line_class + "' data-value='" + s.line_value + "' x1='" + fixed(L, 0) + "' x2='" + fixed(W - R, 0) +
               "' y1='" + fixed(y, 3) + "' y2='" + fixed(y, 3) + "' stroke='#1f77b4' stroke-width='2' stroke-dasharray='6 3'/><text x='" +
               fixed(W - R, 0) + "' y='15' font-size='11' text-anchor='end' fill='#1f77b4'>- - - " + escape(s.line_label) + "</text>";
    }
    return svg + "</svg>";
}

const char* liquidatable_colour(const json&) { return "#d62728"; }
const char* shortfall_colour(const json& x) { return x.at("covered").get<bool>() ? "#ff9f40" : "#d62728"; }
const char* pnl_colour(const json& x) { return str(x, "pnl").starts_with("-") ? "#8c564b" : "#2ca02c"; }

std::string top_table(const json& top, const std::string& cls) {
    std::string h = "<table class='" + cls + "'><tr><th>line</th><th>shortfall</th><th>equity</th><th>P&amp;L</th></tr>";
    for (const json& t : top)
        h += std::string("<tr") + (str(t, "shortfall") != "0" ? " class='bad'" : "") + "><td>" + str(t, "line") + "</td><td>" +
             str(t, "shortfall") + "</td><td>" + str(t, "equity") + "</td><td>" + str(t, "pnl") + "</td></tr>";
    return h + "</table>";
}

}  // namespace

std::string to_html(const json& doc, const std::string& book, const std::string& set) {
    const json& b = doc.at("stress_book");
    const json& sc = b.at("scenarios");
    const std::string& fund = str(b, "insurance_fund");
    std::size_t uncovered = 0, most_liq = 0, worst_pnl = 0;
    for (std::size_t i = 0; i < sc.size(); ++i) {
        uncovered += sc[i].at("covered").get<bool>() ? 0 : 1;
        if (std::stoull(str(sc[i], "liquidatable")) > std::stoull(str(sc[most_liq], "liquidatable"))) most_liq = i;
        if (wad(str(sc[i], "pnl")) < wad(str(sc[worst_pnl], "pnl"))) worst_pnl = i;
    }
    const std::size_t worst = b.contains("worst") ? std::stoull(str(b.at("worst"), "index")) : 0;
    std::string h =
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'><title>margin stress-book " + escape(book) + " / " + escape(set) +
        "</title><style>body{font-family:sans-serif;margin:20px;color:#222}table{border-collapse:collapse;font-size:12px;margin:6px 0}"
        "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}th{background:#f4f4f4}td.l,th.l{text-align:left}"
        ".bad{background:#f8d0d0}.ok{background:#d9f2d9}section{margin-top:24px}details{margin:2px 0}"
        "summary{cursor:pointer;font-size:13px}</style></head><body>\n<h1>Book stress</h1>\n<p>Book <code>" +
        escape(book) + "</code> (" + str(b, "accounts") + " accounts) under <code>" + escape(set) + "</code> (" +
        std::to_string(sc.size()) + " scenarios), insurance fund " + fund +
        " (docs/stress.md, Book-level stress). Shortfall: the sum over accounts of their negative equity after the shock, what "
        "liquidations cannot recover from the accounts themselves; uncovered: the shortfall beyond the insurance fund.</p>\n";
    h += "<table id='summary'><tr><th class='l'>figure</th><th>value</th></tr>";
    const auto row = [&](const std::string& k, const std::string& v, const char* cls = "") {
        h += "<tr><td class='l'>" + k + "</td><td" + (*cls ? std::string(" class='") + cls + "'" : std::string()) + ">" + v + "</td></tr>";
    };
    row("accounts", str(b, "accounts"));
    row("insurance fund", fund);
    row("liquidatable before any shock", str(b.at("before"), "liquidatable"));
    row("shortfall before any shock", str(b.at("before"), "shortfall"));
    row("scenarios whose shortfall the fund does not cover", std::to_string(uncovered) + " of " + std::to_string(sc.size()),
        uncovered ? "bad" : "ok");
    if (!sc.empty()) {
        row("worst scenario (largest shortfall)", escape(str(sc[worst], "name")));
        row("its shortfall / uncovered", str(sc[worst], "shortfall") + " / " + str(sc[worst], "uncovered"),
            sc[worst].at("covered").get<bool>() ? "ok" : "bad");
        row("most accounts liquidatable", str(sc[most_liq], "liquidatable") + " (" + escape(str(sc[most_liq], "name")) + ")");
        row("largest book loss", str(sc[worst_pnl], "pnl") + " (" + escape(str(sc[worst_pnl], "name")) + ")");
    }
    h += "</table>\n";
    if (sc.empty()) return h + "</body></html>\n";
    h += "<section>" +
         bar_chart(sc, {"liquidatable", "liquidatable", "Accounts liquidatable per scenario (dark: newly liquidatable)",
                        liquidatable_colour, str(b.at("before"), "liquidatable"),
                        "liquidatable before any shock: " + str(b.at("before"), "liquidatable"), "before", "newly_liquidatable"}) +
         "</section>\n";
    h += "<section>" +
         bar_chart(sc, {"shortfall", "shortfall", "Shortfall per scenario against the insurance fund (red: not covered)", shortfall_colour,
                        fund, "insurance fund " + fund, "fund", ""}) +
         "</section>\n";
    h += "<section>" + bar_chart(sc, {"pnl", "pnl", "Book P&L per scenario", pnl_colour, "", "", "", ""}) + "</section>\n";
    h += "<section><h2>Scenarios</h2><table id='scenarios'><tr><th>#</th><th class='l'>scenario</th><th>liquidatable</th><th>newly "
         "liquidatable</th><th>P&amp;L</th><th>shortfall</th><th>uncovered</th><th>covered</th></tr>";
    for (std::size_t i = 0; i < sc.size(); ++i) {
        const json& x = sc[i];
        const bool covered = x.at("covered").get<bool>();
        h += "<tr" + std::string(i == worst ? " class='worst'" : "") + "><td>" + std::to_string(i) + "</td><td class='l'>" +
             escape(str(x, "name")) + "</td><td>" + str(x, "liquidatable") + "</td><td>" + str(x, "newly_liquidatable") + "</td><td>" +
             str(x, "pnl") + "</td><td>" + str(x, "shortfall") + "</td><td>" + str(x, "uncovered") + "</td><td class='" +
             (covered ? "ok'>yes" : "bad'>no") + "</td></tr>";
    }
    h += "</table></section>\n<section><h2>Top contributors under the worst scenario: " + escape(str(sc[worst], "name")) + "</h2>" +
         top_table(sc[worst].at("top"), "top-worst") + "</section>\n";
    // the accounts most often among the scenarios' top contributors with a shortfall
    std::map<std::string, std::pair<std::size_t, fp::Wad>> often;  // line -> (scenarios, largest shortfall)
    for (const json& x : sc)
        for (const json& t : x.at("top")) {
            const std::string& s = str(t, "shortfall");
            if (s == "0") continue;
            auto& [count, hi] = often[str(t, "line")];
            ++count;
            hi = std::max(hi, wad(s));
        }
    std::vector<std::pair<std::string, std::pair<std::size_t, fp::Wad>>> ranked(often.begin(), often.end());
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& p, const auto& q) {
        return p.second.first != q.second.first ? p.second.first > q.second.first : p.second.second > q.second.second;
    });
    h += "<section><h2>Accounts most often in shortfall among the top contributors</h2><table id='often'><tr><th>line</th><th>scenarios "
         "with a shortfall</th><th>largest shortfall</th></tr>";
    for (std::size_t i = 0; i < ranked.size() && i < 20; ++i)
        h += "<tr><td>" + ranked[i].first + "</td><td>" + std::to_string(ranked[i].second.first) + "</td><td>" +
             fp::format(ranked[i].second.second) + "</td></tr>";
    if (ranked.empty()) h += "<tr><td class='l' colspan='3'>no account falls short under any scenario</td></tr>";
    h += "</table></section>\n<section><h2>Top contributors per scenario</h2>";
    for (std::size_t i = 0; i < sc.size(); ++i)
        h += "<details><summary>" + std::to_string(i) + ". " + escape(str(sc[i], "name")) + ": shortfall " + str(sc[i], "shortfall") +
             "</summary>" + top_table(sc[i].at("top"), "top") + "</details>";
    h += "</section>\n</body></html>\n";
    return h;
}

}  // namespace stress_book_report
