// The decoder: offsets and lengths bounded by the data, words checked against their
// types' ranges, as Solidity's decoder checks them; the decoded size bounded by the input's
// (abi.hpp: "The decoded size").
#include <optional>

#include "abi/abi.hpp"
#include "words.hpp"

namespace abi {
namespace {

using namespace detail;

struct decoder {
    std::optional<error> err;
    std::size_t budget = 0;  // decoded bytes still allowed (decode_budget)

    // Charges `n` decoded bytes against the budget.
    bool charge(std::size_t n, const std::string& path) {
        if (n <= budget) {
            budget -= n;
            return true;
        }
        budget = 0;
        return fail(path, "the decoded size exceeds the bound of " + std::to_string(decode_factor) + " x the input or " +
                              std::to_string(decode_floor) + " bytes (aliased offsets?)");
    }

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
            if (!charge(word_size, path)) return false;
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
            if (!charge(word_size + padded(n), path)) return false;
            out = value::blob(bytes(d.begin() + word_size, d.begin() + word_size + static_cast<std::ptrdiff_t>(n)));
            return true;
        }
        std::size_t count = t.k == k::tuple ? t.elements.size() : t.size;
        if (t.k == k::array) {
            // each element takes at least one word of head: a count above that cannot be real
            const std::size_t room = d.size() >= word_size ? (d.size() - word_size) / word_size : 0;
            if (!size_word(d, 0, room, count, path, "array length")) return false;
            // its length word, and at least a word per element (an element of a zero-size type too)
            if (!charge(word_size, path)) return false;
            if (element_type(t, 0).head_size() == 0 && !charge(count * word_size, path)) return false;
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
                if (!charge(word_size, p)) return false;
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

}  // namespace

outcome<value> decode(const type& t, std::span<const std::uint8_t> data) {
    decoder d;
    d.budget = decode_budget(data.size());
    value v;
    if (!d.value_at(t, data, v, "")) return outcome<value>::failure(*d.err);
    return {std::move(v), std::nullopt};
}

}  // namespace abi
