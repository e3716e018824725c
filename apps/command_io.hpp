// What the report commands (margin backtest, dynamic, param-impact) share at the shell's edge:
// an engine error printed as its error document (exit 1), a usage error (exit 2), an output
// written to a file or stdout, a bounded count argument, reading a file with the documents' cap, and
// where a symbol's price history lives.
#pragma once

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

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

/// A decimal count of at most 7 digits in lo .. hi.
inline bool count_arg(const std::string& s, std::int64_t lo, std::int64_t hi, std::int64_t& out) {
    if (s.empty() || s.size() > 7 || s.find_first_not_of("0123456789") != std::string::npos) return false;
    out = std::stoll(s);
    return out >= lo && out <= hi;
}

}  // namespace command_io
