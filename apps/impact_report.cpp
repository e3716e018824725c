// `margin param-impact`'s renderings: the JSON document and the HTML report (inline SVG).
#include "impact_report.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "core/risk/history.hpp"
#include "report_html.hpp"

namespace impact_report {
namespace {

using json = nlohmann::ordered_json;

std::string f(const Wad& w) { return fp::format(w); }
Wad diff(const Wad& a, const Wad& b) { return fp::sub(a, b).value; }
using report_html::escape;
using report_html::fixed;
using report_html::to_double;

struct totals {
    Wad im_before, im_after, mm_before, mm_after;
    std::size_t im_up = 0, im_down = 0, became_liquidatable = 0, no_longer_liquidatable = 0, lost_free_collateral = 0, free_down = 0;
};

totals totals_of(const report& r) {
    totals t;
    for (const account& a : r.accounts) {
        t.im_before = fp::add(t.im_before, a.im_before).value;
        t.im_after = fp::add(t.im_after, a.im_after).value;
        t.mm_before = fp::add(t.mm_before, a.mm_before).value;
        t.mm_after = fp::add(t.mm_after, a.mm_after).value;
        t.im_up += a.im_after > a.im_before ? 1 : 0;
        t.im_down += a.im_after < a.im_before ? 1 : 0;
        t.became_liquidatable += a.liquidatable_after && !a.liquidatable_before ? 1 : 0;
        t.no_longer_liquidatable += !a.liquidatable_after && a.liquidatable_before ? 1 : 0;
        t.lost_free_collateral += a.free_before.raw().sign() >= 0 && a.free_after.raw().sign() < 0 ? 1 : 0;
        t.free_down += a.free_after < a.free_before ? 1 : 0;
    }
    return t;
}

std::string zone(const margin::risk::bt_coverage& c) {
    return c.windows == 0 ? "n/a" : std::string(margin::risk::basel_zone(c.max_in_window));
}

// IM before (x) against IM after (y), one dot per account, the diagonal y = x; accounts that
// become liquidatable in red.
std::string scatter(const report& r) {
    const double W = 520, H = 420, L = 80, R = 10, T = 10, B = 40;
    double hi = 1;
    for (const account& a : r.accounts) hi = std::max({hi, to_double(a.im_before), to_double(a.im_after)});
    const auto X = [&](double v) { return L + v / hi * (W - L - R); };
    const auto Y = [&](double v) { return T + (hi - v) / hi * (H - T - B); };
    std::string svg = report_html::svg_open(W, H, "chart");
    for (int i = 0; i <= 4; ++i) {
        const double v = hi * i / 4;
        svg += report_html::grid_line(L, W - R, Y(v), fixed(v, 0), "#eee") + "<text x='" + fixed(X(v), 1) + "' y='" + fixed(H - 24, 0) +
               "' font-size='11' text-anchor='middle'>" + fixed(v, 0) + "</text>";
    }
    svg += "<line x1='" + fixed(X(0), 1) + "' y1='" + fixed(Y(0), 1) + "' x2='" + fixed(X(hi), 1) + "' y2='" + fixed(Y(hi), 1) +
           "' stroke='#999' stroke-dasharray='4 3'/>";
    svg += "<text x='" + fixed((W + L) / 2, 0) + "' y='" + fixed(H - 6, 0) + "' font-size='12' text-anchor='middle'>IM, current</text>";
    svg += "<text x='14' y='" + fixed(H / 2, 0) + "' font-size='12' transform='rotate(-90 14 " + fixed(H / 2, 0) +
           ")' text-anchor='middle'>IM, proposed</text>";
    for (const account& a : r.accounts) {
        const bool bad = a.liquidatable_after && !a.liquidatable_before;
        svg += "<circle cx='" + fixed(X(to_double(a.im_before)), 1) + "' cy='" + fixed(Y(to_double(a.im_after)), 1) + "' r='" +
               (bad ? "4" : "2.5") + "' fill='" + (bad ? "#d62728" : "#1f77b4") + "' class='account" + (bad ? " liquidatable" : "") + "'/>";
    }
    return svg + "</svg>";
}

}  // namespace

std::string to_json(const report& r) {
    const totals t = totals_of(r);
    json j;
    json& d = j["param_impact"];
    d["current"] = {{"file", r.current_file}, {"param_hash", r.current_hash}};
    d["proposed"] = {{"file", r.proposed_file}, {"param_hash", r.proposed_hash}};
    d["book"] = r.book_file;
    d["timelock_steps"] = json::array();
    bool all_ok = true;
    for (const step& s : r.steps) {
        d["timelock_steps"].push_back(
            {{"field", s.field}, {"current", f(s.before)}, {"proposed", f(s.after)}, {"bound", f(s.bound)}, {"ok", s.ok}});
        all_ok = all_ok && s.ok;
    }
    d["timelock_admits"] = all_ok;
    d["summary"] = {{"accounts", std::to_string(r.accounts.size())},
                    {"im_before", f(t.im_before)},
                    {"im_after", f(t.im_after)},
                    {"mm_before", f(t.mm_before)},
                    {"mm_after", f(t.mm_after)},
                    {"im_up", std::to_string(t.im_up)},
                    {"im_down", std::to_string(t.im_down)},
                    {"became_liquidatable", std::to_string(t.became_liquidatable)},
                    {"no_longer_liquidatable", std::to_string(t.no_longer_liquidatable)},
                    {"lost_free_collateral", std::to_string(t.lost_free_collateral)},
                    {"free_collateral_down", std::to_string(t.free_down)}};
    d["accounts"] = json::array();
    for (const account& a : r.accounts)
        d["accounts"].push_back({{"line", std::to_string(a.line)},
                                 {"equity", f(a.equity)},
                                 {"im_before", f(a.im_before)},
                                 {"im_after", f(a.im_after)},
                                 {"im_change", f(diff(a.im_after, a.im_before))},
                                 {"mm_before", f(a.mm_before)},
                                 {"mm_after", f(a.mm_after)},
                                 {"mm_change", f(diff(a.mm_after, a.mm_before))},
                                 {"free_collateral_before", f(a.free_before)},
                                 {"free_collateral_after", f(a.free_after)},
                                 {"liquidatable_before", a.liquidatable_before},
                                 {"liquidatable_after", a.liquidatable_after}});
    if (!r.coverage.empty()) {
        json c;
        c["from"] = r.coverage_from;
        c["to"] = r.coverage_to;
        c["results"] = dynamic_setup::comparison_json(r.coverage);
        d["backtest_coverage"] = c;
    }
    return j.dump(1) + "\n";
}

std::string to_html(const report& r) {
    const totals t = totals_of(r);
    std::string h =
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Parameter-change impact</title><style>"
        "body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0}"
        "td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:right}th{background:#f4f4f4}"
        "td.l,th.l{text-align:left}.bad{background:#fdd}.ok{background:#dfd}code{font-size:12px}</style></head><body>";
    h += "<h1>Parameter-change impact</h1>";
    h += "<p>Current <code>" + escape(r.current_file) + "</code> hash <code>" + r.current_hash + "</code><br>Proposed <code>" +
         escape(r.proposed_file) + "</code> hash <code>" + r.proposed_hash +
         "</code> (<code>margin param-hash</code>: the id the clearing house's timelock queues)<br>Book <code>" + escape(r.book_file) +
         "</code>, " + std::to_string(r.accounts.size()) + " accounts</p>";
    h += "<h2>Summary</h2><table><tr><th class='l'>figure</th><th>current</th><th>proposed</th></tr>";
    h += "<tr><td class='l'>total IM</td><td>" + f(t.im_before) + "</td><td>" + f(t.im_after) + "</td></tr>";
    h += "<tr><td class='l'>total MM</td><td>" + f(t.mm_before) + "</td><td>" + f(t.mm_after) + "</td></tr></table>";
    h += "<table><tr><th class='l'>accounts</th><th>count</th></tr>";
    for (const auto& [k, v] : std::vector<std::pair<std::string, std::size_t>>{
             {"IM up", t.im_up},
             {"IM down", t.im_down},
             {"become liquidatable", t.became_liquidatable},
             {"no longer liquidatable", t.no_longer_liquidatable},
             {"lose their free collateral (free >= 0 before, < 0 after)", t.lost_free_collateral},
             {"free collateral down", t.free_down}})
        h += "<tr><td class='l'>" + escape(k) + "</td><td" + (k == "become liquidatable" && v > 0 ? " class='bad'" : "") + ">" +
             std::to_string(v) + "</td></tr>";
    h += "</table><h2>Timelock step limits</h2><table><tr><th "
         "class='l'>field</th><th>current</th><th>proposed</th><th>bound</th><th>admitted</th></tr>";
    for (const step& s : r.steps)
        h += "<tr><td class='l'>" + s.field + "</td><td>" + f(s.before) + "</td><td>" + f(s.after) + "</td><td>" + f(s.bound) +
             "</td><td class='" + (s.ok ? "ok'>yes" : "bad'>no") + "</td></tr>";
    h += "</table><h2>IM per account</h2>" + scatter(r);
    if (!r.coverage.empty()) {
        h += "<h2>Backtest coverage, " + r.coverage_from + " .. " + r.coverage_to +
             "</h2><table><tr><th class='l'>underlying</th><th class='l'>portfolio</th><th class='l'>parameters</th><th>IM exceptions / "
             "n</th>"
             "<th>IM zone</th><th>MM exceptions / n</th><th>MM zone</th><th>average IM</th></tr>";
        for (const auto& c : r.coverage)
            h += "<tr><td class='l'>" + c.underlying + "</td><td class='l'>" + c.portfolio + "</td><td class='l'>" + c.variant +
                 "</td><td>" + std::to_string(c.summary.margin_cov.exceptions) + " / " + std::to_string(c.summary.margin_cov.n) +
                 "</td><td>" + zone(c.summary.margin_cov) + "</td><td>" + std::to_string(c.mm_cov.exceptions) + " / " +
                 std::to_string(c.mm_cov.n) + "</td><td>" + zone(c.mm_cov) + "</td><td>" + f(c.summary.average_margin) + "</td></tr>";
        h += "</table>";
    }
    h += "<h2>Accounts</h2><table><tr><th>line</th><th>equity</th><th>IM current</th><th>IM proposed</th><th>MM current</th><th>MM "
         "proposed</th><th>free current</th><th>free proposed</th><th>liquidatable</th></tr>";
    for (const account& a : r.accounts) {
        const bool bad = a.liquidatable_after && !a.liquidatable_before;
        h += std::string("<tr") + (bad ? " class='bad'" : "") + "><td>" + std::to_string(a.line) + "</td><td>" + f(a.equity) + "</td><td>" +
             f(a.im_before) + "</td><td>" + f(a.im_after) + "</td><td>" + f(a.mm_before) + "</td><td>" + f(a.mm_after) + "</td><td>" +
             f(a.free_before) + "</td><td>" + f(a.free_after) + "</td><td>" + (a.liquidatable_before ? "yes" : "no") + " &rarr; " +
             (a.liquidatable_after ? "yes" : "no") + "</td></tr>";
    }
    h += "</table></body></html>\n";
    return h;
}

}  // namespace impact_report
