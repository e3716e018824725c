// The shipped documents' table (api/documents.hpp), embedded by CMake from their files.
#include "api/documents.hpp"

#include <array>
#include <string_view>

#include "api/build_id.hpp"
#include "api/request.hpp"
#include "api/response.hpp"
#include "api/version.hpp"

namespace margin::api {
namespace {

#include "documents.inc"  // constexpr std::array<doc, N> table{...}

}  // namespace

std::string_view document(std::string_view name) noexcept {
    for (const doc& d : table)
        if (d.name == name) return d.text;
    return {};
}

std::span<const std::string_view> document_names() noexcept {
    static const auto names = [] {
        std::array<std::string_view, table.size()> n{};
        for (std::size_t i = 0; i < table.size(); ++i) n[i] = table[i].name;
        return n;
    }();
    return names;
}

std::string version_string() {
    return std::string("margin ") + std::string(engine_version) + " build " + std::string(build_id) + " (json api v" +
           std::string(api_version) + ", fixedpoint spec v1)";
}

}  // namespace margin::api
