// The documents shipped inside the engine, by name: one table, generated at build time
// from core/api/params/ and core/api/examples/ (core/api/CMakeLists.txt).
//
//   "standard"          standard/1 parameters (params/standard-v1.json), the default
//   "pmrm2", "span16"   portfolio/1 parameters (params/portfolio-*.json)
//   "scenarios/pmrm2", "scenarios/span16"   scenario/1 documents (params/pmrm2.json, span16.json)
//   "example"           the example request (examples/default.json)
#pragma once

#include <span>
#include <string_view>

namespace margin::api {

/// The document's text; empty if no document has that name.
std::string_view document(std::string_view name) noexcept;
/// Every name, in the order above.
std::span<const std::string_view> document_names() noexcept;

}  // namespace margin::api
