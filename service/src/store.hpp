// The book's durable form: one SQLite database in WAL mode (docs/service.md, "Storage").
// Every write batch (a PUT, a DELETE, a load, a tick with all its results) is one
// transaction, committed with synchronous=FULL before the service answers: an answered
// write survives a crash of the process or of the machine, an unanswered one is there in
// full or not at all. The schema is versioned: `schema_migrations` lists the migrations
// applied, and open() applies the missing ones in order, each in its own transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace service {

/// The schema version this build writes (the highest migration it knows).
inline constexpr int schema_version = 4;

struct stored_result {
    std::string account;
    std::int64_t tick = 0, timestamp = 0;
    std::string state, equity, initial_margin, maintenance_margin, free_collateral, health, error_code, margin_balance;
    bool liquidatable = false;
};

class store {
public:
    /// Opens (creating if absent) and migrates. Errors: INTERNAL_ERROR with SQLite's message.
    static margin::outcome<std::unique_ptr<store>> open(const std::string& path);
    ~store();
    store(const store&) = delete;
    store& operator=(const store&) = delete;

    // One transaction per write batch; every call below runs inside begin() .. commit().
    margin::outcome<bool> begin();
    margin::outcome<bool> commit();
    void rollback() noexcept;

    bool put_account(std::string_view id, std::string_view request);
    bool delete_account(std::string_view id);
    /// kind: "underlying" or "collateral"; "global" holds stable_price.
    bool put_snapshot(std::string_view kind, std::string_view symbol, std::string_view json, std::int64_t timestamp, std::int64_t tick);
    bool put_result(const stored_result& r);
    bool put_tick(std::int64_t id, std::int64_t timestamp, std::string_view body, std::int64_t accounts);
    /// The tick stream's position (NATS JetStream sequence) of the last tick applied or refused.
    bool put_stream_seq(std::int64_t seq);
    std::string last_error() const;

    // Loading (at open, outside writes).
    bool each_snapshot(const std::function<void(std::string_view kind, std::string_view symbol, std::string_view json,
                                                std::int64_t timestamp, std::int64_t tick)>& f);
    bool each_account(const std::function<void(std::string_view id, std::string_view request)>& f);
    bool each_result(const std::function<void(const stored_result&)>& f);
    std::int64_t last_tick();
    std::int64_t stream_seq();  ///< 0: no tick from a stream yet
    /// Records a start of the service (its own transaction) and returns its number: 1, 2, ...
    /// (0: a store failure).
    std::int64_t start_run();
    int version();

private:
    store() = default;
    bool exec(const char* sql);
    std::int64_t scalar(const char* sql);  ///< the first column of the first row (0: none)
    sqlite3_stmt* prepare(const char* sql);
    sqlite3* db_ = nullptr;
    sqlite3_stmt *put_account_ = nullptr, *delete_account_ = nullptr, *delete_result_ = nullptr, *put_snapshot_ = nullptr,
                 *put_result_ = nullptr, *put_tick_ = nullptr, *prune_ticks_ = nullptr, *put_stream_seq_ = nullptr;
};

}  // namespace service
