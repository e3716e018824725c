// SQLite behind the book (store.hpp). Prepared statements for the hot writes; a tick of
// 100,000 accounts is one transaction of 100,000 result upserts.
#include "store.hpp"

#include <sqlite3.h>

#include <iterator>

namespace service {

namespace {

// The migrations, in order: migration N brings the schema from version N-1 to N. Append
// only; a database at a higher version than this build knows is refused.
struct migration {
    int version;
    const char* description;
    const char* sql;
};
const migration migrations[] = {
    {1, "accounts, market snapshots, results, ticks",
     "CREATE TABLE accounts (id TEXT PRIMARY KEY, request TEXT NOT NULL) WITHOUT ROWID;"
     "CREATE TABLE market (kind TEXT NOT NULL, symbol TEXT NOT NULL, snapshot TEXT NOT NULL,"
     " timestamp INTEGER NOT NULL, tick INTEGER NOT NULL, PRIMARY KEY (kind, symbol)) WITHOUT ROWID;"
     "CREATE TABLE results (account TEXT PRIMARY KEY, tick INTEGER NOT NULL, timestamp INTEGER NOT NULL,"
     " state TEXT NOT NULL, equity TEXT, initial_margin TEXT, maintenance_margin TEXT, free_collateral TEXT,"
     " health TEXT, liquidatable INTEGER, error_code TEXT) WITHOUT ROWID;"
     "CREATE TABLE ticks (id INTEGER PRIMARY KEY, timestamp INTEGER NOT NULL, body TEXT NOT NULL,"
     " accounts INTEGER NOT NULL);"},
    {2, "the position in the tick stream (NATS JetStream) of the last tick applied",
     "CREATE TABLE stream_position (stream TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;"},
    {3, "one row per start of the service: its live-stream event ids are run x 2^32 + n, so they grow across restarts",
     "CREATE TABLE runs (run INTEGER PRIMARY KEY, started_at INTEGER NOT NULL);"},
    {4, "results keep the margin balance health is measured with (docs/api.md, Equity)",
     "ALTER TABLE results ADD COLUMN margin_balance TEXT;"},
};
static_assert(std::size(migrations) == schema_version, "schema_version is the last migration's");

}  // namespace

margin::outcome<std::unique_ptr<store>> store::open(const std::string& path) {
    using O = margin::outcome<std::unique_ptr<store>>;
    std::unique_ptr<store> s(new store());
    auto fail = [&](const std::string& what) {
        return O::failure(margin::error_code::INTERNAL_ERROR, "", "database " + path + ": " + what + ": " + s->last_error());
    };
    if (sqlite3_open_v2(path.c_str(), &s->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK)
        return fail("open");
    sqlite3_busy_timeout(s->db_, 5000);
    // WAL: readers (a test, an auditor's sqlite3) never block the writer; FULL: a commit is on
    // disk before the service answers, so an answered write survives a power cut, not only
    // a killed process.
    if (!s->exec("PRAGMA journal_mode=WAL;") || !s->exec("PRAGMA synchronous=FULL;")) return fail("pragmas");
    if (!s->exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL,"
                 " applied_at INTEGER NOT NULL)"))
        return fail("schema_migrations");
    const int have = s->version();
    if (have > schema_version)
        return O::failure(margin::error_code::UNSUPPORTED_VERSION, "",
                          "database " + path + " has schema version " + std::to_string(have) + ", this build knows up to " +
                              std::to_string(schema_version));
    for (const migration& m : migrations) {
        if (m.version <= have) continue;
        if (!s->exec("BEGIN IMMEDIATE") || !s->exec(m.sql)) {
            s->rollback();
            return fail("migration " + std::to_string(m.version));
        }
        sqlite3_stmt* st = s->prepare("INSERT INTO schema_migrations VALUES (?, ?, strftime('%s','now'))");
        sqlite3_bind_int(st, 1, m.version);
        sqlite3_bind_text(st, 2, m.description, -1, SQLITE_STATIC);
        const bool ok = st && sqlite3_step(st) == SQLITE_DONE;
        sqlite3_finalize(st);
        if (!ok || !s->exec("COMMIT")) {
            s->rollback();
            return fail("migration " + std::to_string(m.version));
        }
    }
    s->put_account_ = s->prepare("INSERT OR REPLACE INTO accounts VALUES (?, ?)");
    s->delete_account_ = s->prepare("DELETE FROM accounts WHERE id = ?");
    s->delete_result_ = s->prepare("DELETE FROM results WHERE account = ?");
    s->put_snapshot_ = s->prepare("INSERT OR REPLACE INTO market VALUES (?, ?, ?, ?, ?)");
    s->put_result_ = s->prepare("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    s->put_tick_ = s->prepare("INSERT INTO ticks VALUES (?, ?, ?, ?)");
    s->put_stream_seq_ = s->prepare("INSERT OR REPLACE INTO stream_position VALUES ('ticks', ?)");
    // The tick log is for audit and debugging, not recovery (the market table is the state):
    // the last 10,000 ticks are kept.
    s->prune_ticks_ = s->prepare("DELETE FROM ticks WHERE id <= ?");
    if (!s->put_account_ || !s->delete_account_ || !s->delete_result_ || !s->put_snapshot_ || !s->put_result_ || !s->put_tick_ ||
        !s->prune_ticks_ || !s->put_stream_seq_)
        return fail("statements");
    return {std::move(s), std::nullopt};
}

store::~store() {
    for (sqlite3_stmt* st :
         {put_account_, delete_account_, delete_result_, put_snapshot_, put_result_, put_tick_, prune_ticks_, put_stream_seq_})
        sqlite3_finalize(st);
    if (db_) sqlite3_close(db_);
}

std::string store::last_error() const { return db_ ? sqlite3_errmsg(db_) : "no database"; }

bool store::exec(const char* sql) { return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }

sqlite3_stmt* store::prepare(const char* sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &st, nullptr) != SQLITE_OK) return nullptr;
    return st;
}

namespace {
bool run(sqlite3_stmt* st) {
    const int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE;
}
void text(sqlite3_stmt* st, int i, std::string_view s) { sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC); }
std::string column(sqlite3_stmt* st, int i) {
    const auto* p = sqlite3_column_text(st, i);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(st, i))) : std::string();
}
}  // namespace

margin::outcome<bool> store::begin() {
    if (exec("BEGIN IMMEDIATE")) return {true, std::nullopt};
    return margin::outcome<bool>::failure(margin::error_code::INTERNAL_ERROR, "", "database: begin: " + last_error());
}
margin::outcome<bool> store::commit() {
    if (exec("COMMIT")) return {true, std::nullopt};
    std::string msg = last_error();
    rollback();
    return margin::outcome<bool>::failure(margin::error_code::INTERNAL_ERROR, "", "database: commit: " + msg);
}
void store::rollback() noexcept { sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr); }

bool store::put_account(std::string_view id, std::string_view request) {
    text(put_account_, 1, id);
    text(put_account_, 2, request);
    return run(put_account_);
}
bool store::delete_account(std::string_view id) {
    text(delete_account_, 1, id);
    text(delete_result_, 1, id);
    return run(delete_account_) && run(delete_result_);
}
bool store::put_snapshot(std::string_view kind, std::string_view symbol, std::string_view json, std::int64_t timestamp, std::int64_t tick) {
    text(put_snapshot_, 1, kind);
    text(put_snapshot_, 2, symbol);
    text(put_snapshot_, 3, json);
    sqlite3_bind_int64(put_snapshot_, 4, timestamp);
    sqlite3_bind_int64(put_snapshot_, 5, tick);
    return run(put_snapshot_);
}
bool store::put_result(const stored_result& r) {
    sqlite3_stmt* st = put_result_;
    text(st, 1, r.account);
    sqlite3_bind_int64(st, 2, r.tick);
    sqlite3_bind_int64(st, 3, r.timestamp);
    text(st, 4, r.state);
    if (r.error_code.empty()) {
        text(st, 5, r.equity);
        text(st, 6, r.initial_margin);
        text(st, 7, r.maintenance_margin);
        text(st, 8, r.free_collateral);
        text(st, 9, r.health);
        sqlite3_bind_int(st, 10, r.liquidatable ? 1 : 0);
        text(st, 12, r.margin_balance);
    } else {
        text(st, 11, r.error_code);
    }
    return run(st);
}
bool store::put_tick(std::int64_t id, std::int64_t timestamp, std::string_view body, std::int64_t accounts) {
    sqlite3_bind_int64(put_tick_, 1, id);
    sqlite3_bind_int64(put_tick_, 2, timestamp);
    text(put_tick_, 3, body);
    sqlite3_bind_int64(put_tick_, 4, accounts);
    sqlite3_bind_int64(prune_ticks_, 1, id - 10'000);
    return run(put_tick_) && run(prune_ticks_);
}
bool store::put_stream_seq(std::int64_t seq) {
    sqlite3_bind_int64(put_stream_seq_, 1, seq);
    return run(put_stream_seq_);
}

bool store::each_snapshot(const std::function<void(std::string_view, std::string_view, std::string_view, std::int64_t, std::int64_t)>& f) {
    sqlite3_stmt* st = prepare("SELECT kind, symbol, snapshot, timestamp, tick FROM market ORDER BY kind, symbol");
    if (!st) return false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        f(column(st, 0), column(st, 1), column(st, 2), sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE;
}
bool store::each_account(const std::function<void(std::string_view, std::string_view)>& f) {
    sqlite3_stmt* st = prepare("SELECT id, request FROM accounts ORDER BY id");
    if (!st) return false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) f(column(st, 0), column(st, 1));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE;
}
bool store::each_result(const std::function<void(const stored_result&)>& f) {
    sqlite3_stmt* st = prepare("SELECT * FROM results ORDER BY account");
    if (!st) return false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        stored_result r;
        r.account = column(st, 0);
        r.tick = sqlite3_column_int64(st, 1);
        r.timestamp = sqlite3_column_int64(st, 2);
        r.state = column(st, 3);
        r.equity = column(st, 4);
        r.initial_margin = column(st, 5);
        r.maintenance_margin = column(st, 6);
        r.free_collateral = column(st, 7);
        r.health = column(st, 8);
        r.liquidatable = sqlite3_column_int(st, 9) != 0;
        r.error_code = column(st, 10);
        r.margin_balance = column(st, 11);
        f(r);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE;
}
std::int64_t store::scalar(const char* sql) {
    sqlite3_stmt* st = prepare(sql);
    std::int64_t v = 0;
    if (st && sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}
std::int64_t store::last_tick() {
    return scalar("SELECT max(m) FROM (SELECT max(id) AS m FROM ticks UNION ALL SELECT max(tick) FROM market)");
}
std::int64_t store::stream_seq() { return scalar("SELECT seq FROM stream_position WHERE stream = 'ticks'"); }
std::int64_t store::start_run() {
    if (!exec("INSERT INTO runs (started_at) VALUES (strftime('%s','now'))")) return 0;
    return sqlite3_last_insert_rowid(db_);
}
int store::version() { return static_cast<int>(scalar("SELECT max(version) FROM schema_migrations")); }

}  // namespace service
