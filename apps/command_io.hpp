// What the report commands (margin backtest, dynamic, param-impact) share at the shell's edge:
// an engine error printed as its error document (exit 1), a usage error (exit 2), an output
// written to a file or stdout, a bounded count argument, reading a file with the documents' cap, and
// where a symbol's price history lives, `--help`, and the parameter flags (--params, --model) every
// command that takes a request shares.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "api/document.hpp"
#include "api/response.hpp"
#include "base/error.hpp"

/// The file at `path` into `out`, at most the documents' 16 MiB cap + 1 byte (so a larger one is
/// refused by the engine without being held whole); false when it cannot be read. In apps/margin.cpp.
bool read_all(const std::string& path, std::string& out);

namespace command_io {

/// DIR/<symbol in lower case>-usd.csv: a symbol's daily closes (the ../shared/data/prices layout).
inline std::string price_file(const std::string& dir, std::string symbol) {
    for (char& c : symbol) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return dir + "/" + symbol + "-usd.csv";
}

/// The engine's error document on stdout; exit status 1.
inline int engine_error(const margin::error& e) {
    std::printf("%s\n", margin::api::encode_error(e, true).c_str());
    return 1;
}

/// "margin <command>: why" and the usage on stderr; exit status 2.
inline int usage_error(const char* command, const std::string& why, const char* usage) {
    std::fprintf(stderr, "margin %s: %s\n%s", command, why.c_str(), usage);
    return 2;
}

/// `text` to `path` ("-": stdout); false when it cannot be written.
inline bool write_output(const std::string& path, const std::string& text) {
    if (path == "-") {
        std::fwrite(text.data(), 1, text.size(), stdout);
        return true;
    }
    std::ofstream f(path, std::ios::binary);
    f << text;
    return static_cast<bool>(f);
}

/// `--help` or `-h` among the arguments after the command's name.
inline bool wants_help(const std::vector<std::string>& args) {
    for (std::size_t i = 1; i < args.size(); ++i)
        if (args[i] == "--help" || args[i] == "-h") return true;
    return false;
}

/// The command's usage on stdout; exit status 0 (`margin COMMAND --help`).
inline int help(const char* usage) {
    std::fputs(usage, stdout);
    return 0;
}

/// The parameters a command's request is evaluated under, from `--params NAME|FILE` or
/// `--model NAME`: empty = the request's own "params".
struct params_choice {
    std::string name;  ///< a preset's name, given to the engine as "params": name (it says UNKNOWN_PRESET)
    std::string file;  ///< a parameter document's path: its text becomes "params" verbatim
    bool given() const { return !name.empty() || !file.empty(); }
};

/// The usage lines of the two flags, for every command's usage text.
#define MARGIN_PARAMS_FLAGS "[--params NAME|FILE | --model NAME]"

/// When args[i] is --params or --model: takes its value (i advances) into `out` and returns true;
/// `why` is set on a usage error (no value, the flags twice, --model with something not a name).
/// --params X is a FILE when X names a readable file or holds '/' or '.'; otherwise a preset's
/// name (standard, pmrm2, span16, es). --model X takes only a name.
inline bool params_flag(const std::vector<std::string>& args, std::size_t& i, params_choice& out, std::string& why) {
    const std::string& a = args[i];
    if (a != "--params" && a != "--model") return false;
    if (i + 1 >= args.size()) return why = a + " takes " + (a == "--model" ? "NAME" : "NAME|FILE"), true;
    if (out.given()) return why = "give --params or --model once", true;
    const std::string& v = args[++i];
    const bool path_like = v.find('/') != std::string::npos || v.find('.') != std::string::npos;
    if (a == "--model") {
        if (path_like || v.empty()) why = "--model takes a preset's name (standard, pmrm2, span16, es); a document goes with --params FILE";
        out.name = v;
        return true;
    }
    const bool preset = v == "standard" || v == "pmrm2" || v == "span16" || v == "es";
    if (!preset && (path_like || std::ifstream(v).good()))
        out.file = v;
    else
        out.name = v;
    return true;
}

/// The request `text` with its "params" replaced by `c` (nothing when !c.given()): a name as a
/// JSON string, a file's text verbatim, so the engine decodes it in place and reports its errors
/// under /params. A text that is not a JSON object is left as it is: the engine reports it with its
/// code. false, with `why`, when the file cannot be read.
inline bool apply_params(std::string& text, const params_choice& c, std::string& why) {
    if (!c.given()) return true;
    std::string doc_text;
    if (!c.file.empty() && !read_all(c.file, doc_text)) return why = "cannot read " + c.file, false;
    // Read as the engine reads it: a text it would refuse (duplicate keys, numbers, depth, a NUL)
    // is left as it is, so the engine reports its own error rather than an edited text's.
    if (!margin::api::parse_json(text).ok()) return true;
    auto doc = nlohmann::ordered_json::parse(text, nullptr, false);  // checked: keeps the key order
    if (!doc.is_object()) return true;
    constexpr const char* mark = "@@margin-cli-params@@";
    doc["params"] = c.file.empty() ? c.name : std::string(mark);
    text = doc.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace);
    if (!c.file.empty()) {
        const std::string quoted = std::string("\"") + mark + "\"";
        const std::size_t at = text.rfind(quoted);
        if (at != std::string::npos) text.replace(at, quoted.size(), doc_text);
    }
    return true;
}

/// apply_params() to each line of a book (JSON lines; blank lines kept as they are).
inline bool apply_params_lines(std::string& text, const params_choice& c, std::string& why) {
    if (!c.given()) return true;
    std::string out, line;
    for (std::size_t at = 0; at < text.size();) {
        std::size_t end = text.find('\n', at);
        if (end == std::string::npos) end = text.size();
        line = text.substr(at, end - at);
        if (line.find_first_not_of(" \t\r") != std::string::npos && !apply_params(line, c, why)) return false;
        out += line;
        if (end < text.size()) out += '\n';
        at = end + 1;
    }
    text = std::move(out);
    return true;
}

/// "a,b,,c" -> {"a", "b", "", "c"} (empty items kept: the caller names them as given).
inline std::vector<std::string> split_commas(const std::string& list) {
    std::vector<std::string> out;
    for (std::size_t start = 0;;) {
        const std::size_t comma = list.find(',', start);
        out.push_back(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos) return out;
        start = comma + 1;
    }
}

/// A decimal count of at most 7 digits in lo .. hi.
inline bool count_arg(const std::string& s, std::int64_t lo, std::int64_t hi, std::int64_t& out) {
    if (s.empty() || s.size() > 7 || s.find_first_not_of("0123456789") != std::string::npos) return false;
    out = std::stoll(s);
    return out >= lo && out <= hi;
}

}  // namespace command_io
