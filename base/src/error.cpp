#include "base/error.hpp"

#include <array>

namespace margin {
namespace {

struct entry {
    std::string_view name, meaning;
};

constexpr std::array table{
#define MARGIN_ERROR_ENTRY(n, m) entry{#n, m},
    MARGIN_ERROR_CODES(MARGIN_ERROR_ENTRY)
#undef MARGIN_ERROR_ENTRY
};

}  // namespace

std::string_view name(error_code c) noexcept {
    const auto i = static_cast<std::size_t>(c);
    return i < table.size() ? table[i].name : std::string_view("UNKNOWN");
}

std::string_view meaning(error_code c) noexcept {
    const auto i = static_cast<std::size_t>(c);
    return i < table.size() ? table[i].meaning : std::string_view();
}

std::optional<error_code> error_code_of(std::string_view n) noexcept {
    for (std::size_t i = 0; i < table.size(); ++i)
        if (table[i].name == n) return static_cast<error_code>(i);
    return std::nullopt;
}

std::size_t error_code_count() noexcept { return table.size(); }

}  // namespace margin
