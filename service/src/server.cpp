// margin-serve's HTTP API over cpp-httplib (server.hpp, docs/service.md).
//
// Why cpp-httplib: Debian packages it (0.11.4), its server is a few calls (routes, a thread
// pool, payload cap, chunked responses for Server-Sent Events), and a blocking thread-per-
// request model suits a service whose requests are short reads or serialised writes.
// Boost.Beast would mean writing the connection handling, parsing loop and thread pool
// ourselves for no gain at this scale.
#include "service/server.hpp"

#include <httplib.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "core/limits.hpp"
#include "fanout.hpp"
#include "live_page.hpp"
#include "service/book.hpp"
#include "text.hpp"

namespace service {

namespace {

constexpr std::size_t max_streams = 64;           // concurrent /events clients (each holds a server thread)
constexpr std::size_t max_rate_clients = 10'000;  // addresses tracked by the rate limiter
constexpr int server_threads = max_streams + 16;

void send(httplib::Response& res, const answer& a) {
    res.status = a.status;
    res.set_content(a.body, "application/json");
}
void send_error(httplib::Response& res, int status, error_code c, std::string path, std::string msg) {
    send(res, {status, text::error_document(error{c, std::move(path), std::move(msg)})});
}

// A token bucket per client address: `rate` requests a second, bursts up to `burst`.
class limiter {
public:
    limiter(double rate, double burst) : rate_(rate), burst_(burst) {}
    bool allow(const std::string& who) {
        const auto now = std::chrono::steady_clock::now();
        std::lock_guard<std::mutex> g(mu_);
        if (buckets_.size() >= max_rate_clients && !buckets_.count(who)) buckets_.clear();  // bounded memory
        auto [it, fresh] = buckets_.try_emplace(who, bucket{burst_, now});
        bucket& b = it->second;
        if (!fresh) {
            b.tokens = std::min(burst_, b.tokens + rate_ * std::chrono::duration<double>(now - b.at).count());
            b.at = now;
        }
        if (b.tokens < 1) return false;
        b.tokens -= 1;
        return true;
    }

private:
    struct bucket {
        double tokens;
        std::chrono::steady_clock::time_point at;
    };
    double rate_, burst_;
    std::mutex mu_;
    std::map<std::string, bucket> buckets_;
};

// Compares without an early exit, so the time taken does not tell how much of a guess matched.
bool same(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    unsigned char d = 0;
    for (std::size_t i = 0; i < a.size(); ++i) d |= static_cast<unsigned char>(a[i] ^ b[i]);
    return d == 0;
}

struct http_figures {
    std::mutex mu;
    std::map<int, std::uint64_t> by_status;
    static constexpr double bounds[] = {0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5};
    std::uint64_t counts[std::size(bounds) + 1] = {};
    double sum = 0;
    void add(int status, double s) {
        std::lock_guard<std::mutex> g(mu);
        ++by_status[status];
        std::size_t i = 0;
        while (i < std::size(bounds) && s > bounds[i]) ++i;
        ++counts[i];
        sum += s;
    }
    std::string text() {
        std::lock_guard<std::mutex> g(mu);
        std::string out =
            "# HELP margin_http_requests_total HTTP requests answered, by status.\n# TYPE margin_http_requests_total counter\n";
        std::uint64_t n = 0;
        for (auto& [st, c] : by_status)
            out += "margin_http_requests_total{code=\"" + std::to_string(st) + "\"} " + std::to_string(c) + "\n";
        out +=
            "# HELP margin_http_request_seconds HTTP request latency (handler time; streams excluded).\n# TYPE margin_http_request_seconds "
            "histogram\n";
        char buf[128];
        for (std::size_t i = 0; i < std::size(bounds); ++i) {
            n += counts[i];
            std::snprintf(buf, sizeof buf, "margin_http_request_seconds_bucket{le=\"%g\"} %llu\n", bounds[i],
                          static_cast<unsigned long long>(n));
            out += buf;
        }
        n += counts[std::size(bounds)];
        std::snprintf(buf, sizeof buf,
                      "margin_http_request_seconds_bucket{le=\"+Inf\"} %llu\nmargin_http_request_seconds_sum "
                      "%.6f\nmargin_http_request_seconds_count %llu\n",
                      static_cast<unsigned long long>(n), sum, static_cast<unsigned long long>(n));
        out += buf;
        return out;
    }
};

thread_local std::chrono::steady_clock::time_point request_start;

using handler = std::function<void(const httplib::Request&, httplib::Response&)>;

// What the handlers work on (null when the table is only listed).
struct context {
    book* bk = nullptr;
    fanout* fo = nullptr;  // sharded: ticks go to the stream
    shard part;
    http_figures* figures = nullptr;
    std::atomic<std::size_t>* streams = nullptr;
};

// A handler for /accounts/{id}...: the id checked first.
handler with_id(std::function<answer(const std::string&, const httplib::Request&)> f) {
    return [f = std::move(f)](const httplib::Request& req, httplib::Response& res) {
        const std::string id = req.matches[1];
        if (!valid_account_id(id))
            return send_error(res, 400, error_code::BAD_ACCOUNT_ID, "", "an account id is 1-64 characters of A-Z a-z 0-9 _ . : -");
        send(res, f(id, req));
    };
}

handler events_handler(context& cx);

// The API: every route the server registers, in OpenAPI's form (service/openapi.json
// documents exactly these; tests/service/test_openapi.py checks it).
struct route {
    const char* method;
    const char* path;
    handler handle;
};
std::vector<route> api_routes(context& cx) {
    book*& bk = cx.bk;
    return {
        {"PUT", "/accounts/{id}",
         with_id([&bk](const std::string& id, const httplib::Request& req) { return bk->put_account(id, req.body); })},
        {"GET", "/accounts/{id}", with_id([&bk](const std::string& id, const httplib::Request&) { return bk->get_account(id); })},
        {"DELETE", "/accounts/{id}", with_id([&bk](const std::string& id, const httplib::Request&) { return bk->delete_account(id); })},
        {"GET", "/accounts/{id}/margin", with_id([&bk](const std::string& id, const httplib::Request&) { return bk->get_margin(id); })},
        {"GET", "/accounts/{id}/request", with_id([&bk](const std::string& id, const httplib::Request&) { return bk->get_request(id); })},
        {"GET", "/accounts/{id}/stress", with_id([&bk](const std::string& id, const httplib::Request& req) {
             return bk->account_stress(id, req.has_param("set") ? req.get_param_value("set") : "deribit", false);
         })},
        {"GET", "/accounts/{id}/reverse_stress",
         with_id([&bk](const std::string& id, const httplib::Request&) { return bk->account_stress(id, "", true); })},
        {"GET", "/accounts",
         [&bk](const httplib::Request& req, httplib::Response& res) {
             std::size_t limit_n = 1000;
             if (req.has_param("limit")) {
                 const std::string l = req.get_param_value("limit");
                 if (l.empty() || l.size() > 6 || l.find_first_not_of("0123456789") != std::string::npos || std::stoul(l) == 0 ||
                     std::stoul(l) > max_list)
                     return send_error(res, 400, error_code::OUT_OF_RANGE, "/limit", "limit is 1 to 100000");
                 limit_n = std::stoul(l);
             }
             send(res, bk->list(req.get_param_value("health"), req.get_param_value("after"), limit_n));
         }},
        {"POST", "/ticks",
         [&cx](const httplib::Request& req, httplib::Response& res) {
             send(res, cx.fo ? cx.fo->publish(req.body) : cx.bk->tick(req.body));
         }},
        {"POST", "/preview", [&bk](const httplib::Request& req, httplib::Response& res) { send(res, bk->preview(req.body)); }},
        {"POST", "/risk", [&bk](const httplib::Request& req, httplib::Response& res) { send(res, bk->risk(req.body)); }},
        {"POST", "/stress", [&bk](const httplib::Request& req, httplib::Response& res) { send(res, bk->stress(req.body)); }},
        {"GET", "/params", [&bk](const httplib::Request&, httplib::Response& res) { send(res, bk->params()); }},
        {"GET", "/market", [&bk](const httplib::Request&, httplib::Response& res) { send(res, bk->market()); }},
        {"GET", "/healthz",
         [&cx](const httplib::Request&, httplib::Response& res) {
             text::json j = {{"status", "ok"}, {"accounts", cx.bk->size()}, {"tick", cx.bk->tick_id()}};
             if (cx.fo) {
                 j["shard"] = {{"index", cx.part.index}, {"count", cx.part.count}};
                 j["stream_seq"] = cx.bk->stream_seq();
             }
             send(res, {200, text::dump(j)});
         }},
        {"GET", "/metrics",
         [&cx](const httplib::Request&, httplib::Response& res) {
             std::string t = cx.bk->metrics_text() + cx.figures->text();
             t += "# HELP margin_event_streams Open /events streams.\n# TYPE margin_event_streams gauge\nmargin_event_streams " +
                  std::to_string(cx.streams->load()) + "\n";
             res.set_content(t, "text/plain; version=0.0.4");
         }},
        {"GET", "/events", events_handler(cx)},
        {"GET", "/live",
         [](const httplib::Request&, httplib::Response& res) {
             // Same origin as the API it reads, so no CORS; the policy keeps the page from
             // loading or sending anything anywhere else (inline script and style are its own).
             res.set_header("Content-Security-Policy",
                            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
                            "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
             res.set_header("Cache-Control", "no-cache");
             res.set_header("X-Content-Type-Options", "nosniff");
             res.set_content(live_page_html(), "text/html; charset=utf-8");
         }},
    };
}

handler events_handler(context& cx) {
    return [&cx](const httplib::Request& req, httplib::Response& res) {
        book* bk = cx.bk;
        std::atomic<std::size_t>& streams = *cx.streams;
        // Resumption: Last-Event-ID (what EventSource sends on reconnect) or ?after=N; by
        // default the stream starts with the next event.
        std::int64_t after = bk->latest_seq();
        std::string from = req.get_header_value("Last-Event-ID");
        if (from.empty()) from = req.get_param_value("after");
        if (!from.empty()) {
            if (from.size() > 18 || from.find_first_not_of("0123456789") != std::string::npos)
                return send_error(res, 400, error_code::BAD_COUNT, "/after", "an event id is a whole number");
            after = std::stoll(from);
        }
        if (streams.fetch_add(1) >= max_streams) {
            streams.fetch_sub(1);
            return send_error(res, 429, error_code::RATE_LIMITED, "", "at most 64 open event streams");
        }
        auto cursor = std::make_shared<std::int64_t>(after);
        res.set_header("Cache-Control", "no-cache");
        res.set_chunked_content_provider(
            "text/event-stream",
            [bk, cursor](std::size_t, httplib::DataSink& sink) {
                bool lost = false;
                auto evs = bk->events_after(*cursor, 15000, lost);
                if (bk->stopping()) {
                    sink.done();
                    return false;
                }
                std::string out;
                if (lost)
                    out +=
                        "event: lost\ndata: {\"why\":\"events before these were dropped from the window, or sent by an earlier run of the "
                        "service\"}\n\n";
                for (const auto& e : evs) {
                    out += "id: " + std::to_string(e.seq) + "\nevent: " + e.type + "\ndata: " + e.text + "\n\n";
                    *cursor = e.seq;
                }
                if (out.empty()) out = ": keep-alive\n\n";
                return sink.write(out.data(), out.size());
            },
            [&streams](bool) { streams.fetch_sub(1); });
    };
}

// "/accounts/{id}/margin" -> the pattern cpp-httplib matches ({id}: one path segment).
std::string pattern(const char* path) {
    std::string p = path;
    if (auto at = p.find("{id}"); at != std::string::npos) p.replace(at, 4, "([^/]+)");
    return p;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> routes() {
    context none;
    std::vector<std::pair<std::string, std::string>> out;
    for (const route& r : api_routes(none)) out.emplace_back(r.method, r.path);
    return out;
}

int run(const options& opt) {
    // SIGTERM and SIGINT are taken by one thread (sigwait), blocked everywhere else: set
    // before any thread starts so that every thread inherits the mask.
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
    signal(SIGPIPE, SIG_IGN);  // a client that hung up is a failed write, not the end of the service

    auto opened = book::open(opt.db, opt.threads);
    if (!opened.ok()) {
        std::cerr << "margin-serve: " << opened.err->message << "\n";
        return 2;
    }
    std::unique_ptr<book> bk = std::move(opened.value);
    if (opt.part.count > 1 && opt.nats.empty()) {
        std::cerr << "margin-serve: a shard (--shard) takes its ticks from the stream: --nats URL\n";
        return 2;
    }
    bk->set_shard(opt.part);
    if (!opt.load.empty()) {
        const answer a = bk->load(opt.load);
        if (a.status != 200) {
            std::cerr << "margin-serve: loading " << opt.load << ": " << a.body << "\n";
            return 2;
        }
        std::cerr << "margin-serve: " << a.body << "\n";
    }

    httplib::Server srv;
    srv.new_task_queue = [] { return new httplib::ThreadPool(server_threads); };
    srv.set_payload_max_length(margin::limits::max_document_bytes);
    // Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm holds
    // the body back for the client's delayed ACK (about 40 ms per request on a kept-alive connection).
    srv.set_tcp_nodelay(true);
    srv.set_read_timeout(30, 0);
    srv.set_write_timeout(30, 0);
    limiter limit(opt.rate, opt.burst);
    http_figures figures;
    std::atomic<std::size_t> streams{0};

    srv.set_pre_routing_handler([&](const httplib::Request& req, httplib::Response& res) {
        request_start = std::chrono::steady_clock::now();
        if (!limit.allow(req.remote_addr)) {
            send_error(res, 429, error_code::RATE_LIMITED, "", "over the rate limit of this address; retry later");
            return httplib::Server::HandlerResponse::Handled;
        }
        const bool write = req.method == "PUT" || req.method == "DELETE" || (req.method == "POST" && req.path == "/ticks");
        if (write && !opt.no_auth) {
            const std::string h = req.get_header_value("Authorization");
            const std::string prefix = "Bearer ";
            if (opt.token.empty() || h.rfind(prefix, 0) != 0 || !same(h.substr(prefix.size()), opt.token)) {
                res.set_header("WWW-Authenticate", "Bearer");
                send_error(res, 401, error_code::UNAUTHORIZED, "", "writes need Authorization: Bearer <the service's token>");
                return httplib::Server::HandlerResponse::Handled;
            }
        }
        return httplib::Server::HandlerResponse::Unhandled;
    });
    srv.set_logger([&](const httplib::Request& req, const httplib::Response& res) {
        if (req.path == "/events") return;
        figures.add(res.status, std::chrono::duration<double>(std::chrono::steady_clock::now() - request_start).count());
    });
    srv.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        if (res.status == 404)
            send_error(res, 404, error_code::UNKNOWN_ROUTE, "", "no such path or method");
        else if (res.status == 413)
            send_error(res, 413, error_code::JSON_TOO_LARGE, "", "a request body over 16 MiB");
        else if (res.status == 405 || res.status == 400)
            send_error(res, res.status, error_code::UNKNOWN_ROUTE, "", "a request this API does not take");
        else
            send_error(res, res.status, error_code::INTERNAL_ERROR, "", "HTTP status " + std::to_string(res.status));
        return httplib::Server::HandlerResponse::Handled;
    }));

    context cx{bk.get(), nullptr, opt.part, &figures, &streams};
    std::unique_ptr<fanout> fo;
    if (!opt.nats.empty()) {
        fanout_options fopt;
        fopt.url = opt.nats;
        fopt.part = opt.part;
        auto started = fanout::start(fopt, *bk);
        if (!started.ok()) {
            std::cerr << "margin-serve: " << started.err->message << "\n";
            return 2;
        }
        fo = std::move(started.value);
        cx.fo = fo.get();
    }
    for (route& r : api_routes(cx)) {
        const std::string m = r.method, p = pattern(r.path);
        if (m == "GET") srv.Get(p, std::move(r.handle));
        if (m == "PUT") srv.Put(p, std::move(r.handle));
        if (m == "POST") srv.Post(p, std::move(r.handle));
        if (m == "DELETE") srv.Delete(p, std::move(r.handle));
    }

    std::atomic<bool> follower_failed{false};
    std::thread follow;
    if (opt.follower)
        follow = std::thread([&] {
            if (!opt.follower(*bk) && !bk->stopping()) {
                follower_failed = true;
                std::cerr << "margin-serve: the chain follower gave up; stopping\n";
                kill(getpid(), SIGTERM);  // the waiter below stops the server
            }
        });
    auto join_follower = [&] {
        bk->stop_streams();
        if (follow.joinable()) follow.join();
    };
    int port = opt.port;
    if (port == 0) {
        port = srv.bind_to_any_port(opt.host);
        if (port <= 0) {
            std::cerr << "margin-serve: cannot bind " << opt.host << "\n";
            join_follower();
            return 2;
        }
    } else if (!srv.bind_to_port(opt.host, port)) {
        std::cerr << "margin-serve: cannot bind " << opt.host << ":" << port << "\n";
        join_follower();
        return 2;
    }
    std::cout << "{\"listening\":" << port << ",\"host\":\"" << opt.host << "\",\"accounts\":" << bk->size() << "}" << std::endl;

    std::atomic<bool> signalled{false};
    std::thread waiter([&] {
        int sig = 0;
        sigwait(&sigs, &sig);
        signalled = true;
        // Graceful: streams end, the listener closes, requests in flight (a tick, a write)
        // finish and commit; then the book and its database close.
        bk->stop_streams();
        if (fo) fo->stop();
        srv.stop();
    });
    srv.listen_after_bind();
    if (!signalled) pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    join_follower();
    fo.reset();
    bk.reset();
    std::cerr << "margin-serve: stopped\n";
    return follower_failed ? 2 : 0;
}

}  // namespace service
