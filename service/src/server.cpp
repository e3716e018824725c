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

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "core/limits.hpp"
#include "service/book.hpp"
#include "service/store.hpp"
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

}  // namespace

int run(const options& opt) {
    // SIGTERM and SIGINT are taken by one thread (sigwait), blocked everywhere else: set
    // before any thread starts so that every thread inherits the mask.
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
    signal(SIGPIPE, SIG_IGN);  // a client that hung up is a failed write, not the end of the service

    auto db = store::open(opt.db);
    if (!db.ok()) {
        std::cerr << "margin-serve: " << db.err->message << "\n";
        return 2;
    }
    auto opened = book::open(std::move(db.value), opt.threads);
    if (!opened.ok()) {
        std::cerr << "margin-serve: " << opened.err->message << "\n";
        return 2;
    }
    std::unique_ptr<book> bk = std::move(opened.value);
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

    const std::string id_re = "([A-Za-z0-9_.:-]{1,64})";
    srv.Put("/accounts/" + id_re,
            [&](const httplib::Request& req, httplib::Response& res) { send(res, bk->put_account(req.matches[1], req.body)); });
    srv.Get("/accounts/" + id_re, [&](const httplib::Request& req, httplib::Response& res) { send(res, bk->get_account(req.matches[1])); });
    srv.Delete("/accounts/" + id_re,
               [&](const httplib::Request& req, httplib::Response& res) { send(res, bk->delete_account(req.matches[1])); });
    srv.Get("/accounts/" + id_re + "/margin",
            [&](const httplib::Request& req, httplib::Response& res) { send(res, bk->get_margin(req.matches[1])); });
    srv.Get("/accounts/" + id_re + "/request",
            [&](const httplib::Request& req, httplib::Response& res) { send(res, bk->get_request(req.matches[1])); });
    srv.Get("/accounts/([^/]*)(/.*)?", [&](const httplib::Request&, httplib::Response& res) {
        send_error(res, 400, error_code::BAD_ACCOUNT_ID, "", "an account id is 1-64 characters of A-Z a-z 0-9 _ . : -");
    });
    srv.Put("/accounts/([^/]*)", [&](const httplib::Request&, httplib::Response& res) {
        send_error(res, 400, error_code::BAD_ACCOUNT_ID, "", "an account id is 1-64 characters of A-Z a-z 0-9 _ . : -");
    });
    srv.Get("/accounts", [&](const httplib::Request& req, httplib::Response& res) {
        std::size_t limit_n = 1000;
        if (req.has_param("limit")) {
            const std::string l = req.get_param_value("limit");
            if (l.empty() || l.size() > 6 || l.find_first_not_of("0123456789") != std::string::npos || std::stoul(l) == 0 ||
                std::stoul(l) > max_list)
                return send_error(res, 400, error_code::OUT_OF_RANGE, "/limit", "limit is 1 to 100000");
            limit_n = std::stoul(l);
        }
        send(res, bk->list(req.get_param_value("health"), req.get_param_value("after"), limit_n));
    });
    srv.Post("/ticks", [&](const httplib::Request& req, httplib::Response& res) { send(res, bk->tick(req.body)); });
    srv.Post("/preview", [&](const httplib::Request& req, httplib::Response& res) { send(res, bk->preview(req.body)); });
    srv.Get("/params", [&](const httplib::Request&, httplib::Response& res) { send(res, bk->params()); });
    srv.Get("/market", [&](const httplib::Request&, httplib::Response& res) { send(res, bk->market()); });
    srv.Get("/healthz", [&](const httplib::Request&, httplib::Response& res) {
        send(res, {200, text::dump(text::json{{"status", "ok"}, {"accounts", bk->size()}, {"tick", bk->last_tick().tick}})});
    });
    srv.Get("/metrics", [&](const httplib::Request&, httplib::Response& res) {
        std::string t = bk->metrics_text() + figures.text();
        t += "# HELP margin_event_streams Open /events streams.\n# TYPE margin_event_streams gauge\nmargin_event_streams " +
             std::to_string(streams.load()) + "\n";
        res.set_content(t, "text/plain; version=0.0.4");
    });
    srv.Get("/events", [&](const httplib::Request& req, httplib::Response& res) {
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
            [&bk, cursor](std::size_t, httplib::DataSink& sink) {
                bool lost = false;
                auto evs = bk->events_after(*cursor, 15000, lost);
                if (bk->stopping()) {
                    sink.done();
                    return false;
                }
                std::string out;
                if (lost) out += "event: lost\ndata: {\"why\":\"events before these were dropped from the window\"}\n\n";
                for (const auto& e : evs) {
                    out += "id: " + std::to_string(e.seq) + "\nevent: " + e.type + "\ndata: " + e.text + "\n\n";
                    *cursor = e.seq;
                }
                if (out.empty()) out = ": keep-alive\n\n";
                return sink.write(out.data(), out.size());
            },
            [&streams](bool) { streams.fetch_sub(1); });
    });

    int port = opt.port;
    if (port == 0) {
        port = srv.bind_to_any_port(opt.host);
        if (port <= 0) {
            std::cerr << "margin-serve: cannot bind " << opt.host << "\n";
            return 2;
        }
    } else if (!srv.bind_to_port(opt.host, port)) {
        std::cerr << "margin-serve: cannot bind " << opt.host << ":" << port << "\n";
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
        srv.stop();
    });
    srv.listen_after_bind();
    if (!signalled) pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    bk.reset();
    std::cerr << "margin-serve: stopped\n";
    return 0;
}

}  // namespace service
