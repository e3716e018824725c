// Errors of the JSON API and the engine: a stable code, the JSON pointer of the
// offending field and a message. The codes are part of API v1 (docs/api.md).
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace margin {

struct error {
    std::string code;     ///< stable, e.g. "WRONG_TYPE"
    std::string path;     ///< RFC 6901 JSON pointer into the request ("" = the whole document)
    std::string message;  ///< for humans; wording may change between versions
};

/// A value or an error.
template <class T>
struct outcome {
    T value{};
    std::optional<error> err;

    bool ok() const noexcept { return !err.has_value(); }
    static outcome failure(std::string code, std::string path, std::string message) {
        outcome o;
        o.err = error{std::move(code), std::move(path), std::move(message)};
        return o;
    }
    static outcome failure(error e) {
        outcome o;
        o.err = std::move(e);
        return o;
    }
};

}  // namespace margin
