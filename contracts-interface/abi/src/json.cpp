// Values as JSON by their types (abi/json.hpp): objects for named tuples, decimal strings
// for numbers, 0x-hex for addresses and bytes.
#include "abi/json.hpp"

#include <algorithm>
#include <optional>

#include "words.hpp"

namespace abi {
namespace {

using namespace detail;

bool named(const type& t) {
    if (t.k != type::kind::tuple || t.elements.empty()) return false;
    for (const std::string& n : t.names)
        if (n.empty()) return false;
    return true;
}

std::optional<error> from_json_into(const type& t, const nlohmann::json& j, value& out, const std::string& path) {
    using k = type::kind;
    const std::string where = path.empty() ? "/" : path;
    auto wrong = [&](const std::string& what) {
        return bad(error_code::ABI_BAD_VALUE, path, where + ": " + t.canonical() + " needs " + what);
    };
    if (t.k == k::boolean) {
        if (!j.is_boolean()) return wrong("true or false");
        out = value::boolean(j.get<bool>());
        return std::nullopt;
    }
    if (t.k == k::uint_ || t.k == k::int_) {
        if (!j.is_string()) return wrong("a decimal integer string");
        const std::string s = j.get<std::string>();
        const std::size_t digits = s.size() - (s.rfind('-', 0) == 0 ? 1 : 0);
        if (digits == 0 || digits > 80 || s.find_first_not_of("0123456789", s.size() - digits) != std::string::npos ||
            (digits > 1 && s[s.size() - digits] == '0'))
            return wrong("a decimal integer string (no leading zeros), got \"" + s.substr(0, 90) + "\"");
        out = value::number(integer(s));
        return std::nullopt;  // the range is checked by encode
    }
    if (t.k == k::string) {
        if (!j.is_string()) return wrong("a string");
        out = value::text(j.get<std::string>());
        return std::nullopt;
    }
    if (t.k == k::address || t.k == k::fixed_bytes || t.k == k::dynamic_bytes) {
        if (!j.is_string() || j.get<std::string>().rfind("0x", 0) != 0) return wrong("0x-prefixed hex");
        auto b = from_hex(j.get<std::string>());
        if (!b.ok()) return wrong("0x-prefixed hex");
        if (t.k == k::address) {
            if (b.value.size() != 20) return wrong("20 bytes");
            integer n;
            import_bits(n, b.value.begin(), b.value.end(), 8);
            out = value::number(n);
        } else
            out = value::blob(std::move(b.value));
        return std::nullopt;
    }
    std::vector<value> items;
    if (named(t)) {
        if (!j.is_object()) return wrong("an object");
        for (const auto& [key, _] : j.items())
            if (std::find(t.names.begin(), t.names.end(), key) == t.names.end())
                return bad(error_code::ABI_BAD_VALUE, margin::child(path, key), margin::child(path, key) + ": no such field");
        for (std::size_t i = 0; i < t.elements.size(); ++i) {
            if (!j.contains(t.names[i]))
                return bad(error_code::ABI_BAD_VALUE, margin::child(path, t.names[i]), margin::child(path, t.names[i]) + ": missing");
            items.emplace_back();
            if (auto err = from_json_into(t.elements[i], j[t.names[i]], items.back(), margin::child(path, t.names[i]))) return err;
        }
    } else {
        if (!j.is_array()) return wrong("an array");
        const std::size_t want = t.k == k::tuple ? t.elements.size() : t.size;
        if (t.k != k::array && j.size() != want) return wrong(std::to_string(want) + " items");
        for (std::size_t i = 0; i < j.size(); ++i) {
            items.emplace_back();
            if (auto err = from_json_into(element_type(t, i), j[i], items.back(), path + "/" + std::to_string(i))) return err;
        }
    }
    out = value::list(std::move(items));
    return std::nullopt;
}

}  // namespace

nlohmann::json to_json(const type& t, const value& v) {
    using k = type::kind;
    if (t.k == k::boolean) return v.as_number() && *v.as_number() == 1;
    if (t.k == k::uint_ || t.k == k::int_) return v.as_number() ? v.as_number()->str() : std::string();
    if (t.k == k::address) {
        bytes w;
        if (v.as_number()) put_word(w, *v.as_number());
        return to_hex(std::span<const std::uint8_t>(w).subspan(w.size() >= 20 ? w.size() - 20 : 0));
    }
    if (t.k == k::string) return v.as_bytes() ? std::string(v.as_bytes()->begin(), v.as_bytes()->end()) : std::string();
    if (t.k == k::fixed_bytes || t.k == k::dynamic_bytes) return to_hex(v.as_bytes() ? *v.as_bytes() : bytes{});
    const auto* items = v.as_list();
    const bool obj = named(t);
    nlohmann::json j = obj ? nlohmann::json::object() : nlohmann::json::array();
    if (!items) return j;
    for (std::size_t i = 0; i < items->size(); ++i) {
        if (t.k == k::tuple && i >= t.elements.size()) break;
        nlohmann::json x = to_json(element_type(t, i), (*items)[i]);
        if (obj)
            j[t.names[i]] = std::move(x);
        else
            j.push_back(std::move(x));
    }
    return j;
}

outcome<value> from_json(const type& t, const nlohmann::json& j) {
    value v;
    if (auto err = from_json_into(t, j, v, "")) return outcome<value>::failure(*err);
    // ranges: the encoder checks them, with the same paths
    auto e = encode(t, v);
    if (!e.ok()) return outcome<value>::failure(*e.err);
    return {std::move(v), std::nullopt};
}

std::size_t nesting_depth(std::string_view text, std::size_t stop_past) {
    std::size_t depth = 0, deepest = 0;
    bool in_string = false, escaped = false;
    for (const char ch : text) {
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (ch == '\\')
                escaped = true;
            else if (ch == '"')
                in_string = false;
        } else if (ch == '"') {
            in_string = true;
        } else if (ch == '[' || ch == '{') {
            if (++depth > deepest && (deepest = depth) > stop_past) return deepest;
        } else if ((ch == ']' || ch == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

}  // namespace abi
