// The word helpers of words.hpp: out of line, one copy for the codec's files.
#include "words.hpp"

#include <array>
#include <iterator>
#include <string>

namespace abi::detail {

namespace {

// The largest uintN and intN by N / 8 (1 .. 32), from their hex digits: built once.
struct word_bounds {
    std::array<integer, 33> uint_max, int_max;
    word_bounds() {
        for (std::size_t n = 1; n <= 32; ++n) {
            uint_max[n] = integer("0x" + std::string(2 * n, 'f'));
            int_max[n] = integer("0x7f" + std::string(2 * n - 2, 'f'));
        }
    }
};

const word_bounds& bounds() {
    static const word_bounds b;
    return b;
}

}  // namespace

const integer& two_256() {
    static const integer v("0x1" + std::string(64, '0'));
    return v;
}

void range_of(const type& t, integer& lo, integer& hi) {
    if (t.k != type::kind::boolean && (t.size == 0 || t.size % 8 != 0 || t.size > 256)) {  // a hand-made type of odd width
        const unsigned bits = t.k == type::kind::int_ && t.size > 0 ? t.size - 1 : t.size;
        hi = 0;
        bit_set(hi, bits);
        hi -= 1;
        lo = t.k == type::kind::int_ ? integer(-hi - 1) : integer(0);
        return;
    }
    if (t.k == type::kind::boolean) {
        lo = 0;
        hi = 1;
    } else if (t.k == type::kind::int_) {
        hi = bounds().int_max[t.size / 8];
        lo = -hi - 1;
    } else {
        lo = 0;
        hi = bounds().uint_max[t.size / 8];
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

}  // namespace abi::detail
