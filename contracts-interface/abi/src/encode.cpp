// The standard encoding: heads and tails, range-checked words, and calls (selector ++ arguments).
#include <optional>

#include "abi/abi.hpp"
#include "abi/keccak.hpp"
#include "words.hpp"

namespace abi {
namespace {

using namespace detail;

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

}  // namespace

outcome<bytes> encode(const type& t, const value& v) {
    bytes out;
    if (auto err = encode_into(t, v, out, "")) return outcome<bytes>::failure(*err);
    return {std::move(out), std::nullopt};
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

}  // namespace abi
