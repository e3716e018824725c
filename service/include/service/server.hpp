// margin-serve's HTTP side (docs/service.md): the routes over a `book`, bearer-token checks
// for writes, the request-size and rate limits, the /events stream, and a graceful stop.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "service/shard.hpp"

namespace service {

class book;

struct options {
    std::string db = "margin-serve.db";
    std::string host = "127.0.0.1";  ///< loopback unless told otherwise
    int port = 8080;                 ///< 0: any free port (printed on stdout as {"listening": port})
    std::string token;               ///< bearer token for writes ("" and !no_auth: writes refused)
    bool no_auth = false;            ///< writes without a token (tests and local demos only)
    unsigned threads = 0;            ///< tick workers: 0 = every core
    double rate = 1000;              ///< requests per second per client address (token bucket)
    double burst = 2000;             ///< the bucket's size
    std::string load;                ///< a directory or JSONL book loaded before listening
    std::string nats;                ///< sharded: the NATS server ticks fan out through ("" = none)
    shard part;                      ///< this instance's shard (count 1: the whole book)
    /// Run on a thread of its own beside the server (after --load, before listening) until it
    /// returns; it should return soon after book::stopping() (SIGTERM): margin-serve's chain
    /// follower (apps/serve_chain.cpp). Returns false when it gave up (the service then stops, status 2).
    std::function<bool(book&)> follower;
};

/// Runs until SIGTERM or SIGINT: exit status 0 after a clean stop, 2 on a start-up failure
/// (message on stderr).
int run(const options& opt);

/// The routes the server registers: (method, path in OpenAPI's form, {id} an account id).
std::vector<std::pair<std::string, std::string>> routes();

}  // namespace service
