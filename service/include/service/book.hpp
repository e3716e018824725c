// The book the service holds (docs/service.md): accounts (each the API's request without its
// market), the market as one snapshot per underlying and per collateral asset, and each
// account's latest margin summary. Writes and ticks are serialised (one writer); reads run
// beside them. A tick re-margins the accounts that hold an underlying or asset it changed,
// on every core, and is persisted (through `store`) before anything of it is visible.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.hpp"
#include "service/shard.hpp"

namespace service {

using margin::error;
using margin::error_code;

/// Caps (docs/service.md, "Caps").
inline constexpr std::size_t max_accounts = 1'000'000;      ///< accounts in one book
inline constexpr std::size_t max_account_id = 64;           ///< bytes of an account id: [A-Za-z0-9_.:-]
inline constexpr std::size_t max_recent_events = 100'000;   ///< kept for /events resumption (Last-Event-ID)
inline constexpr std::size_t max_list = 100'000;            ///< accounts in one GET /accounts page
inline constexpr std::size_t max_stress_cells = 2'000'000;  ///< accounts x scenarios in one POST /stress

/// An account's standing at its latest margin: below_mm when it is liquidatable (health < 0:
/// the margin balance below MM in cross mode), below_im when free collateral < 0 (the margin
/// balance below IM; docs/api.md, "Equity"),
/// error when its request no longer computes on the market (e.g. an expiry passed).
enum class standing : std::uint8_t { ok, below_im, below_mm, error };
std::string_view name(standing s) noexcept;

/// What the book keeps of an account's latest margin: the response's own decimal strings.
struct summary {
    std::int64_t tick = 0;       ///< the tick that computed it (the last tick at a write)
    std::int64_t timestamp = 0;  ///< the market timestamp it was computed at
    standing state = standing::error;
    std::string equity, margin_balance, initial_margin, maintenance_margin, free_collateral, health;
    bool liquidatable = false;
    std::optional<error> err;  ///< state == error
};

/// A live-stream event: an account's standing changed.
struct event {
    std::int64_t seq = 0;  ///< SSE id: run x 2^32 + 1, + 2, ... (runs numbered in the database: ids grow across restarts)
    std::string type;      ///< margin_call, liquidation_warning, recovery, error (SSE event name)
    std::string text;      ///< the JSON document sent as the SSE data
};

/// A write's or a tick's answer: a JSON document and the HTTP status that goes with it.
struct answer {
    int status = 200;
    std::string body;
};

/// Figures for /metrics, updated by ticks (the service's own latency histograms).
struct tick_figures {
    std::int64_t tick = 0;
    std::size_t accounts = 0;
    double compute_s = 0, persist_s = 0, total_s = 0;
};

class book {
public:
    /// The book in the SQLite database `db_path` (created and migrated if need be): loads the
    /// market and the accounts, and re-margins every account on the loaded market.
    /// `threads`: tick workers, 0 = every core.
    static margin::outcome<std::unique_ptr<book>> open(const std::string& db_path, unsigned threads);
    ~book();

    // --- writes (serialised; each one transaction, acknowledged after its commit) ---
    answer put_account(const std::string& id, std::string_view body);
    answer delete_account(const std::string& id);
    /// A market tick. `stream_seq` > 0: the tick's position in the tick stream (NATS), kept
    /// in the tick's transaction; a position at or before the last one kept is a duplicate
    /// (answered, not applied again), and a refused tick's position is kept as well, so a
    /// shard replaying the stream applies each tick once, in order.
    answer tick(std::string_view body, std::int64_t stream_seq = 0);
    /// A tick that also replaces (or adds) accounts, each a request without its market, in the
    /// same transaction: the chain follower's step (a push moves the market and the mark vols
    /// the accounts' positions carry). The replaced accounts and the holders of a changed
    /// symbol are re-margined on the tick's market. Errors: the tick's; an account's with its
    /// path under /accounts/<i> (the whole sync refused).
    answer sync(std::string_view tick_body, const std::vector<std::pair<std::string, std::string>>& accounts);
    /// Loads a directory of *.json requests (id: file name without .json) or a JSONL file
    /// (id: the line number, or {"id", "request"} lines), in one transaction. A shard keeps
    /// the accounts it holds (the others' markets still seed the book's).
    answer load(const std::string& path);
    /// Makes this book shard `s` of a sharded service (before any write): writes of accounts
    /// another shard holds are refused with WRONG_SHARD.
    void set_shard(shard s);

    // --- reads ---
    /// A tick's body decoded and validated as tick() would, without applying it (200, or 400
    /// with the error): what a sharded instance checks before publishing a tick to the stream.
    answer check_tick(std::string_view body) const;
    answer get_account(const std::string& id) const;
    answer get_request(const std::string& id) const;  ///< the request its latest margin was computed on
    answer get_margin(const std::string& id) const;   ///< `margin compute --compact` of get_request
    answer list(std::string_view health, std::string_view after, std::size_t limit) const;
    answer preview(std::string_view body) const;
    /// Book risk: the selected accounts (all, by standing, or listed) as one portfolio and its
    /// VaR and ES through the API's risk door (docs/service.md, "Book risk").
    answer risk(std::string_view body) const;
    /// Book stress: `margin stress-book` over the selected accounts' requests (all, by
    /// standing, or listed) under a scenario set (docs/service.md, "Book stress").
    answer stress(std::string_view body) const;
    /// One account under a shipped scenario set `set` (the API's stress door), or its reverse
    /// stress with the default directions (`reverse`), on the request it is margined on.
    answer account_stress(const std::string& id, std::string_view set, bool reverse) const;
    answer params() const;
    answer market() const;
    std::string metrics_text() const;

    // --- the live stream ---
    /// Events after `after_seq`, waiting up to `wait_ms` for one; empty on timeout or stop.
    /// `lost` is set when events after after_seq were already dropped from the window.
    std::vector<event> events_after(std::int64_t after_seq, int wait_ms, bool& lost) const;
    void stop_streams();
    std::int64_t latest_seq() const;  ///< the newest event's seq (this run's base, run x 2^32, when none yet)
    bool stopping() const noexcept { return stopping_.load(); }

    std::size_t size() const;
    tick_figures last_tick() const;   ///< the figures of the last tick applied in this run
    std::int64_t tick_id() const;     ///< the book's latest tick (0: none yet), across restarts
    std::int64_t stream_seq() const;  ///< the tick stream's position of the last tick applied or refused

private:
    struct state;  // the book's data and the steps its operations share (src/book_state.hpp)
    book() = default;
    std::unique_ptr<state> s_;
    std::atomic<bool> stopping_{false};
};

/// An account id: 1-64 bytes of [A-Za-z0-9_.:-].
bool valid_account_id(std::string_view id) noexcept;

}  // namespace service
