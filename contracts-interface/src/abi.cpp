#include "abi/abi.hpp"

#include <algorithm>
#include <iterator>
#include <optional>

#include "abi/keccak.hpp"

namespace abi {
namespace {

constexpr std::size_t word_size = 32;
constexpr unsigned max_depth = 64;              // nesting a type string may have (bounds parse's recursion)
constexpr unsigned max_fixed_length = 1 << 20;  // T[k]: a bound far above any real use

error bad(error_code code, std::string path, std::string message) { return {code, std::move(path), std::move(message)}; }

std::string child_path(const std::string& path, const type& t, std::size_t i) {
    if (t.k == type::kind::tuple && i < t.names.size() && !t.names[i].empty()) return path + "/" + t.names[i];
    return path + "/" + std::to_string(i);
}

const type& element_type(const type& t, std::size_t i) { return t.k == type::kind::tuple ? t.elements[i] : t.elements[0]; }

// --- type strings -------------------------------------------------------------------

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

// --- words --------------------------------------------------------------------------

const integer& two_256() {
    static const integer v = integer(1) << 256;
    return v;
}

// The range [lo, hi] of a word type's numbers.
void range_of(const type& t, integer& lo, integer& hi) {
    if (t.k == type::kind::int_) {
        lo = -(integer(1) << (t.size - 1));
        hi = (integer(1) << (t.size - 1)) - 1;
    } else {
        lo = 0;
        hi = (integer(1) << (t.k == type::kind::boolean ? 1 : t.size)) - 1;
    }
}

bool is_word_number(type::kind k) {
    return k == type::kind::uint_ || k == type::kind::int_ || k == type::kind::address || k == type::kind::boolean;
}

void put_word(bytes& out, const integer& v) {  // v in [-2^255, 2^256)
    const integer u = v < 0 ? integer(two_256() + v) : v;
    std::vector<std::uint8_t> be;
    if (u != 0) export_bits(u, std::back_inserter(be), 8);
    out.insert(out.end(), word_size - be.size(), 0);
    out.insert(out.end(), be.begin(), be.end());
}

integer get_word(std::span<const std::uint8_t> w) {
    integer u;
    import_bits(u, w.begin(), w.begin() + word_size, 8);
    return u;
}

std::size_t padded(std::size_t n) { return (n + word_size - 1) / word_size * word_size; }

// --- encode -------------------------------------------------------------------------

std::optional<error> encode_into(const type& t, const value& v, bytes& out, const std::string& path);

// A tuple, T[k] or T[]'s elements: heads, then the tails of the dynamic ones.
std::optional<error> encode_sequence(const type& t, const std::vector<value>& items, bytes& out, const std::string& path) {
    std::size_t head = 0;
    for (std::size_t i = 0; i < items.size(); ++i) head += element_type(t, i).head_size();
    bytes tail;
    for (std::size_t i = 0; i < items.size(); ++i) {
        const type& e = element_type(t, i);
        if (e.is_dynamic()) {
            put_word(out, integer(head + tail.size()));
            if (auto err = encode_into(e, items[i], tail, child_path(path, t, i))) return err;
        } else if (auto err = encode_into(e, items[i], out, child_path(path, t, i)))
            return err;
    }
    out.insert(out.end(), tail.begin(), tail.end());
    return std::nullopt;
}

std::optional<error> encode_into(const type& t, const value& v, bytes& out, const std::string& path) {
    using k = type::kind;
    const std::string where = path.empty() ? "/" : path;
    if (is_word_number(t.k)) {
        const integer* n = v.as_number();
        if (!n) return bad(error_code::ABI_BAD_VALUE, path, where + ": " + t.canonical() + " needs a number");
        integer lo, hi;
        range_of(t, lo, hi);
        if (*n < lo || *n > hi) return bad(error_code::ABI_BAD_VALUE, path, where + ": " + n->str() + " is outside " + t.canonical());
        put_word(out, *n);
        return std::nullopt;
    }
    if (t.k == k::fixed_bytes || t.k == k::dynamic_bytes || t.k == k::string) {
        const bytes* b = v.as_bytes();
        if (!b) return bad(error_code::ABI_BAD_VALUE, path, where + ": " + t.canonical() + " needs bytes");
        if (t.k == k::fixed_bytes && b->size() != t.size)
            return bad(
                error_code::ABI_BAD_VALUE, path,
                where + ": " + t.canonical() + " needs exactly " + std::to_string(t.size) + " bytes, got " + std::to_string(b->size()));
        if (t.k != k::fixed_bytes) put_word(out, integer(b->size()));
        out.insert(out.end(), b->begin(), b->end());
        out.insert(out.end(), padded(b->size()) - b->size(), 0);
        return std::nullopt;
    }
    const std::vector<value>* items = v.as_list();
    if (!items) return bad(error_code::ABI_BAD_VALUE, path, where + ": " + t.canonical() + " needs a list");
    const std::size_t want = t.k == k::tuple ? t.elements.size() : t.size;
    if (t.k != k::array && items->size() != want)
        return bad(error_code::ABI_BAD_VALUE, path,
                   where + ": " + t.canonical() + " needs " + std::to_string(want) + " items, got " + std::to_string(items->size()));
    if (t.k == k::array) put_word(out, integer(items->size()));
    return encode_sequence(t, *items, out, path);
}

// --- decode -------------------------------------------------------------------------

struct decoder {
    std::optional<error> err;

    bool fail(const std::string& path, std::string message) {
        if (!err) err = bad(error_code::ABI_BAD_DATA, path, (path.empty() ? "/" : path) + ": " + std::move(message));
        return false;
    }
    // A word at `at` as an offset or length that must be at most `limit`.
    bool size_word(std::span<const std::uint8_t> d, std::size_t at, std::size_t limit, std::size_t& out, const std::string& path,
                   const char* what) {
        if (at + word_size > d.size()) return fail(path, std::string("data ends before its ") + what);
        const integer u = get_word(d.subspan(at, word_size));
        if (u > limit)
            return fail(path, std::string(what) + " " + u.str() + " points past the data (" + std::to_string(d.size()) + " bytes)");
        out = static_cast<std::size_t>(u);
        return true;
    }
    // `t`'s encoding starting at d[0].
    bool value_at(const type& t, std::span<const std::uint8_t> d, value& out, const std::string& path) {
        using k = type::kind;
        if (is_word_number(t.k) || t.k == k::fixed_bytes) {
            if (d.size() < word_size) return fail(path, "data ends inside a " + t.canonical());
            if (t.k == k::fixed_bytes) {
                for (std::size_t j = t.size; j < word_size; ++j)
                    if (d[j] != 0) return fail(path, t.canonical() + " has nonzero padding");
                out = value::blob(bytes(d.begin(), d.begin() + t.size));
                return true;
            }
            integer u = get_word(d);
            integer lo, hi;
            range_of(t, lo, hi);
            if (t.k == k::int_ && u >= (integer(1) << 255)) u -= two_256();
            if (u < lo || u > hi) return fail(path, "word " + u.str() + " is outside " + t.canonical());
            out = value::number(std::move(u));
            return true;
        }
        if (t.k == k::dynamic_bytes || t.k == k::string) {
            std::size_t n = 0;
            if (!size_word(d, 0, d.size() >= word_size ? d.size() - word_size : 0, n, path, "length")) return false;
            out = value::blob(bytes(d.begin() + word_size, d.begin() + word_size + static_cast<std::ptrdiff_t>(n)));
            return true;
        }
        std::size_t count = t.k == k::tuple ? t.elements.size() : t.size;
        if (t.k == k::array) {
            // each element takes at least one word of head: a count above that cannot be real
            const std::size_t room = d.size() >= word_size ? (d.size() - word_size) / word_size : 0;
            if (!size_word(d, 0, room, count, path, "array length")) return false;
            d = d.subspan(word_size);
        }
        std::vector<value> items(count);
        std::size_t at = 0;
        for (std::size_t i = 0; i < count; ++i) {
            const type& e = element_type(t, i);
            const std::string p = child_path(path, t, i);
            if (e.is_dynamic()) {
                std::size_t off = 0;
                if (!size_word(d, at, d.size(), off, p, "offset")) return false;
                if (!value_at(e, d.subspan(off), items[i], p)) return false;
                at += word_size;
            } else {
                if (at > d.size()) return fail(p, "data ends before it");
                if (!value_at(e, d.subspan(at), items[i], p)) return false;
                at += e.head_size();
            }
        }
        out = value::list(std::move(items));
        return true;
    }
};

// --- JSON ---------------------------------------------------------------------------

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
                return bad(error_code::ABI_BAD_VALUE, path + "/" + key, path + "/" + key + ": no such field");
        for (std::size_t i = 0; i < t.elements.size(); ++i) {
            if (!j.contains(t.names[i]))
                return bad(error_code::ABI_BAD_VALUE, path + "/" + t.names[i], path + "/" + t.names[i] + ": missing");
            items.emplace_back();
            if (auto err = from_json_into(t.elements[i], j[t.names[i]], items.back(), path + "/" + t.names[i])) return err;
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

outcome<bytes> encode(const type& t, const value& v) {
    bytes out;
    if (auto err = encode_into(t, v, out, "")) return outcome<bytes>::failure(*err);
    return {std::move(out), std::nullopt};
}

outcome<value> decode(const type& t, std::span<const std::uint8_t> data) {
    decoder d;
    value v;
    if (!d.value_at(t, data, v, "")) return outcome<value>::failure(*d.err);
    return {std::move(v), std::nullopt};
}

std::array<std::uint8_t, 4> selector(std::string_view signature) noexcept {
    const hash256 h = keccak256(signature);
    return {h[0], h[1], h[2], h[3]};
}

outcome<bytes> encode_call(std::string_view signature, const value& args) {
    const std::size_t open = signature.find('(');
    if (open == std::string_view::npos || open == 0)
        return outcome<bytes>::failure(error_code::ABI_BAD_TYPE, "0", "a signature is name(type,...): \"" + std::string(signature) + "\"");
    auto t = type::parse(signature.substr(open));
    if (!t.ok()) return outcome<bytes>::failure(*t.err);
    if (t.value.k != type::kind::tuple)
        return outcome<bytes>::failure(error_code::ABI_BAD_TYPE, "0",
                                       "a signature's arguments are a tuple: \"" + std::string(signature) + "\"");
    auto body = encode(t.value, args);
    if (!body.ok()) return body;
    const auto sel = selector(std::string(signature.substr(0, open)) + t.value.canonical());
    bytes out(sel.begin(), sel.end());
    out.insert(out.end(), body.value.begin(), body.value.end());
    return {std::move(out), std::nullopt};
}

std::string to_hex(std::span<const std::uint8_t> data) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s = "0x";
    s.reserve(2 + 2 * data.size());
    for (std::uint8_t b : data) {
        s += digits[b >> 4];
        s += digits[b & 15];
    }
    return s;
}

outcome<bytes> from_hex(std::string_view text) {
    if (text.substr(0, 2) == "0x" || text.substr(0, 2) == "0X") text.remove_prefix(2);
    auto nibble = [](char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    if (text.size() % 2) return outcome<bytes>::failure(error_code::ABI_BAD_DATA, "", "hex with an odd number of digits");
    bytes out(text.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int hi = nibble(text[2 * i]), lo = nibble(text[2 * i + 1]);
        if (hi < 0 || lo < 0) return outcome<bytes>::failure(error_code::ABI_BAD_DATA, "", "not hex at digit " + std::to_string(2 * i));
        out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return {std::move(out), std::nullopt};
}

}  // namespace abi
