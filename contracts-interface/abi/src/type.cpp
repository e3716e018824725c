// Types: the Solidity type-string parser, the canonical form, and the layout facts the
// encoder and decoder need (dynamic or not, head size).
#include <optional>

#include "abi/abi.hpp"
#include "words.hpp"

namespace abi {
namespace {

using detail::bad;
using detail::word_size;

constexpr unsigned max_depth = 64;              // nesting a type string may have (bounds parse's recursion)
constexpr unsigned max_fixed_length = 1 << 20;  // T[k]: a bound far above any real use

bool ident_char(char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || (!first && c >= '0' && c <= '9');
}

struct type_parser {
    std::string_view s;
    std::size_t i = 0;
    std::optional<error> err;

    bool fail(std::string message) {
        if (!err)
            err = bad(error_code::ABI_BAD_TYPE, std::to_string(i),
                      std::move(message) + " at offset " + std::to_string(i) + " of \"" + std::string(s) + "\"");
        return false;
    }
    void skip_ws() {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')) ++i;
    }
    std::string_view ident() {
        const std::size_t start = i;
        while (i < s.size() && ident_char(s[i], i == start)) ++i;
        return s.substr(start, i - start);
    }
    // "8".."256": a decimal without leading zeros, or nothing (returns 0).
    static std::optional<unsigned> number(std::string_view d) {
        if (d.empty()) return 0u;
        if (d.size() > 7 || d[0] == '0') return std::nullopt;
        unsigned n = 0;
        for (char c : d) {
            if (c < '0' || c > '9') return std::nullopt;
            n = n * 10 + static_cast<unsigned>(c - '0');
        }
        return n;
    }
    bool elementary(std::string_view name, type& out) {
        auto sized = [&](std::string_view prefix, std::optional<unsigned>& n) {
            if (name.substr(0, prefix.size()) != prefix) return false;
            n = number(name.substr(prefix.size()));
            return true;
        };
        std::optional<unsigned> n;
        if (name == "address")
            out = type::address();
        else if (name == "bool")
            out = type::boolean();
        else if (name == "string")
            out = type::string();
        else if (name == "bytes")
            out = type::dynamic_bytes();
        else if (sized("bytes", n)) {
            if (!n || *n < 1 || *n > 32) return fail("bytesN needs 1 <= N <= 32");
            out = type::fixed_bytes(*n);
        } else if (sized("uint", n) || sized("int", n)) {
            const bool is_signed = name[0] == 'i';
            if (n && *n == 0) n = 256;
            if (!n || *n % 8 != 0 || *n > 256) return fail("intN/uintN needs N a multiple of 8 from 8 to 256");
            out = is_signed ? type::int_(*n) : type::uint_(*n);
        } else
            return fail("unknown type \"" + std::string(name) + "\"");
        return true;
    }
    bool parse(type& out, unsigned depth) {
        if (depth > max_depth) return fail("nesting deeper than " + std::to_string(max_depth));
        skip_ws();
        const std::size_t start = i;
        std::string_view name = ident();
        if (name == "tuple" && i < s.size() && s[i] == '(') name = {};
        if (name.empty()) {
            i = (s.substr(start, 5) == "tuple") ? start + 5 : start;
            if (i >= s.size() || s[i] != '(') return fail("expected a type");
            ++i;
            out = type::tuple_of({});
            skip_ws();
            if (i < s.size() && s[i] == ')')
                ++i;
            else
                for (;;) {
                    type component;
                    if (!parse(component, depth + 1)) return false;
                    skip_ws();
                    std::string cname(ident());
                    skip_ws();
                    out.elements.push_back(std::move(component));
                    out.names.push_back(std::move(cname));
                    if (i < s.size() && s[i] == ',') {
                        ++i;
                        continue;
                    }
                    if (i < s.size() && s[i] == ')') {
                        ++i;
                        break;
                    }
                    return fail("expected ',' or ')'");
                }
        } else if (!elementary(name, out))
            return false;
        while (i < s.size() && s[i] == '[') {
            const std::size_t d0 = ++i;
            while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
            const std::string_view digits = s.substr(d0, i - d0);
            if (i >= s.size() || s[i] != ']') return fail("expected ']'");
            ++i;
            if (digits.empty())
                out = type::array_of(std::move(out));
            else {
                const auto k = number(digits);
                if (!k || *k < 1 || *k > max_fixed_length) return fail("T[k] needs 1 <= k <= " + std::to_string(max_fixed_length));
                out = type::fixed_array_of(std::move(out), *k);
            }
        }
        return true;
    }
};

}  // namespace

type type::tuple_of(std::vector<type> components, std::vector<std::string> component_names) {
    type t{kind::tuple, 0, std::move(components), std::move(component_names)};
    t.names.resize(t.elements.size());
    return t;
}

outcome<type> type::parse(std::string_view text) {
    type_parser p{text, 0, std::nullopt};
    type t;
    if (p.parse(t, 0)) {
        p.skip_ws();
        if (p.i != text.size()) p.fail("unexpected text after the type");
    }
    if (p.err) return outcome<type>::failure(*p.err);
    return {std::move(t), std::nullopt};
}

std::string type::canonical() const {
    switch (k) {
        case kind::uint_: return "uint" + std::to_string(size);
        case kind::int_: return "int" + std::to_string(size);
        case kind::address: return "address";
        case kind::boolean: return "bool";
        case kind::fixed_bytes: return "bytes" + std::to_string(size);
        case kind::dynamic_bytes: return "bytes";
        case kind::string: return "string";
        case kind::fixed_array: return elements[0].canonical() + "[" + std::to_string(size) + "]";
        case kind::array: return elements[0].canonical() + "[]";
        case kind::tuple: {
            std::string s = "(";
            for (std::size_t i = 0; i < elements.size(); ++i) s += (i ? "," : "") + elements[i].canonical();
            return s + ")";
        }
    }
    return {};
}

bool type::is_dynamic() const noexcept {
    switch (k) {
        case kind::dynamic_bytes:
        case kind::string:
        case kind::array: return true;
        case kind::fixed_array: return elements[0].is_dynamic();
        case kind::tuple:
            for (const type& e : elements)
                if (e.is_dynamic()) return true;
            return false;
        default: return false;
    }
}

std::size_t type::head_size() const noexcept {
    if (is_dynamic()) return word_size;
    if (k == kind::fixed_array) return size * elements[0].head_size();
    if (k == kind::tuple) {
        std::size_t n = 0;
        for (const type& e : elements) n += e.head_size();
        return n;
    }
    return word_size;
}

}  // namespace abi
