// The model comparison's table and HTML report, from the JSON document.
#include "cascade_compare_report.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "report_html.hpp"

namespace cascade_compare_report {
namespace {

using json = nlohmann::ordered_json;
using report_html::escape;
using report_html::fixed;
using report_html::to_double;

// A cell's text: strings as written, counts in decimal, null as "null", booleans as true/false.
std::string text(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

const char* const figures[] = {"accounts",  "liquidations", "bad_debt",  "capital_locked", "notional",
                               "fund_used", "adl_notional", "steps_run", "capped"};

// The underlyings of the amplification columns (the first row's, in its order).
std::vector<std::string> underlyings(const json& rows) {
    std::vector<std::string> out;
    if (!rows.empty())
        for (const auto& [sym, v] : rows[0].at("amplification").items()) out.push_back(sym);
    return out;
}

// The table as header + rows of cells (key, text).
std::vector<std::vector<std::pair<std::string, std::string>>> cells(const json& rows) {
    std::vector<std::vector<std::pair<std::string, std::string>>> out;
    const auto syms = underlyings(rows);
    for (const json& r : rows) {
        std::vector<std::pair<std::string, std::string>> c{{"model", text(r.at("model"))}};
        for (const char* k : figures) c.emplace_back(k, text(r.at(k)));
        for (const auto& s : syms)
            c.emplace_back("amplification/" + s, r.at("amplification").contains(s) ? text(r.at("amplification").at(s)) : "-");
        out.push_back(std::move(c));
    }
    return out;
}

std::string bar_chart(const json& rows, const std::string& key, const std::string& caption) {
    const std::size_t n = rows.size();
    const double L = 110, R = 20, T = 24, plot_h = 180, label_h = 40;
    const double W = std::max(520.0, L + R + 110.0 * static_cast<double>(n)), H = T + plot_h + label_h;
    double hi = 0;
    for (const json& r : rows) hi = std::max(hi, to_double(text(r.at(key))));
    if (hi <= 0) hi = 1;
    const double scale = plot_h / hi;
    const auto Y = [&](double v) { return T + (hi - v) * scale; };
    const double step = (W - L - R) / static_cast<double>(n), bw = std::max(4.0, step * 0.6);
    std::string svg = report_html::svg_open(W, H, "chart", "chart-" + key);
    svg += "<text x='" + fixed(L, 0) + "' y='15' font-size='12' font-weight='bold'>" + escape(caption) + "</text>";
    for (int i = 0; i <= 4; ++i) svg += report_html::grid_line(L, W - R, Y(hi * i / 4), fixed(hi * i / 4, hi < 10 ? 1 : 0));
    for (std::size_t i = 0; i < n; ++i) {
        const std::string model = text(rows[i].at("model")), value = text(rows[i].at(key));
        const double v = std::max(0.0, to_double(value)), x0 = L + step * static_cast<double>(i) + (step - bw) / 2;
        svg += "<rect class='bar' data-model='" + escape(model) + "' data-value='" + escape(value) + "' x='" + fixed(x0, 2) + "' y='" +
               fixed(Y(v), 3) + "' width='" + fixed(bw, 2) + "' height='" + fixed(v * scale, 3) + "' fill='#3b6fb6'><title>" +
               escape(model) + ": " + escape(value) + "</title></rect>";
        svg += "<text x='" + fixed(x0 + bw / 2, 1) + "' y='" + fixed(T + plot_h + 16, 0) + "' font-size='11' text-anchor='middle'>" +
               escape(model) + "</text>";
    }
    return svg + "</svg>";
}

}  // namespace

std::string to_table(const json& doc) {
    const json& rows = doc.at("cascade_compare");
    auto c = cells(rows);
    std::vector<std::string> head{"model"};
    for (const char* k : figures) head.emplace_back(k);
    for (const auto& s : underlyings(rows)) head.push_back("amp " + s);
    std::vector<std::size_t> w(head.size());
    for (std::size_t j = 0; j < head.size(); ++j) {
        w[j] = head[j].size();
        for (const auto& r : c) w[j] = std::max(w[j], r[j].second.size());
    }
    const auto line = [&](const std::vector<std::string>& v) {
        std::string s;
        for (std::size_t j = 0; j < v.size(); ++j) {
            const std::string pad(w[j] - v[j].size(), ' ');
            s += (j == 0 ? v[j] + pad : "  " + pad + v[j]);
        }
        return s + "\n";
    };
    std::string out = line(head);
    for (const auto& r : c) {
        std::vector<std::string> v;
        for (const auto& [k, t] : r) v.push_back(t);
        out += line(v);
    }
    out.pop_back();
    return out;
}

std::string to_html(const json& doc) {
    const json& rows = doc.at("cascade_compare");
    std::string h =
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'><title>margin cascade --compare</title><style>"
        "body{font-family:sans-serif;margin:20px;color:#222}table{border-collapse:collapse;font-size:12px;margin:6px 0}"
        "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}th{background:#f4f4f4}td.l,th.l{text-align:left}"
        "section{margin-top:20px;display:inline-block;margin-right:16px}</style></head><body>\n<h1>Margin models compared under one "
        "cascade</h1>\n<p>The same book and shock under each model (docs/cascade-books.md): liquidations executed, bad "
        "debt (what the insurance fund and ADL did not cover), notional liquidated, capital locked (the book's total IM at S0) and "
        "amplification per underlying ((final - S0) / (shock - S0)). standard-isolated: every position on its own isolated "
        "margin, liquidated alone.</p>\n<table id='compare'><tr>";
    const auto syms = underlyings(rows);
    h += "<th class='l'>model</th>";
    for (const char* k : figures) h += "<th>" + std::string(k) + "</th>";
    for (const auto& s : syms) h += "<th>amplification " + escape(s) + "</th>";
    h += "</tr>";
    for (const auto& r : cells(rows)) {
        h += "<tr data-model='" + escape(r[0].second) + "'>";
        for (std::size_t j = 0; j < r.size(); ++j)
            h +=
                "<td" + std::string(j == 0 ? " class='l'" : "") + " data-key='" + escape(r[j].first) + "'>" + escape(r[j].second) + "</td>";
        h += "</tr>";
    }
    h += "</table>\n";
    const std::pair<const char*, const char*> plots[] = {{"liquidations", "Liquidations"},
                                                         {"bad_debt", "Bad debt"},
                                                         {"capital_locked", "Capital locked (total IM at S0)"},
                                                         {"notional", "Notional liquidated"}};
    for (const auto& [k, caption] : plots) h += "<section>" + bar_chart(rows, k, caption) + "</section>\n";
    return h + "</body></html>\n";
}

}  // namespace cascade_compare_report
