// What the HTML reports (margin backtest, param-impact, stress-book) share: number formatting
// for chart geometry, escaping, and the SVG frame. The figures a report prints are the engine's
// exact decimal strings; doubles only place marks on a chart.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "fixedpoint/wad.hpp"

namespace report_html {

/// x with `digits` fractional digits (printf %.*f).
inline std::string fixed(double x, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, x);
    return buf;
}

/// An exact decimal string as a double, for placing a mark on a chart (never printed as a figure).
inline double to_double(const std::string& decimal) { return std::strtod(decimal.c_str(), nullptr); }
inline double to_double(const fp::Wad& w) { return to_double(fp::format(w)); }

/// Text for an HTML element or a quoted attribute: & < > " ' escaped.
inline std::string escape(const std::string& t) {
    std::string o;
    for (char ch : t) {
        if (ch == '<')
            o += "&lt;";
        else if (ch == '>')
            o += "&gt;";
        else if (ch == '&')
            o += "&amp;";
        else if (ch == '\'')
            o += "&#39;";
        else if (ch == '"')
            o += "&quot;";
        else
            o += ch;
    }
    return o;
}

/// An inline SVG of w x h pixels on a white ground, with class `cls` (close it with "</svg>").
inline std::string svg_open(double w, double h, const std::string& cls, const std::string& id = "") {
    return "<svg xmlns='http://www.w3.org/2000/svg' width='" + fixed(w, 0) + "' height='" + fixed(h, 0) + "' class='" + cls + "'" +
           (id.empty() ? "" : " id='" + id + "'") + "><rect x='0' y='0' width='100%' height='100%' fill='white'/>";
}

/// The string field `key` of a JSON object (throws if absent or not a string).
inline const std::string& str(const nlohmann::ordered_json& j, const char* key) { return j.at(key).get_ref<const std::string&>(); }

/// A horizontal grid line from x1 to x2 at height y, labelled `label` right-aligned left of x1.
inline std::string grid_line(double x1, double x2, double y, const std::string& label, const char* stroke = "#ddd") {
    return "<line x1='" + fixed(x1, 0) + "' x2='" + fixed(x2, 0) + "' y1='" + fixed(y, 1) + "' y2='" + fixed(y, 1) + "' stroke='" + stroke +
           "'/><text x='" + fixed(x1 - 4, 0) + "' y='" + fixed(y + 4, 1) + "' font-size='11' text-anchor='end'>" + label + "</text>";
}

}  // namespace report_html
