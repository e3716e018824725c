// The book's life and its writes (book.hpp, book_state.hpp): open, PUT, DELETE, load, each one
// transaction committed before anything of it is visible; the event window of the live stream.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "book_state.hpp"

namespace service {

std::string_view name(standing s) noexcept {
    switch (s) {
        case standing::ok: return "ok";
        case standing::below_im: return "below_im";
        case standing::below_mm: return "below_mm";
        case standing::error: return "error";
    }
    return "error";
}

bool valid_account_id(std::string_view id) noexcept {
    if (id.empty() || id.size() > max_account_id) return false;
    for (char c : id) {
        const bool ok =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' || c == '-';
        if (!ok) return false;
    }
    return true;
}

namespace {
std::int64_t unix_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}
}  // namespace

bool put_snapshots(store& db, const snap_map& unders, const snap_map& assets) {
    bool ok = true;
    for (auto& [k, v] : unders) ok = ok && db.put_snapshot("underlying", k, v->json, v->timestamp, v->tick);
    for (auto& [k, v] : assets) ok = ok && db.put_snapshot("collateral", k, v->json, v->timestamp, v->tick);
    return ok;
}

void on_threads(unsigned n, const std::function<void()>& work) {
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < n; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
}

// --- one transaction per write; swapping records in; the event window ------------------

std::optional<answer> book::state::persist(const std::function<bool(store&)>& batch) {
    if (auto b = db->begin(); !b.ok()) return fail(500, *b.err);
    if (!batch(*db)) {
        const std::string msg = db->last_error();
        db->rollback();
        return fail(500, error_code::INTERNAL_ERROR, "", "database: " + msg);
    }
    if (auto cm = db->commit(); !cm.ok()) return fail(500, *cm.err);
    return std::nullopt;
}

void book::state::install(const std::string& id, rec_ptr rec, const char* cause, std::vector<event>& evs) {
    auto it = accounts.find(id);
    const bool existed = it != accounts.end();
    standing from = standing::ok;
    if (existed) {
        from = it->second->last.state;
        index(id, *it->second, false);
    }
    index(id, *rec, true);
    const summary& now = rec->last;
    accounts[id] = std::move(rec);
    transition(evs, id, from, existed, now, cause);
}

std::optional<event> book::state::event_of(const std::string& id, standing from, bool existed, const summary& now, const char* cause) {
    if (existed ? from == now.state : now.state == standing::ok) return std::nullopt;
    const char* type = now.state == standing::ok         ? "recovery"
                       : now.state == standing::below_im ? "margin_call"
                       : now.state == standing::below_mm ? "liquidation_warning"
                                                         : "error";
    json j;
    j["type"] = type;
    j["account"] = id;
    j["tick"] = now.tick;
    j["cause"] = cause;
    j["from"] = existed ? std::string(name(from)) : std::string("new");
    j["to"] = std::string(name(now.state));
    json sj = summary_json(id, now);
    sj.erase("id");
    sj.erase("tick");
    sj.erase("state");
    for (auto& [k, v] : sj.items()) j[k] = v;
    j["at_ms"] = unix_ms();  // wall clock, for tick-to-event latency; not part of any result
    return event{0, type, text::dump(j)};
}

void book::state::count_event(std::vector<event>& out, std::optional<event> e) {
    if (!e) return;
    ++event_counts[e->type];
    out.push_back(std::move(*e));
}

void book::state::transition(std::vector<event>& out, const std::string& id, standing from, bool existed, const summary& now,
                             const char* cause) {
    count_event(out, event_of(id, from, existed, now, cause));
}

void book::state::publish(std::vector<event>& evs) {
    if (evs.empty()) return;
    {
        std::lock_guard<std::mutex> g(ev_mu);
        for (auto& e : evs) {
            e.seq = ++ev_seq;
            events.push_back(std::move(e));
            if (events.size() > max_recent_events) events.pop_front();
        }
    }
    ev_cv.notify_all();
}

void book::state::index(const std::string& id, const account_rec& a, bool add) {
    for (const auto& d : a.deps) {
        if (add) {
            holders[d].insert(id);
        } else if (auto it = holders.find(d); it != holders.end()) {
            it->second.erase(id);
            if (it->second.empty()) holders.erase(it);
        }
    }
}

// --- the book's life ---------------------------------------------------------------

book::~book() { stop_streams(); }

margin::outcome<std::unique_ptr<book>> book::open(const std::string& db_path, unsigned threads) {
    using O = margin::outcome<std::unique_ptr<book>>;
    auto db = store::open(db_path);
    if (!db.ok()) return O::failure(*db.err);
    std::unique_ptr<book> b(new book());
    b->s_ = std::make_unique<state>();
    state& s = *b->s_;
    s.db = std::move(db.value);
    s.threads = threads ? threads : std::max(1u, std::thread::hardware_concurrency());
    s.tick = s.db->last_tick();
    s.stream_seq = s.db->stream_seq();
    // Event ids grow across restarts: run r numbers its events r x 2^32 + 1, + 2, ... (below
    // 2^52 for a million runs, so a browser's JavaScript number holds one exactly), and a client
    // resuming with an id of an earlier run gets every event of this one.
    const std::int64_t run = s.db->start_run();
    if (run <= 0 || run >= (std::int64_t{1} << 20))
        return O::failure(error_code::OUT_OF_RANGE, "", "database " + db_path + ": cannot number this run (" + std::to_string(run) + ")");
    s.run_base = s.ev_seq = run << 32;
    std::optional<error> bad;
    s.db->each_snapshot([&](std::string_view kind, std::string_view sym, std::string_view js, std::int64_t ts, std::int64_t tk) {
        if (bad) return;
        s.timestamp = std::max(s.timestamp, ts);
        json m = {{"timestamp", std::to_string(ts)}};
        if (kind == "global") {
            m["stable_price"] = json::parse(js);
        } else {
            m[kind == "underlying" ? "underlyings" : "collateral"] = {{std::string(sym), json::parse(js)}};
        }
        auto dm = state::decode_market(m, "/market", tk);
        if (!dm.ok()) {
            bad = *dm.err;
            return;
        }
        if (kind == "global") {
            s.stable_json = std::string(js);
            s.stable_price = dm.value.stable_price;
        }
        for (auto& [k, v] : dm.value.unders) s.unders[k] = v;
        for (auto& [k, v] : dm.value.assets) s.assets[k] = v;
    });
    if (bad) return O::failure(error_code::INTERNAL_ERROR, "", "a stored market snapshot no longer decodes: " + bad->message);
    std::vector<std::pair<std::string, std::string>> stored;
    s.db->each_account([&](std::string_view id, std::string_view t) { stored.emplace_back(id, t); });
    for (auto& [id, t] : stored) {
        auto p = s.prepare(id, t, s.unders, s.assets, s.timestamp);
        rec_ptr rec;
        if (p.ok()) {
            rec = p.value.rec;
        } else {  // kept, in error, and retried the long way at each tick that touches it
            rec = std::make_shared<account_rec>();
            rec->text = t;
        }
        s.accounts[id] = rec;
        s.index(id, *rec, true);
    }
    // Every account re-margined on the loaded market: the same figures as stored, since the
    // stored ones were computed on this market (a tick's results commit with its snapshots).
    for (auto& [id, rec] : s.accounts) {
        margin::scenario::value_cache cache;
        rec->last = s.evaluate(*rec, s.unders, s.assets, s.tick, &cache, s.now());
    }
    std::map<std::string, stored_result> results;
    s.db->each_result([&](const stored_result& r) { results[r.account] = r; });
    for (auto& [id, rec] : s.accounts)
        if (auto it = results.find(id); it != results.end()) rec->last.tick = it->second.tick;
    return {std::move(b), std::nullopt};
}

std::size_t book::size() const {
    std::shared_lock g(s_->mu);
    return s_->accounts.size();
}
tick_figures book::last_tick() const {
    std::shared_lock g(s_->mu);
    return s_->last;
}
std::int64_t book::tick_id() const {
    std::shared_lock g(s_->mu);
    return s_->tick;
}
std::int64_t book::stream_seq() const {
    std::shared_lock g(s_->mu);
    return s_->stream_seq;
}
void book::set_shard(shard part) {
    std::lock_guard<std::mutex> w(s_->write_mu);
    s_->part = part;
}

// --- writes ------------------------------------------------------------------------

answer book::put_account(const std::string& id, std::string_view body) {
    state& s = *s_;
    if (!valid_account_id(id)) return fail(400, error_code::BAD_ACCOUNT_ID, "", "an account id is 1-64 characters of A-Z a-z 0-9 _ . : -");
    std::lock_guard<std::mutex> w(s.write_mu);
    if (!holds(s.part, id))
        return fail(421, error_code::WRONG_SHARD, "",
                    "account \"" + id + "\" is held by shard " + std::to_string(shard_of(id, s.part.count)) + " of " +
                        std::to_string(s.part.count));
    auto p = s.prepare(id, body, s.unders, s.assets, s.timestamp);
    if (!p.ok()) return fail(400, *p.err);
    const bool existed = s.accounts.count(id) > 0;
    if (!existed && s.accounts.size() >= max_accounts) return fail(400, error_code::OUT_OF_RANGE, "", "the book holds 1000000 accounts");
    snap_map u = s.unders, c = s.assets;
    for (auto& [k, v] : p.value.seeded_u) u[k] = v;
    for (auto& [k, v] : p.value.seeded_c) c[k] = v;
    margin::scenario::value_cache cache;
    account_rec& rec = *p.value.rec;
    state::globals g = s.now();
    if (!g.timestamp) g.timestamp = *p.value.seeded_ts;
    rec.last = s.evaluate(rec, u, c, s.tick, &cache, g);
    if (auto f = s.persist([&](store& db) {
            return db.put_account(id, rec.text) && put_snapshots(db, p.value.seeded_u, p.value.seeded_c) &&
                   db.put_result(state::stored(id, rec.last));
        }))
        return *f;
    std::vector<event> evs;
    {
        std::unique_lock lk(s.mu);
        s.unders = std::move(u);
        s.assets = std::move(c);
        if (p.value.seeded_ts && s.timestamp == 0) s.timestamp = *p.value.seeded_ts;
        s.install(id, p.value.rec, "put", evs);
        ++s.writes;
    }
    s.publish(evs);
    json j = state::summary_json(id, rec.last);
    return {existed ? 200 : 201, text::dump(j)};
}

answer book::delete_account(const std::string& id) {
    state& s = *s_;
    std::lock_guard<std::mutex> w(s.write_mu);
    if (!s.accounts.count(id)) return no_account(id);
    if (auto f = s.persist([&](store& db) { return db.delete_account(id); })) return *f;
    std::unique_lock g(s.mu);
    s.index(id, *s.accounts[id], false);
    s.accounts.erase(id);
    ++s.writes;
    return {200, text::dump(json{{"id", id}, {"deleted", true}})};
}

namespace {
// A book's requests as (id, body): a directory of *.json requests (id: the file name without
// .json) or a JSONL file (id: the line number, or {"id", "request"} lines).
margin::outcome<std::vector<std::pair<std::string, std::string>>> read_book(const std::string& path) {
    using O = margin::outcome<std::vector<std::pair<std::string, std::string>>>;
    namespace fs = std::filesystem;
    std::vector<std::pair<std::string, std::string>> items;
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        std::vector<fs::path> files;
        for (const auto& e : fs::directory_iterator(path, ec))
            if (e.path().extension() == ".json") files.push_back(e.path());
        std::sort(files.begin(), files.end());
        for (const auto& f : files) {
            std::ifstream in(f, std::ios::binary);
            if (!in) return O::failure(error_code::NOT_FOUND, "", "cannot read " + f.string());
            items.emplace_back(f.stem().string(), std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
        }
        return {std::move(items), std::nullopt};
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return O::failure(error_code::NOT_FOUND, "", "cannot read " + path);
    std::string line;
    std::size_t n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        auto doc = text::parse(line);
        if (doc.ok() && doc.value.is_object() && doc.value.size() == 2 && doc.value.contains("id") && doc.value.contains("request") &&
            doc.value["id"].is_string())
            items.emplace_back(doc.value["id"].get<std::string>(), text::dump(doc.value["request"]));
        else
            items.emplace_back(std::to_string(n), std::move(line));
    }
    return {std::move(items), std::nullopt};
}
}  // namespace

answer book::load(const std::string& path) {
    state& s = *s_;
    auto read = read_book(path);
    if (!read.ok()) return fail(400, *read.err);
    const auto& items = read.value;
    std::lock_guard<std::mutex> w(s.write_mu);
    snap_map u = s.unders, c = s.assets;
    std::int64_t ts = s.timestamp;
    std::vector<std::pair<std::string, rec_ptr>> recs;
    std::map<std::string, std::size_t> seen;
    snap_map seeded_u, seeded_c;
    // Requests that carry a market seed the book's in file order (the first to list a symbol
    // wins), one after the other; the rest are decoded on every core against the seeded market.
    std::vector<std::optional<margin::outcome<state::prepared>>> prepared(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        const auto& [id, body] = items[i];
        if (!valid_account_id(id)) return fail(400, error_code::BAD_ACCOUNT_ID, "", "account id \"" + id + "\" from " + path);
        if (body.find("\"market\"") == std::string::npos) continue;
        auto p = s.prepare(id, body, u, c, ts);
        if (p.ok()) {
            for (auto& [k, v] : p.value.seeded_u) u[k] = v, seeded_u[k] = v;
            for (auto& [k, v] : p.value.seeded_c) c[k] = v, seeded_c[k] = v;
            if (p.value.seeded_ts && ts == 0) ts = *p.value.seeded_ts;
        }
        prepared[i] = std::move(p);
    }
    {
        std::atomic<std::size_t> next{0};
        on_threads(s.threads, [&] {
            for (std::size_t i; (i = next.fetch_add(1)) < items.size();)
                if (!prepared[i] && holds(s.part, items[i].first)) prepared[i] = s.prepare(items[i].first, items[i].second, u, c, ts);
        });
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
        const std::string& id = items[i].first;
        if (!prepared[i]) continue;  // another shard's, without a market
        auto& p = *prepared[i];
        if (!p.ok()) {
            error e = *p.err;
            e.message = "account " + id + ": " + e.message;
            return fail(400, e);
        }
        if (!holds(s.part, id)) continue;  // another shard's: its market seeded the book's
        if (seen.count(id))
            recs[seen[id]].second = p.value.rec;
        else {
            seen[id] = recs.size();
            recs.emplace_back(id, p.value.rec);
        }
    }
    std::size_t total = s.accounts.size();
    for (auto& [id, r] : recs) total += s.accounts.count(id) ? 0 : 1;
    if (total > max_accounts) return fail(400, error_code::OUT_OF_RANGE, "", "the book would hold more than 1000000 accounts");
    {
        std::atomic<std::size_t> next{0};
        on_threads(s.threads, [&] {
            std::map<std::string, std::unique_ptr<margin::scenario::value_cache>> caches;
            for (std::size_t i; (i = next.fetch_add(1)) < recs.size();) {
                auto& cache = caches[recs[i].second->params];
                if (!cache) cache = std::make_unique<margin::scenario::value_cache>();
                recs[i].second->last = s.evaluate(*recs[i].second, u, c, s.tick, cache.get(), {ts, s.stable_price, s.stable_json});
            }
        });
    }
    if (auto f = s.persist([&](store& db) {
            bool ok = put_snapshots(db, seeded_u, seeded_c);
            for (auto& [id, r] : recs) ok = ok && db.put_account(id, r->text) && db.put_result(state::stored(id, r->last));
            return ok;
        }))
        return *f;
    std::vector<event> evs;
    {
        std::unique_lock g(s.mu);
        s.unders = std::move(u);
        s.assets = std::move(c);
        s.timestamp = ts;
        for (auto& [id, r] : recs) s.install(id, r, "load", evs);
        ++s.writes;
    }
    s.publish(evs);
    return {200, text::dump(json{{"loaded", recs.size()}, {"accounts", size()}})};
}

// --- the event window --------------------------------------------------------------

std::vector<event> book::events_after(std::int64_t after_seq, int wait_ms, bool& lost) const {
    state& s = *s_;
    std::unique_lock<std::mutex> g(s.ev_mu);
    auto ready = [&] { return s.streams_stopped || s.ev_seq > std::max(after_seq, s.run_base); };
    if (!ready()) s.ev_cv.wait_for(g, std::chrono::milliseconds(wait_ms), ready);
    std::vector<event> out;
    lost = false;
    if (s.streams_stopped) return out;
    // lost: this run's window dropped events after after_seq, or after_seq is an earlier run's
    // (whatever that run sent after it is gone with it); 0 asks for the whole window
    if (!s.events.empty() && after_seq < s.ev_seq &&
        (s.events.front().seq > std::max(after_seq, s.run_base) + 1 || (after_seq > 0 && after_seq < s.run_base)))
        lost = true;
    for (auto it = s.events.rbegin(); it != s.events.rend() && it->seq > after_seq; ++it) out.push_back(*it);
    std::reverse(out.begin(), out.end());
    return out;
}

void book::stop_streams() {
    stopping_ = true;
    if (!s_) return;
    {
        std::lock_guard<std::mutex> g(s_->ev_mu);
        s_->streams_stopped = true;
    }
    s_->ev_cv.notify_all();
}

std::int64_t book::latest_seq() const {
    std::lock_guard<std::mutex> g(s_->ev_mu);
    return s_->ev_seq;
}

}  // namespace service
