// The book the service holds (docs/service.md): accounts (each the API's request without its
// market), the market as one snapshot per underlying and per collateral asset, and each
// account's latest margin summary. Writes and ticks are serialised (one writer); reads run
// beside them. A tick re-margins the accounts that hold an underlying or asset it changed,
// on every core, and is persisted (through `store`) before anything of it is visible.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"
#include "core/model.hpp"

namespace service {

using margin::error;
using margin::error_code;

/// Caps (docs/service.md, "Caps").
inline constexpr std::size_t max_accounts = 1'000'000;     ///< accounts in one book
inline constexpr std::size_t max_account_id = 64;          ///< bytes of an account id: [A-Za-z0-9_.:-]
inline constexpr std::size_t max_recent_events = 100'000;  ///< kept for /events resumption (Last-Event-ID)
inline constexpr std::size_t max_list = 100'000;           ///< accounts in one GET /accounts page

/// An account's standing at its latest margin: below_mm when it is liquidatable (health < 0:
/// equity below MM in cross mode), below_im when free collateral < 0 (equity below IM),
/// error when its request no longer computes on the market (e.g. an expiry passed).
enum class standing : std::uint8_t { ok, below_im, below_mm, error };
std::string_view name(standing s) noexcept;

/// What the book keeps of an account's latest margin: the response's own decimal strings.
struct summary {
    std::int64_t tick = 0;       ///< the tick that computed it (the last tick at a write)
    std::int64_t timestamp = 0;  ///< the market timestamp it was computed at
    standing state = standing::error;
    std::string equity, initial_margin, maintenance_margin, free_collateral, health;
    bool liquidatable = false;
    std::optional<error> err;  ///< state == error
};

/// One snapshot of an underlying or a collateral asset: its JSON as the tick gave it, the
/// timestamp of that tick, and (underlyings) its validated form at that timestamp.
struct snapshot {
    std::string json;  ///< compact
    std::int64_t timestamp = 0;
    std::int64_t tick = 0;
    margin::underlying_market underlying;  ///< validated (derived forwards and discount factors)
    margin::asset_price asset;
};

/// A live-stream event: an account's standing changed.
struct event {
    std::int64_t seq = 0;  ///< 1, 2, ... within this run (SSE id)
    std::string type;      ///< margin_call, liquidation_warning, recovery, error (SSE event name)
    std::string text;      ///< the JSON document sent as the SSE data
};

/// A write's or a tick's answer: a JSON document and the HTTP status that goes with it.
struct answer {
    int status = 200;
    std::string body;
};

class store;

/// Figures for /metrics, updated by ticks (the service's own latency histograms).
struct tick_figures {
    std::int64_t tick = 0;
    std::size_t accounts = 0;
    double compute_s = 0, persist_s = 0, total_s = 0;
};

class book {
public:
    /// The book over an open store: loads the market and the accounts, and re-margins every
    /// account on the loaded market (results are rewritten only where they differ).
    static margin::outcome<std::unique_ptr<book>> open(std::unique_ptr<store> db, unsigned threads);
    ~book();

    // --- writes (serialised; each one transaction, acknowledged after its commit) ---
    answer put_account(const std::string& id, std::string_view body);
    answer delete_account(const std::string& id);
    answer tick(std::string_view body);
    /// Loads a directory of *.json requests (id: file name without .json) or a JSONL file
    /// (id: the line number, or {"id", "request"} lines), in one transaction.
    answer load(const std::string& path);

    // --- reads ---
    answer get_account(const std::string& id) const;
    answer get_request(const std::string& id) const;  ///< the request its latest margin was computed on
    answer get_margin(const std::string& id) const;   ///< `margin compute --compact` of get_request
    answer list(std::string_view health, std::string_view after, std::size_t limit) const;
    answer preview(std::string_view body) const;
    answer params() const;
    answer market() const;
    std::string metrics_text() const;

    // --- the live stream ---
    /// Events after `after_seq`, waiting up to `wait_ms` for one; empty on timeout or stop.
    /// `lost` is set when events after after_seq were already dropped from the window.
    std::vector<event> events_after(std::int64_t after_seq, int wait_ms, bool& lost) const;
    void stop_streams();
    std::int64_t latest_seq() const;  ///< the newest event's seq (0: none yet)
    bool stopping() const noexcept { return stopping_.load(); }

    std::size_t size() const;
    tick_figures last_tick() const;

    /// Called with each tick's figures (benchmarks, metrics).
    std::function<void(const tick_figures&)> on_tick;

    struct state;  // the book's data (book.cpp)

private:
    book() = default;
    std::unique_ptr<state> s_;
    std::atomic<bool> stopping_{false};
};

/// An account id: 1-64 bytes of [A-Za-z0-9_.:-].
bool valid_account_id(std::string_view id) noexcept;

}  // namespace service
