// The book's data and the steps its operations share (private to the room; book.hpp is the
// public face). Concepts, one file each:
//   account.cpp  an account and the market it sees: decoding a write, the request an account
//                is margined on, one account's margin, decoding a market piece;
//   book.cpp     the book's life and its writes: open, PUT, DELETE, load, one transaction
//                per write (`persist`), swapping records in, the event window;
//   tick.cpp     the tick engine: dirty accounts, re-margining on every core, persisting;
//   reads.cpp    the reads and the metrics text.
//
// Concurrency: one writer at a time (write_mu: PUT, DELETE, load, tick), readers beside it
// (mu, shared). A tick computes with no lock on the data (only the writer changes it), then
// commits to SQLite, then swaps its results in under mu: nothing of a tick is visible, to
// readers or on the stream, before its transaction is on disk.
#pragma once

#include <chrono>
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

#include "core/model.hpp"
#include "core/scenario.hpp"
#include "service/book.hpp"
#include "store.hpp"
#include "text.hpp"

namespace service {

using text::json;
using clk = std::chrono::steady_clock;

/// One snapshot of an underlying or a collateral asset: its JSON as the tick gave it, the
/// timestamp of that tick, and (underlyings) its validated form at that timestamp.
struct snapshot {
    std::string json;  ///< compact
    std::int64_t timestamp = 0;
    std::int64_t tick = 0;
    margin::underlying_market underlying;  ///< validated (derived forwards and discount factors)
    margin::asset_price asset;
};
using snap_map = std::map<std::string, std::shared_ptr<const snapshot>>;

/// An account as the book holds it.
struct account_rec {
    std::string text;  ///< the request without its market, compact
    /// Validated; absent if it never decoded in this run. Its market is set by each evaluation
    /// from the snapshots and emptied after it (only the writer evaluates, one account on one
    /// worker), so that between ticks an account holds only its own terms.
    mutable std::optional<margin::request> req;
    std::vector<std::string> deps;  ///< symbols: positions' underlyings and collateral assets, sorted, unique
    std::string params;             ///< the "params" member, compact ("" = absent: standard)
    summary last;
};
using rec_ptr = std::shared_ptr<account_rec>;

/// A fixed-bucket latency histogram (Prometheus "le" buckets, seconds).
struct histogram {
    static constexpr double bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    std::uint64_t counts[std::size(bounds) + 1] = {};
    double sum = 0;
    std::uint64_t n = 0;
    void add(double s);
    void print(std::string& out, const char* name, const char* help) const;
};

/// An error answer with the API's error document.
inline answer fail(int status, const error& e) { return {status, text::error_document(e)}; }
inline answer fail(int status, error_code c, std::string path, std::string msg) {
    return fail(status, error{c, std::move(path), std::move(msg)});
}
inline answer no_account(const std::string& id) { return fail(404, error_code::UNKNOWN_ACCOUNT, "", "no account \"" + id + "\""); }
inline double seconds(clk::time_point a, clk::time_point b) { return std::chrono::duration<double>(b - a).count(); }

/// Whether standing `st` passes a listing's health filter ("": every standing; below_im
/// includes below_mm). `health` is checked by the caller: "", below_im, below_mm, ok, error.
inline bool passes(std::string_view health, standing st) {
    return health.empty() || (health == "below_im" && (st == standing::below_im || st == standing::below_mm)) || health == name(st);
}
/// A health filter's allowed values, and the refusal of any other.
inline bool valid_health(std::string_view h) { return h.empty() || h == "below_im" || h == "below_mm" || h == "ok" || h == "error"; }

/// Writes the snapshots (each with its own timestamp and tick); false on a store failure.
bool put_snapshots(store& db, const snap_map& unders, const snap_map& assets);

/// Runs `work` on `n` threads (this one among them) and waits for them all.
void on_threads(unsigned n, const std::function<void()>& work);

struct book::state {
    std::unique_ptr<store> db;
    unsigned threads = 1;
    mutable std::shared_mutex mu;  // the data below
    std::mutex write_mu;           // one writer
    snap_map unders, assets;
    std::optional<std::string> stable_json;
    margin::Wad stable_price = margin::Wad::from_int(1);
    std::int64_t timestamp = 0;   // the latest market timestamp
    std::int64_t tick = 0;        // the latest tick id
    std::int64_t stream_seq = 0;  // the last tick-stream message applied (NATS; 0: none)
    shard part;                   // the accounts this instance holds
    std::map<std::string, rec_ptr> accounts;
    std::map<std::string, std::set<std::string>> holders;  // symbol -> account ids
    // the live stream
    mutable std::mutex ev_mu;
    mutable std::condition_variable ev_cv;
    std::deque<event> events;
    std::int64_t ev_seq = 0;    // the newest event id
    std::int64_t run_base = 0;  // this run's ids are run_base + 1, + 2, ... (run x 2^32: they grow across restarts)
    bool streams_stopped = false;
    // metrics (under mu)
    std::uint64_t ticks = 0, tick_accounts = 0, writes = 0;
    std::map<std::string, std::uint64_t> event_counts;
    histogram tick_hist, compute_hist, persist_hist;
    tick_figures last;

    // --- the market an account sees (account.cpp) ----------------------------------------
    /// What every account's market shares: the timestamp used when it holds nothing with a
    /// snapshot (cash only), and the stable price.
    struct globals {
        std::int64_t timestamp = 0;
        margin::Wad stable_price = margin::Wad::from_int(1);
        std::optional<std::string> stable_json;
        /// Underlyings a tick did not move, derived again at its timestamp once for the book
        /// (apply_tick); view_of takes them where an account's view is at that timestamp.
        const snap_map* retimed = nullptr;
    };
    globals now() const { return {timestamp, stable_price, stable_json}; }
    struct view {
        margin::market_state market;
        bool derived_ok = true;  ///< every underlying snapshot validated at the view's timestamp
    };
    view view_of(const account_rec& a, const snap_map& u, const snap_map& c, const globals& g) const;
    json market_doc(const account_rec& a, const snap_map& u, const snap_map& c, const globals& g) const;
    /// The request the account is margined on: its text with the market of its symbols.
    std::string effective_text(const account_rec& a, const snap_map& u, const snap_map& c, const globals& g) const;
    /// effective_text on the book's own market (readers: under mu).
    std::string effective_text(const account_rec& a) const { return effective_text(a, unders, assets, now()); }
    /// One account's margin on a market.
    summary evaluate(const account_rec& a, const snap_map& u, const snap_map& c, std::int64_t tick_id, margin::scenario::value_cache* cache,
                     const globals& g) const;
    /// The accounts a book-level read selects (POST /risk, POST /stress): "accounts" (the
    /// listed ids in their order, each once), else "health" (a standing filter, by id), else
    /// every account. Under mu (shared). The refusal: BAD_ENUM /health, OUT_OF_RANGE /accounts
    /// (not an array of at most max_list), UNKNOWN_FIELD /health (both given), UNKNOWN_ACCOUNT
    /// /accounts/<i> (404), OUT_OF_RANGE "" (none selected).
    std::optional<answer> select(const json& doc, std::vector<std::pair<std::string, const account_rec*>>& out) const;
    static stored_result stored(const std::string& id, const summary& s);
    static json summary_json(const std::string& id, const summary& s);

    /// {"timestamp", "underlyings", "collateral", "stable_price"} -> snapshots validated at the
    /// timestamp; errors with the paths of `m` (the API's "/market" prefix replaced by `prefix`).
    struct decoded_market {
        std::int64_t timestamp = 0;
        snap_map unders, assets;
        std::optional<std::string> stable_json;
        margin::Wad stable_price;
    };
    static margin::outcome<decoded_market> decode_market(const json& m, const std::string& prefix, std::int64_t tick_id);

    /// A write decoded: a validated account record against a market (plus what it seeds).
    struct prepared {
        std::string id;
        rec_ptr rec;
        snap_map seeded_u, seeded_c;  ///< market pieces the request brought that the book lacked
        std::optional<std::int64_t> seeded_ts;
    };
    margin::outcome<prepared> prepare(const std::string& id, std::string_view body, const snap_map& u, const snap_map& c,
                                      std::int64_t fallback_ts) const;

    // --- the tick engine (tick.cpp) ------------------------------------------------------
    /// Decodes, re-margins the accounts the tick moves, persists, swaps in and publishes
    /// (the writer, under write_mu). `seq` > 0: the tick's stream position, kept with it.
    using replacements = std::vector<std::pair<std::string, std::string>>;
    /// `replace` (sync): accounts (id, request without market) replaced in the same tick.
    answer apply_tick(std::string_view body, std::int64_t seq, clk::time_point t0, const replacements* replace = nullptr);
    /// A tick's body decoded: its shape, then its market pieces validated at its timestamp.
    static margin::outcome<decoded_market> decode_tick(std::string_view body, std::int64_t id);

    // --- writes and the event window (book.cpp) ------------------------------------------
    /// One transaction: `batch` (store calls, false on a failure), then the commit. nullopt
    /// once committed; else the 500 answer, the transaction rolled back.
    std::optional<answer> persist(const std::function<bool(store&)>& batch);
    /// Swaps an account's record in (under mu, unique): the holder index and the event of
    /// its change of standing.
    void install(const std::string& id, rec_ptr rec, const char* cause, std::vector<event>& evs);
    /// The event of a change of standing, if it is one (no state touched: a tick's workers
    /// build their accounts' events beside computing them).
    static std::optional<event> event_of(const std::string& id, standing from, bool existed, const summary& now, const char* cause);
    /// Counts and queues an event (under mu; published after).
    void count_event(std::vector<event>& out, std::optional<event> e);
    /// An event when the standing changes (under mu; published after).
    void transition(std::vector<event>& out, const std::string& id, standing from, bool existed, const summary& now, const char* cause);
    void publish(std::vector<event>& evs);
    void index(const std::string& id, const account_rec& a, bool add);
};

}  // namespace service
