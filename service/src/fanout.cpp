// Ticks through NATS JetStream to every shard (fanout.hpp, docs/service.md "Scale-out").
//
// The consumer is durable (shard-I-of-N), pull-based, explicitly acknowledged, with at most
// one message unacknowledged (MaxAckPending 1): the stream hands a shard its ticks strictly in
// order, and the next one only after the previous one's acknowledgement. A tick is
// acknowledged after book::tick committed it together with its stream position. A shard
// killed after the commit and before the acknowledgement gets the tick again (after AckWait)
// and book::tick answers it as a duplicate; killed before the commit, it applies it then.
#include "fanout.hpp"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "book_state.hpp"

#ifdef MARGIN_SERVICE_NATS
#include <nats/nats.h>
#endif

namespace service {

#ifdef MARGIN_SERVICE_NATS

namespace {
constexpr std::int64_t ack_wait_ms = 2000;  // a killed shard's unacknowledged tick comes back after this
constexpr int fetch_wait_ms = 500;          // a stop is noticed within this

std::string nats_text(natsStatus st, jsErrCode jerr) {
    std::string t = natsStatus_GetText(st);
    if (jerr) t += " (JetStream error " + std::to_string(static_cast<int>(jerr)) + ")";
    return t;
}
}  // namespace

bool fanout_built() noexcept { return true; }

struct fanout::impl {
    fanout_options opt;
    book* bk = nullptr;
    natsConnection* nc = nullptr;
    jsCtx* js = nullptr;
    natsSubscription* sub = nullptr;
    std::atomic<bool> stopping{false};
    std::thread consumer;
    std::string durable;
    std::int64_t crash_after = 0;  // tests only: $MARGIN_SERVE_TEST_EXIT_AFTER_SEQ

    ~impl() {
        natsSubscription_Destroy(sub);  // the consumer is durable and was not created by this subscription: it stays
        jsCtx_Destroy(js);
        natsConnection_Destroy(nc);
    }

    void run() {
        while (!stopping) {
            natsMsgList list = {nullptr, 0};
            jsErrCode jerr = static_cast<jsErrCode>(0);
            const natsStatus st = natsSubscription_Fetch(&list, sub, 1, fetch_wait_ms, &jerr);
            if (st == NATS_TIMEOUT) continue;
            if (st != NATS_OK) {  // the client reconnects on its own; try again shortly
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
                continue;
            }
            for (int i = 0; i < list.Count; ++i) {
                natsMsg* msg = list.Msgs[i];
                jsMsgMetaData* meta = nullptr;
                if (natsMsg_GetMetaData(&meta, msg) != NATS_OK) continue;
                const auto seq = static_cast<std::int64_t>(meta->Sequence.Stream);
                jsMsgMetaData_Destroy(meta);
                const answer a =
                    bk->tick(std::string_view(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg))), seq);
                if (seq == crash_after) std::_Exit(9);  // tests: committed, not acknowledged (see start())
                if (a.status < 500) {
                    natsMsg_Ack(msg, nullptr);  // committed (applied, refused or a duplicate)
                } else {
                    std::cerr << "margin-serve: tick " << seq << " from the stream: " << a.body << " (offered again)\n";
                    natsMsg_NakWithDelay(msg, 1000, nullptr);
                }
            }
            natsMsgList_Destroy(&list);
        }
    }
};

fanout::fanout(std::unique_ptr<impl> p) : p_(std::move(p)) {}
fanout::~fanout() { stop(); }

void fanout::stop() {
    if (!p_) return;
    p_->stopping = true;
    if (p_->consumer.joinable()) p_->consumer.join();
}

margin::outcome<std::unique_ptr<fanout>> fanout::start(const fanout_options& opt, book& bk) {
    using O = margin::outcome<std::unique_ptr<fanout>>;
    auto p = std::make_unique<impl>();
    p->opt = opt;
    p->bk = &bk;
    p->durable = "shard-" + std::to_string(opt.part.index) + "-of-" + std::to_string(opt.part.count);
    // Tests: exit at once after committing the tick of this stream sequence, before its
    // acknowledgement, the one crash point a SIGKILL from outside cannot aim at.
    if (const char* e = std::getenv("MARGIN_SERVE_TEST_EXIT_AFTER_SEQ")) p->crash_after = std::atoll(e);
    auto failure = [&](const std::string& what, natsStatus st, jsErrCode jerr) {
        return O::failure(error_code::STREAM_UNAVAILABLE, "", "NATS " + opt.url + ": " + what + ": " + nats_text(st, jerr));
    };
    natsOptions* no = nullptr;
    natsStatus st = natsOptions_Create(&no);
    if (st == NATS_OK) st = natsOptions_SetURL(no, opt.url.c_str());
    if (st == NATS_OK) st = natsOptions_SetMaxReconnect(no, -1);  // a restarted server is reconnected to, forever
    if (st == NATS_OK) st = natsOptions_SetReconnectWait(no, 250);
    if (st == NATS_OK) st = natsOptions_SetTimeout(no, 2000);
    if (st == NATS_OK) st = natsConnection_Connect(&p->nc, no);
    natsOptions_Destroy(no);
    if (st != NATS_OK) return failure("connect", st, static_cast<jsErrCode>(0));
    if ((st = natsConnection_JetStream(&p->js, p->nc, nullptr)) != NATS_OK) return failure("JetStream", st, static_cast<jsErrCode>(0));

    // The stream: created by the first instance, found by the others.
    jsErrCode jerr = static_cast<jsErrCode>(0);
    jsStreamInfo* si = nullptr;
    st = js_GetStreamInfo(&si, p->js, opt.stream.c_str(), nullptr, &jerr);
    if (st == NATS_NOT_FOUND || jerr == JSStreamNotFoundErr) {
        jsStreamConfig sc;
        jsStreamConfig_Init(&sc);
        const char* subjects[] = {opt.subject.c_str()};
        sc.Name = opt.stream.c_str();
        sc.Subjects = subjects;
        sc.SubjectsLen = 1;
        sc.Storage = js_FileStorage;
        sc.Retention = js_LimitsPolicy;
        sc.MaxMsgs = 1'000'000;  // caps of the stream: ticks kept for shards that are behind
        sc.MaxBytes = std::int64_t{1} << 32;
        sc.MaxMsgSize = static_cast<std::int32_t>(max_stream_tick_bytes);
        jerr = static_cast<jsErrCode>(0);
        st = js_AddStream(&si, p->js, &sc, nullptr, &jerr);
        if (st != NATS_OK && jerr == JSStreamNameExistErr) st = js_GetStreamInfo(&si, p->js, opt.stream.c_str(), nullptr, &jerr);
    }
    jsStreamInfo_Destroy(si);
    if (st != NATS_OK) return failure("stream " + opt.stream, st, jerr);

    // This shard's durable consumer: every tick of the stream, in order, one at a time.
    jsConsumerConfig cc;
    jsConsumerConfig_Init(&cc);
    cc.Durable = p->durable.c_str();
    cc.DeliverPolicy = js_DeliverAll;
    cc.AckPolicy = js_AckExplicit;
    cc.AckWait = ack_wait_ms * 1'000'000;  // nanoseconds
    cc.MaxAckPending = 1;
    cc.FilterSubject = opt.subject.c_str();
    jsConsumerInfo* ci = nullptr;
    jerr = static_cast<jsErrCode>(0);
    st = js_AddConsumer(&ci, p->js, opt.stream.c_str(), &cc, nullptr, &jerr);
    jsConsumerInfo_Destroy(ci);
    if (st != NATS_OK) return failure("consumer " + p->durable, st, jerr);
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = opt.stream.c_str();
    so.Consumer = p->durable.c_str();  // bound to the consumer above: the subscription never deletes it
    jerr = static_cast<jsErrCode>(0);
    st = js_PullSubscribe(&p->sub, p->js, opt.subject.c_str(), p->durable.c_str(), nullptr, &so, &jerr);
    if (st != NATS_OK) return failure("subscribe " + p->durable, st, jerr);
    impl* raw = p.get();
    std::unique_ptr<fanout> f(new fanout(std::move(p)));
    raw->consumer = std::thread([raw] { raw->run(); });
    return {std::move(f), std::nullopt};
}

answer fanout::publish(std::string_view body) {
    if (body.size() > max_stream_tick_bytes)
        return fail(413, error_code::JSON_TOO_LARGE, "", "a tick through the stream is at most 1 MiB (NATS's message payload)");
    answer checked = p_->bk->check_tick(body);
    if (checked.status != 200) return checked;
    jsPubAck* pa = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    const natsStatus st = js_Publish(&pa, p_->js, p_->opt.subject.c_str(), body.data(), static_cast<int>(body.size()), nullptr, &jerr);
    if (st != NATS_OK) {
        jsPubAck_Destroy(pa);
        return fail(503, error_code::STREAM_UNAVAILABLE, "", "the tick stream did not take the tick: " + nats_text(st, jerr));
    }
    json j = {{"stream", std::string(pa->Stream)}, {"stream_seq", static_cast<std::int64_t>(pa->Sequence)}, {"published", true}};
    jsPubAck_Destroy(pa);
    return {202, text::dump(j)};
}

#else  // built without the NATS client

bool fanout_built() noexcept { return false; }
struct fanout::impl {};
fanout::fanout(std::unique_ptr<impl> p) : p_(std::move(p)) {}
fanout::~fanout() = default;
void fanout::stop() {}
margin::outcome<std::unique_ptr<fanout>> fanout::start(const fanout_options&, book&) {
    return margin::outcome<std::unique_ptr<fanout>>::failure(error_code::STREAM_UNAVAILABLE, "",
                                                             "this margin-serve was built without NATS (CMake option MARGIN_NATS)");
}
answer fanout::publish(std::string_view) { return fail(503, error_code::STREAM_UNAVAILABLE, "", "built without NATS"); }

#endif

}  // namespace service
