// margin-serve: the off-chain risk engine as a service (docs/service.md). A thin shell:
// options in, service::run out.
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include "serve_chain.hpp"
#include "service/book.hpp"
#include "service/server.hpp"

namespace {

const char* usage =
    "usage: margin-serve [--db FILE] [--host ADDR] [--port N] [--token-file FILE | --no-auth]\n"
    "                    [--threads N] [--rate N] [--burst N] [--load DIR|FILE.jsonl]\n"
    "                    [--nats URL [--shard I/N]]\n"
    "                    [--follow-chain --rpc URL --house ADDR [--from-block N] [--poll SECONDS]]\n"
    "       margin-serve --routes\n"
    "  --db FILE          the book's SQLite database (default margin-serve.db; created if absent)\n"
    "  --host ADDR        address to bind (default 127.0.0.1)\n"
    "  --port N           port (default 8080; 0 = a free one, printed as {\"listening\": N})\n"
    "  --token-file FILE  bearer token for writes (else $MARGIN_SERVE_TOKEN; without one, writes are refused)\n"
    "  --no-auth          writes without a token (local tests only)\n"
    "  --threads N        tick workers (default: every core)\n"
    "  --rate N, --burst N  requests per second per client address, and the burst (default 1000, 2000)\n"
    "  --load PATH        load a book (a directory of *.json requests or a JSONL file) before serving\n"
    "  --nats URL         take ticks from the NATS JetStream stream MARGIN_TICKS (POST /ticks publishes to it)\n"
    "  --shard I/N        hold the accounts of shard I of N (FNV-1a 64 of the id, modulo N); needs --nats\n"
    "  --follow-chain     load the book from a MarginAccounts clearing house (--rpc, --house) and follow it:\n"
    "                     market pushes become ticks, trades and the like re-read the accounts (docs/service.md)\n"
    "  --from-block N     the first block whose logs name accounts (default 0); --poll SECONDS between polls (default 1)\n"
    "  --routes           print the HTTP API's routes as JSON and exit\n";

bool number(const char* s, long lo, long hi, long& out) {
    char* end = nullptr;
    out = std::strtol(s, &end, 10);
    return *s && !*end && out >= lo && out <= hi;
}

// "I/N" with 0 <= I < N <= max_shards.
bool shard_arg(const char* s, service::shard& out) {
    const char* slash = std::strchr(s, '/');
    if (!slash) return false;
    const std::string i(s, slash);
    long a = 0, b = 0;
    if (!number(i.c_str(), 0, service::max_shards - 1, a) || !number(slash + 1, 1, service::max_shards, b) || a >= b) return false;
    out = {static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(b)};
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    service::options opt;
    serve_chain::follow_options chain_opt;
    bool follow = false, have_house = false;
    if (const char* t = std::getenv("MARGIN_SERVE_TOKEN")) opt.token = t;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool has = i + 1 < argc;
        long n = 0;
        if (a == "--db" && has) {
            opt.db = argv[++i];
        } else if (a == "--host" && has) {
            opt.host = argv[++i];
        } else if (a == "--port" && has && number(argv[i + 1], 0, 65535, n)) {
            opt.port = static_cast<int>(n), ++i;
        } else if (a == "--threads" && has && number(argv[i + 1], 0, 256, n)) {
            opt.threads = static_cast<unsigned>(n), ++i;
        } else if (a == "--rate" && has && number(argv[i + 1], 1, 1'000'000, n)) {
            opt.rate = static_cast<double>(n), ++i;
        } else if (a == "--burst" && has && number(argv[i + 1], 1, 1'000'000, n)) {
            opt.burst = static_cast<double>(n), ++i;
        } else if (a == "--load" && has) {
            opt.load = argv[++i];
        } else if (a == "--nats" && has) {
            opt.nats = argv[++i];
        } else if (a == "--shard" && has && shard_arg(argv[i + 1], opt.part)) {
            ++i;
        } else if (a == "--follow-chain") {
            follow = true;
        } else if (a == "--rpc" && has) {
            chain_opt.rpc = argv[++i];
        } else if (a == "--house" && has) {
            auto h = chain::parse_address(argv[++i]);
            if (!h.ok()) {
                std::cerr << "margin-serve: --house takes a 0x address\n";
                return 2;
            }
            chain_opt.house = h.value;
            have_house = true;
        } else if (a == "--from-block" && has && number(argv[i + 1], 0, 1L << 48, n)) {
            chain_opt.from_block = static_cast<std::uint64_t>(n), ++i;
        } else if (a == "--poll" && has) {
            char* end = nullptr;
            const double sec = std::strtod(argv[++i], &end);
            if (*end || !(sec >= 0.05 && sec <= 3600)) {
                std::cerr << "margin-serve: --poll takes seconds, 0.05 to 3600\n";
                return 2;
            }
            chain_opt.poll_ms = static_cast<long>(sec * 1000);
        } else if (a == "--routes") {
            std::cout << "[";
            const char* sep = "";
            for (const auto& [method, path] : service::routes()) {
                std::cout << sep << "{\"method\":\"" << method << "\",\"path\":\"" << path << "\"}";
                sep = ",";
            }
            std::cout << "]\n";
            return 0;
        } else if (a == "--no-auth") {
            opt.no_auth = true;
        } else if (a == "--token-file" && has) {
            std::ifstream f(argv[++i], std::ios::binary);
            if (!f) {
                std::cerr << "margin-serve: cannot read " << argv[i] << "\n";
                return 2;
            }
            char buf[4097] = {};
            f.read(buf, 4096);  // a token is short: 4 KiB is its cap
            opt.token.assign(buf, static_cast<std::size_t>(f.gcount()));
            while (!opt.token.empty() && (opt.token.back() == '\n' || opt.token.back() == '\r' || opt.token.back() == ' '))
                opt.token.pop_back();
            if (opt.token.empty()) {
                std::cerr << "margin-serve: empty token file\n";
                return 2;
            }
        } else {
            std::cerr << usage;
            return 2;
        }
    }
    if (follow) {
        if (chain_opt.rpc.empty() || !have_house) {
            std::cerr << "margin-serve: --follow-chain needs --rpc URL and --house ADDR\n";
            return 2;
        }
        if (!opt.nats.empty() || !opt.load.empty()) {
            std::cerr << "margin-serve: --follow-chain takes the book from the chain: not with --load or --nats\n";
            return 2;
        }
        opt.follower = [chain_opt](service::book& bk) { return serve_chain::follow(bk, chain_opt); };
    }
    return service::run(opt);
}
