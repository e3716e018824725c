// The size of a property test's random sample, by build.
#pragma once

namespace margin_test {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool sanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool sanitized = true;
#else
inline constexpr bool sanitized = false;
#endif
#else
inline constexpr bool sanitized = false;
#endif

/// How many random cases to draw when a property test's full sample is `n`: all of them natively
/// and in WebAssembly; an eighth (at least one) in the ASan+UBSan build, which is there to find
/// memory errors and undefined behaviour on every code path (its edge cases still run in full),
/// not to widen a sample the other two builds already draw whole.
constexpr int sample(int n) { return sanitized ? (n / 8 > 0 ? n / 8 : 1) : n; }

}  // namespace margin_test
