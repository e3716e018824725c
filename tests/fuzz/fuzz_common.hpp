// What every fuzz target asserts about an error: a code from the vocabulary
// (base/error.hpp) and a well-formed RFC 6901 JSON pointer. A failed property
// prints what failed and aborts, which libFuzzer reports as a crash with its input.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>

#include "base/error.hpp"

namespace fuzz {

[[noreturn]] inline void fail(const char* what, std::string_view detail = {}) {
    std::fprintf(stderr, "fuzz property failed: %s\n%.*s\n", what, static_cast<int>(detail.size() > 2000 ? 2000 : detail.size()),
                 detail.data());
    std::abort();
}

inline void require(bool ok, const char* what, std::string_view detail = {}) {
    if (!ok) fail(what, detail);
}

/// "" or "/"-separated tokens in which every "~" is followed by "0" or "1".
inline bool valid_pointer(std::string_view p) {
    if (p.empty()) return true;
    if (p[0] != '/') return false;
    for (std::size_t i = 0; i < p.size(); ++i)
        if (p[i] == '~' && (i + 1 >= p.size() || (p[i + 1] != '0' && p[i + 1] != '1'))) return false;
    return true;
}

/// The code is one of the vocabulary's and its name maps back to it.
inline bool known_code(margin::error_code c) {
    const auto n = margin::name(c);
    return static_cast<std::size_t>(c) < margin::error_code_count() && !n.empty() && margin::error_code_of(n) == c;
}

/// A code of `allowed`, a valid pointer, a message.
inline void check_error(const margin::error& e, std::initializer_list<margin::error_code> allowed, const char* where) {
    require(known_code(e.code), where, "an unknown error code");
    bool listed = allowed.size() == 0;
    for (auto c : allowed) listed = listed || c == e.code;
    require(listed, where, std::string("an error code this entry point does not document: ") + std::string(margin::name(e.code)));
    require(valid_pointer(e.path), where, "an invalid JSON pointer: " + e.path);
    require(!e.message.empty(), where, "an error without a message");
}

/// Whether the pointer names a value of `doc`, or a member that its parent object lacks.
inline bool resolves_or_parent(const nlohmann::json& doc, const std::string& p) {
    auto resolves = [&](const std::string& q) {
        try {
            return doc.contains(nlohmann::json::json_pointer(q));
        } catch (const std::exception&) {
            return false;
        }
    };
    if (resolves(p)) return true;
    const auto slash = p.rfind('/');
    if (slash == std::string::npos) return false;
    const std::string parent = p.substr(0, slash);
    return resolves(parent) && (parent.empty() ? doc : doc.at(nlohmann::json::json_pointer(parent))).is_object();
}

}  // namespace fuzz
