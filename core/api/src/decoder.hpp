// The JSON reading machinery shared by the request decoder and the parameter
// documents: a SAX pass that builds the document while rejecting what JSON allows
// but the API does not (numbers, duplicate keys, depth), and a decoder whose
// getters check each field's presence and JSON type and record the first error with
// its JSON pointer. Bounds are not checked here: core's validate() does. Internal to api/.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "core/limits.hpp"
#include "fixedpoint/wad.hpp"

namespace margin::api::detail {

using json = nlohmann::json;
using fp::rounding;
using fp::Wad;

constexpr std::size_t max_input_bytes = limits::max_document_bytes;
constexpr std::size_t max_depth = 16;

using margin::child;

// --- stage 1: the document -----------------------------------------------------------

class dom_builder final : public nlohmann::json_sax<json> {
public:
    json root;
    std::optional<error> err;

    bool null() override { return put(json(nullptr)); }
    /// Values read so far: capped (limits::max_json_values), so that a 16 MiB text of tiny
    /// values is refused before it is all built (docs/api.md, "Caps").
    std::size_t values = 0;
    bool boolean(bool v) override { return put(json(v)); }
    bool number_integer(number_integer_t) override { return number(); }
    bool number_unsigned(number_unsigned_t) override { return number(); }
    // The value (a binary floating-point number) is never read: the API refuses it.
    bool number_float(number_float_t, const string_t&) override { return number(); }
    bool string(string_t& v) override { return put(json(std::move(v))); }
    bool binary(binary_t&) override { return fail(error_code::JSON_SYNTAX, value_pointer(), "binary values are not JSON text"); }
    bool start_object(std::size_t) override { return open(json::object()); }
    bool end_object() override { return close(); }
    bool start_array(std::size_t) override { return open(json::array()); }
    bool end_array() override { return close(); }
    bool key(string_t& k) override {
        if (frames_.back().node->size() >= limits::max_object_members)
            return fail(error_code::JSON_TOO_LARGE, frames_.back().path,
                        "an object of more than " + std::to_string(limits::max_object_members) + " members");
        if (frames_.back().node->contains(k))
            return fail(error_code::DUPLICATE_KEY, child(frames_.back().path, k), "the key \"" + k + "\" appears twice in this object");
        key_ = k;
        return true;
    }
    bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
        if (!err) err = error{error_code::JSON_SYNTAX, "", "not valid JSON at byte " + std::to_string(position) + ": " + ex.what()};
        return false;
    }

private:
    struct frame {
        json* node;
        std::string path;
    };
    std::vector<frame> frames_;
    std::string key_;

    bool fail(error_code code, std::string path, std::string message) {
        if (!err) err = error{code, std::move(path), std::move(message)};
        return false;
    }
    std::string value_pointer() const {
        if (frames_.empty()) return "";
        const frame& f = frames_.back();
        return f.node->is_array() ? child(f.path, f.node->size()) : child(f.path, key_);
    }
    bool number() { return fail(error_code::JSON_NUMBER, value_pointer(), "numbers must be strings holding exact decimals, e.g. \"1.5\""); }
    json* insert(json v) {
        if (frames_.empty()) {
            root = std::move(v);
            return &root;
        }
        json& top = *frames_.back().node;
        if (top.is_array()) {
            top.push_back(std::move(v));
            return &top.back();
        }
        json& slot = top[key_];
        slot = std::move(v);
        return &slot;
    }
    bool counted() {
        return ++values <= limits::max_json_values ||
               fail(error_code::JSON_TOO_LARGE, "",
                    "more than " + std::to_string(limits::max_json_values) + " JSON values in one document");
    }
    bool put(json v) {
        if (!counted()) return false;
        insert(std::move(v));
        return true;
    }
    bool open(json v) {
        if (!counted()) return false;
        if (frames_.size() >= max_depth) return fail(error_code::JSON_TOO_DEEP, value_pointer(), "nesting deeper than 16 levels");
        std::string path = value_pointer();
        json* n = insert(std::move(v));
        frames_.push_back({n, std::move(path)});
        return true;
    }
    bool close() {
        frames_.pop_back();
        return true;
    }
};

// --- stage 2: the model ----------------------------------------------------------------

inline const char* type_name(const json& v) {
    switch (v.type()) {
        case json::value_t::object: return "an object";
        case json::value_t::array: return "an array";
        case json::value_t::string: return "a string";
        case json::value_t::boolean: return "a boolean";
        case json::value_t::null: return "null";
        default: return "a number";
    }
}

class decoder : public first_error {
public:
    bool is_object(const json& v, const std::string& path) {
        return v.is_object() || fail(error_code::WRONG_TYPE, path, std::string("expected an object, got ") + type_name(v));
    }
    bool is_array(const json& v, const std::string& path) {
        return v.is_array() || fail(error_code::WRONG_TYPE, path, std::string("expected an array, got ") + type_name(v));
    }

    /// A container of at most `cap` members or elements (OUT_OF_RANGE at the container): checked
    /// before its members are read, so a request's work is bounded (core/limits.hpp).
    bool at_most(const json& v, std::size_t cap, const std::string& path, const char* what) {
        return v.size() <= cap || fail(error_code::OUT_OF_RANGE, path, "at most " + std::to_string(cap) + " " + what);
    }

    /// Rejects any key not in `allowed` (the first in byte order is reported).
    bool only(const json& obj, const std::string& path, std::initializer_list<std::string_view> allowed) {
        for (const auto& [k, v] : obj.items()) {
            if (std::find(allowed.begin(), allowed.end(), k) == allowed.end())
                return fail(error_code::UNKNOWN_FIELD, child(path, k), "unknown field \"" + k + "\"");
        }
        return true;
    }

    const json* field(const json& obj, const std::string& path, const char* key, bool required) {
        auto it = obj.find(key);
        if (it == obj.end()) {
            if (required) fail(error_code::MISSING_FIELD, child(path, key), std::string("the field \"") + key + "\" is required");
            return nullptr;
        }
        return &*it;
    }

    std::optional<std::string> text(const json& obj, const std::string& path, const char* key, bool required) {
        const json* v = field(obj, path, key, required);
        if (!v) return std::nullopt;
        if (!v->is_string()) {
            fail(error_code::WRONG_TYPE, child(path, key), std::string("expected a string, got ") + type_name(*v));
            return std::nullopt;
        }
        return v->get<std::string>();
    }

    std::optional<Wad> decimal_value(const json& v, const std::string& path) {
        if (!v.is_string()) {
            fail(error_code::WRONG_TYPE, path, std::string("expected a decimal string, got ") + type_name(v));
            return std::nullopt;
        }
        const std::string& s = v.get_ref<const std::string&>();
        const auto r = fp::parse(s);
        if (r.ok()) return r.value;
        if (r.error == fp::errc::parse_precision)
            fail(error_code::DECIMAL_PRECISION, path, "\"" + s + "\" has more than 18 fractional digits (never rounded)");
        else if (r.error == fp::errc::parse_range)
            fail(error_code::DECIMAL_RANGE, path, "\"" + s + "\" is outside the int256 fixed-point range");
        else
            fail(error_code::BAD_DECIMAL, path, "\"" + s + "\" is not a decimal: expected -?[0-9]+(.[0-9]{1,18})?");
        return std::nullopt;
    }

    std::optional<Wad> decimal(const json& obj, const std::string& path, const char* key, bool required) {
        const json* v = field(obj, path, key, required);
        if (!v) return std::nullopt;
        return decimal_value(*v, child(path, key));
    }

    std::optional<std::int64_t> integer(const json& obj, const std::string& path, const char* key, bool required) {
        const json* v = field(obj, path, key, required);
        if (!v) return std::nullopt;
        const std::string p = child(path, key);
        if (!v->is_string()) {
            fail(error_code::WRONG_TYPE, p, std::string("expected an integer string, got ") + type_name(*v));
            return std::nullopt;
        }
        const std::string& s = v->get_ref<const std::string&>();
        bool digits = !s.empty() && s.size() <= 12 && (s.size() == 1 || s[0] != '0');
        std::int64_t n = 0;
        for (char ch : s) {
            if (ch < '0' || ch > '9')
                digits = false;
            else
                n = n * 10 + (ch - '0');
            if (!digits) break;
        }
        if (!digits || n <= 0 || n > limits::max_timestamp) {
            fail(error_code::BAD_INTEGER, p, "\"" + s + "\" is not a Unix time in seconds: expected [1-9][0-9]* up to 100000000000");
            return std::nullopt;
        }
        return n;
    }
};

/// A whole-number string "0" or [1-9][0-9]*, at most `max`.
inline std::optional<std::uint64_t> count(decoder& d, const json& o, const std::string& path, const char* key, std::uint64_t max) {
    const json* v = d.field(o, path, key, false);
    if (!v) return std::nullopt;
    const std::string p = child(path, key);
    if (!v->is_string()) {
        d.fail(error_code::WRONG_TYPE, p, std::string("expected a whole-number string, got ") + detail::type_name(*v));
        return std::nullopt;
    }
    const std::string& s = v->get_ref<const std::string&>();
    bool good = !s.empty() && s.size() <= 20 && (s.size() == 1 || s[0] != '0');
    std::uint64_t n = 0;
    for (char ch : s) {
        const auto digit = static_cast<std::uint64_t>(ch - '0');
        good = good && ch >= '0' && ch <= '9' && n <= (UINT64_MAX - digit) / 10;  // no wrap
        if (!good) break;
        n = n * 10 + digit;
    }
    if (!good || n > max) {
        d.fail(error_code::BAD_COUNT, p, "\"" + s + "\" is not a whole number from 0 to " + std::to_string(max));
        return std::nullopt;
    }
    return static_cast<std::uint64_t>(n);
}

/// Parses one document; error paths are prefixed with `prefix` (the document's place in the call).
inline outcome<json> parse_document(std::string_view text, const std::string& prefix = "") {
    if (text.size() > max_input_bytes) return outcome<json>::failure(error_code::JSON_TOO_LARGE, prefix, "requests are limited to 16 MiB");
    // nlohmann's lexer takes a NUL byte for the end of the input, so "{...}\0garbage" would
    // parse as "{...}": JSON text never holds one (a string spells it \u0000), so it is refused.
    if (const auto nul = text.find('\0'); nul != std::string_view::npos)
        return outcome<json>::failure(
            error_code::JSON_SYNTAX, prefix,
            "not valid JSON at byte " + std::to_string(nul + 1) + ": a NUL byte (JSON text has none; a string holds one as \\u0000)");
    dom_builder b;
    const bool ok = json::sax_parse(text.begin(), text.end(), &b, nlohmann::detail::input_format_t::json, true);
    if (b.err) return outcome<json>::failure(b.err->code, prefix + b.err->path, b.err->message);
    if (!ok) return outcome<json>::failure(error_code::JSON_SYNTAX, prefix, "not valid JSON");
    outcome<json> o;
    o.value = std::move(b.root);
    return o;
}

}  // namespace margin::api::detail
