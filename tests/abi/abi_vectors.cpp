// abi_vectors: the C++ ABI codec's side of the cross-check against the EVM
// (contracts-interface/harness/abi.js).
//
//   abi_vectors random TYPE COUNT SEED   COUNT random values of TYPE, encoded, one hex line each
//   abi_vectors decode TYPE              hex lines on stdin -> "ok <re-encoding>" or "error CODE PATH"
//
// Random values lean on the edges: each type's min and max, 0, -1, lengths 0 and
// 32-byte boundaries. Exit 2 on bad usage or a TYPE that does not parse.
#include <cstdint>
#include <iostream>
#include <string>

#include "abi/abi.hpp"

namespace {

using abi::integer;
using abi::type;
using abi::value;

struct splitmix {
    std::uint64_t s;
    std::uint64_t next() {
        std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    unsigned below(unsigned n) { return static_cast<unsigned>(next() % n); }
};

value random_value(const type& t, splitmix& r) {
    using k = type::kind;
    switch (t.k) {
        case k::uint_:
        case k::int_:
        case k::address:
        case k::boolean: {
            const bool is_signed = t.k == k::int_;
            const unsigned bits = t.k == k::boolean ? 1 : t.size;
            const integer lo = is_signed ? integer(-(integer(1) << (bits - 1))) : integer(0);
            const integer hi = is_signed ? integer((integer(1) << (bits - 1)) - 1) : integer((integer(1) << bits) - 1);
            switch (r.below(6)) {
                case 0: return value::number(lo);
                case 1: return value::number(hi);
                case 2: return value::number(is_signed ? integer(-1) : integer(0));
                default: {  // random bits of a random width, inside the range
                    const unsigned width = 1 + r.below(bits);
                    integer v = 0;
                    for (unsigned b = 0; b < width; b += 64) v = (v << 64) | r.next();
                    v &= (integer(1) << width) - 1;
                    if (is_signed && width == bits)
                        v -= integer(1) << (bits - 1);
                    else if (is_signed && (r.next() & 1))
                        v = -v - 1;
                    return value::number(v > hi ? hi : v < lo ? lo : v);
                }
            }
        }
        case k::fixed_bytes:
        case k::dynamic_bytes:
        case k::string: {
            static constexpr unsigned lengths[] = {0, 1, 31, 32, 33, 64, 65};
            const std::size_t n = t.k == k::fixed_bytes ? t.size : (r.below(3) ? lengths[r.below(7)] : r.below(100));
            abi::bytes b(n);
            for (auto& c : b) c = static_cast<std::uint8_t>(t.k == k::string ? 32 + r.below(95) : r.below(256));
            return value::blob(std::move(b));
        }
        case k::fixed_array:
        case k::array:
        case k::tuple: {
            const std::size_t n = t.k == k::tuple ? t.elements.size() : t.k == k::fixed_array ? t.size : r.below(5);
            std::vector<value> items;
            for (std::size_t i = 0; i < n; ++i) items.push_back(random_value(t.k == k::tuple ? t.elements[i] : t.elements[0], r));
            return value::list(std::move(items));
        }
    }
    return {};
}

int usage() {
    std::cerr << "usage: abi_vectors random TYPE COUNT SEED | abi_vectors decode TYPE\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) return usage();
    const std::string mode = argv[1];
    auto t = type::parse(argv[2]);
    if (!t.ok()) {
        std::cerr << "abi_vectors: " << t.err->message << '\n';
        return 2;
    }
    if (mode == "random" && argc == 5) {
        splitmix r{std::stoull(argv[4])};
        const long count = std::stol(argv[3]);
        for (long i = 0; i < count; ++i) {
            auto e = abi::encode(t.value, random_value(t.value, r));
            if (!e.ok()) {
                std::cerr << "abi_vectors: " << e.err->message << '\n';
                return 2;
            }
            std::cout << abi::to_hex(e.value) << '\n';
        }
        return std::cout ? 0 : 2;
    }
    if (mode == "decode" && argc == 3) {
        std::string line;
        while (std::getline(std::cin, line)) {
            auto data = abi::from_hex(line);
            if (!data.ok()) return usage();
            auto v = abi::decode(t.value, data.value);
            if (!v.ok()) {
                std::cout << "error " << margin::name(v.err->code) << ' ' << v.err->path << '\n';
                continue;
            }
            std::cout << "ok " << abi::to_hex(abi::encode(t.value, v.value).value) << '\n';
        }
        return std::cout ? 0 : 2;
    }
    return usage();
}
