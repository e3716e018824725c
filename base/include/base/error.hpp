// The project's error vocabulary: one enum of stable codes with one name table, the
// error value (code, path, message) and outcome<T>. Every room below the apps reports
// through these: the engine and its JSON API, the ABI codec, the chain bridge and client.
// The codes' names are part of API v1 (docs/api.md): they are what `"code"` holds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace margin {

/// X(NAME, meaning): every stable error code, in one list. The enum, the name table
/// and (later) the npm package's TypeScript union are made from it; append only.
#define MARGIN_ERROR_CODES(X)                                                                \
    /* the JSON layer */                                                                     \
    X(JSON_SYNTAX, "not JSON")                                                               \
    X(JSON_TOO_LARGE, "a document over its size cap")                                        \
    X(JSON_TOO_DEEP, "nested deeper than 16 levels")                                         \
    X(JSON_NUMBER, "a JSON number where a decimal string is required")                       \
    X(DUPLICATE_KEY, "a key twice in one object")                                            \
    X(WRONG_TYPE, "a value of the wrong JSON type")                                          \
    X(UNKNOWN_FIELD, "a field the format does not define")                                   \
    X(MISSING_FIELD, "a required field is absent")                                           \
    X(UNSUPPORTED_VERSION, "a document version this engine does not speak")                  \
    X(BAD_DECIMAL, "not an exact decimal string")                                            \
    X(DECIMAL_PRECISION, "more than 18 fractional digits")                                   \
    X(DECIMAL_RANGE, "outside the int256 fixed-point range")                                 \
    X(BAD_INTEGER, "not a Unix time in seconds")                                             \
    X(BAD_ENUM, "a value outside its enumeration")                                           \
    X(BAD_SYMBOL, "a malformed underlying or asset symbol")                                  \
    X(UNKNOWN_PRESET, "names no shipped parameter document")                                 \
    /* validation of the model (core) */                                                     \
    X(NOT_POSITIVE, "must be > 0")                                                           \
    X(NEGATIVE, "must be >= 0")                                                              \
    X(OUT_OF_RANGE, "outside its bound")                                                     \
    X(INCONSISTENT_PARAMS, "a maintenance rate above the initial one")                       \
    X(EXPIRY_IN_PAST, "an expiry not after the snapshot")                                    \
    X(EXPIRY_TOO_FAR, "an expiry more than 2e9 seconds after the snapshot")                  \
    X(DUPLICATE_EXPIRY, "an expiry listed twice")                                            \
    X(DUPLICATE_POSITION, "an instrument held twice")                                        \
    X(DUPLICATE_ID, "a position id used twice")                                              \
    X(DUPLICATE_SCENARIO, "two skew scenarios of one kind")                                  \
    X(UNKNOWN_UNDERLYING, "a position on an underlying the market does not list")            \
    X(UNKNOWN_EXPIRY, "a position on an expiry the market does not list")                    \
    X(NO_PARAMS_FOR_UNDERLYING, "no parameters for the underlying and no \"*\" default")     \
    X(NO_PERP_MARK, "a perp on an underlying without a perp mark")                           \
    X(NO_VOLATILITY, "an option without mark_vol on an expiry without SVI")                  \
    X(UNPRICED_COLLATERAL, "collateral the market gives no price for")                       \
    X(COLLATERAL_NOT_ACCEPTED, "collateral the parameters give no haircut for")              \
    X(QUANTITY_PRECISION, "size x contract size needs more than 18 decimals")                \
    X(ISOLATED_MARGIN_REQUIRED, "isolated mode without a position's isolated_margin")        \
    X(ISOLATED_MARGIN_NOT_ALLOWED, "isolated_margin in cross mode")                          \
    X(MODE_NOT_SUPPORTED, "isolated mode under the portfolio model")                         \
    X(TRADE_CONFLICT, "a trade that contradicts the held position")                          \
    /* evaluation */                                                                         \
    X(SVI_NON_POSITIVE_VARIANCE, "the surface gives total variance <= 0 at a strike")        \
    X(ARITHMETIC_OVERFLOW, "a result outside int256")                                        \
    X(MODEL_NOT_SUPPORTED, "the request's model does not offer this")                        \
    /* the chain: ABI codec, bridge, replay, JSON-RPC client */                              \
    X(ABI_BAD_TYPE, "an ABI type string that does not parse")                                \
    X(ABI_BAD_VALUE, "a value of the wrong shape or range for its ABI type")                 \
    X(ABI_BAD_DATA, "ABI data too short, misaligned or with dirty bits")                     \
    X(NOT_REPRESENTABLE, "the clearing house's book cannot hold the account")                \
    X(BAD_BUNDLE, "a malformed replay bundle")                                               \
    X(NOT_FOUND, "no such receipt or event")                                                 \
    X(RPC_UNREACHABLE, "the node did not answer")                                            \
    X(RPC_HTTP, "the node answered with an HTTP error")                                      \
    X(RPC_BAD_RESPONSE, "the node's answer is not what the method returns")                  \
    X(RPC_ERROR, "the node answered with a JSON-RPC error")                                  \
    X(BAD_ADDRESS, "not a 20-byte hex address")                                              \
    X(BAD_PRIVATE_KEY, "not a valid secp256k1 private key")                                  \
    X(RPC_TOO_LARGE, "the node's answer is over the size or nesting cap")                    \
    X(CHAIN_ID_MISMATCH, "the node serves another chain than the one pinned")                \
    X(FEE_TOO_HIGH, "the network's fee is above the keeper's --max-fee")                     \
    X(INTERNAL_ERROR, "an unexpected failure inside a keeper round (caught, retried)")       \
    /* risk measures: price histories */                                                     \
    X(HISTORY_SYNTAX, "a price-history row that is not date,close")                          \
    X(HISTORY_ORDER, "price-history dates not strictly ascending")                           \
    X(HISTORY_GAP, "more consecutive days missing from a price history than allowed")        \
    X(HISTORY_TOO_SHORT, "a price history that does not cover the window")                   \
    X(NO_HISTORY, "a symbol the risk measure moves has no price history")                    \
    X(NOT_POSITIVE_DEFINITE, "a covariance matrix that has no Cholesky factor")              \
    X(BAD_COUNT, "not a whole-number string")                                                \
    X(CORNISH_FISHER_INVALID, "a Cornish-Fisher expansion that is not monotone in the tail") \
    X(UNKNOWN_COMMODITY, "a SPAN contract's commodity has no parameters")                    \
    /* the service (margin-serve) */                                                         \
    X(UNAUTHORIZED, "a write without the service's bearer token")                            \
    X(RATE_LIMITED, "more requests than the service's rate limit allows")                    \
    X(UNKNOWN_ACCOUNT, "no account with that id in the service's book")                      \
    X(BAD_ACCOUNT_ID, "an account id that is not 1-64 characters of [A-Za-z0-9_.:-]")        \
    X(UNKNOWN_ROUTE, "no such path or method in the service's HTTP API")                     \
    X(WRONG_SHARD, "an account that another shard of the service holds")                     \
    X(STREAM_UNAVAILABLE, "the service's tick stream (NATS) did not take the tick")

/// Every stable code (docs/api.md lists their meanings).
enum class error_code : std::uint8_t {
#define MARGIN_ERROR_ENUM(name, meaning) name,
    MARGIN_ERROR_CODES(MARGIN_ERROR_ENUM)
#undef MARGIN_ERROR_ENUM
};

/// The code's stable name, e.g. "WRONG_TYPE": what error documents carry.
std::string_view name(error_code c) noexcept;
/// One line on what the code means (for docs and tooling).
std::string_view meaning(error_code c) noexcept;
/// The code of a stable name; nullopt if none.
std::optional<error_code> error_code_of(std::string_view name) noexcept;
/// How many codes there are (the enum's values are 0 .. count - 1).
std::size_t error_code_count() noexcept;

struct error {
    error_code code = error_code::OUT_OF_RANGE;
    std::string path;     ///< RFC 6901 JSON pointer into the input ("" = the whole document)
    std::string message;  ///< for humans; wording may change between versions

    friend bool operator==(const error&, const error&) = default;
};

/// A value or an error.
template <class T>
struct outcome {
    T value{};
    std::optional<error> err;

    bool ok() const noexcept { return !err.has_value(); }
    static outcome failure(error_code code, std::string path, std::string message) {
        outcome o;
        o.err = error{code, std::move(path), std::move(message)};
        return o;
    }
    static outcome failure(error e) {
        outcome o;
        o.err = std::move(e);
        return o;
    }
};

/// path + "/" + key, the key escaped as RFC 6901 says ("~" -> "~0", "/" -> "~1"): the
/// JSON pointer of a member, for error paths.
inline std::string child(const std::string& path, std::string_view key) {
    std::string out = path;
    out += '/';
    for (char ch : key) {
        if (ch == '~')
            out += "~0";
        else if (ch == '/')
            out += "~1";
        else
            out += ch;
    }
    return out;
}
/// path + "/" + index: the JSON pointer of an array element.
inline std::string child(const std::string& path, std::size_t index) { return path + "/" + std::to_string(index); }

/// The first failure of a sequence of checks; later ones are ignored, so a validator or
/// decoder reports the first error in document order. Each check returns fail(...)'s false.
class first_error {
public:
    std::optional<error> err;

    bool failed() const noexcept { return err.has_value(); }
    bool fail(error_code code, const std::string& path, std::string message) {
        if (!err) err = error{code, path, std::move(message)};
        return false;
    }
};

}  // namespace margin
