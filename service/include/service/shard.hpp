// Which instance of a sharded margin-serve holds an account (docs/service.md, "Scale-out").
#pragma once

#include <cstdint>
#include <string_view>

namespace service {

/// Caps: a book is split over at most this many instances.
inline constexpr std::uint32_t max_shards = 1024;

/// This instance's part of the book: shard `index` of `count` (0 <= index < count).
struct shard {
    std::uint32_t index = 0;
    std::uint32_t count = 1;  ///< 1: not sharded
};

/// The shard that holds account `id`: FNV-1a (64-bit) of the id's bytes, modulo `count`.
/// Stated here and in docs/service.md so that a router or a client can compute it too.
constexpr std::uint32_t shard_of(std::string_view id, std::uint32_t count) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (char c : id) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ull;
    }
    return count ? static_cast<std::uint32_t>(h % count) : 0;
}

/// Whether shard `s` holds account `id`.
constexpr bool holds(const shard& s, std::string_view id) noexcept { return shard_of(id, s.count) == s.index; }

}  // namespace service
