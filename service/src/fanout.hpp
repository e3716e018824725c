// Scale-out (docs/service.md, "Scale-out"): ticks fan out to every shard through a NATS
// JetStream stream. An instance publishes the ticks it is given (POST /ticks) to the stream;
// each instance applies every tick of the stream, in stream order, through its own durable
// consumer. A tick's stream position commits with the tick (book::tick), and the consumer
// is acknowledged after that commit: a shard killed anywhere resumes from its consumer, skips
// what it had already committed, and loses no tick.
//
// Built only with the C client (CMake option MARGIN_NATS); without it, start() refuses.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/error.hpp"
#include "service/book.hpp"
#include "service/shard.hpp"

namespace service {

/// Caps: a tick through the stream is at most NATS's default message payload.
inline constexpr std::size_t max_stream_tick_bytes = 1 << 20;

struct fanout_options {
    std::string url;                       ///< nats://127.0.0.1:4222
    std::string stream = "MARGIN_TICKS";   ///< the JetStream stream (created if absent: file storage)
    std::string subject = "margin.ticks";  ///< its subject
    shard part;                            ///< this instance (its durable consumer: shard-I-of-N)
};

/// Whether this build has the NATS client.
bool fanout_built() noexcept;

class fanout {
public:
    /// Connects, makes sure the stream and this shard's durable consumer exist, and starts
    /// applying the stream's ticks to `bk` on a thread of its own.
    static margin::outcome<std::unique_ptr<fanout>> start(const fanout_options& opt, book& bk);
    ~fanout();  ///< stops the consumer (the tick in flight finishes) and closes the connection
    fanout(const fanout&) = delete;
    fanout& operator=(const fanout&) = delete;

    /// Publishes a tick (checked as the book would check it) to the stream: 202 with its
    /// stream position once the stream has it on disk; 400 with the API's error; 413 over
    /// the cap; 503 STREAM_UNAVAILABLE.
    answer publish(std::string_view body);
    /// Stops consuming (graceful shutdown), idempotent.
    void stop();

    struct impl;

private:
    explicit fanout(std::unique_ptr<impl> p);
    std::unique_ptr<impl> p_;
};

}  // namespace service
