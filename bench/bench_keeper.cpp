// The keeper's per-account work on a book read from the chain: request_builder::build (the
// book as a validated request, the parameters validated once per round) and compute_portfolio (with the contract-value cache warm, as in a
// scan), apart and together; plus replay of a whole bundle. Figures, not tests.
//
//   bench_keeper BUNDLE     (e.g. wasm/test/fixtures/liquidation-bundle.json)
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "abi/json.hpp"
#include "bridge/book.hpp"
#include "bridge/request.hpp"
#include "core/margin.hpp"
#include "replay/replay.hpp"
#include "timer.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: bench_keeper BUNDLE\n");
        return 2;
    }
    std::ifstream f(argv[1], std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    const auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded()) return 2;
    auto book = bridge::book_from_value(abi::from_json(bridge::book_type(), doc["book"]).value);
    auto params = bridge::params_from_value(abi::from_json(bridge::params_type(), doc["params"]).value);
    if (!book.ok() || !params.ok()) return 2;
    const std::int64_t ts = std::stoll(doc["market_timestamp"].get<std::string>());
    auto req = bridge::request_of(book.value, params.value, "BTC", ts);
    if (!req.ok()) return 2;
    margin::scenario::value_cache cache;
    std::size_t legs = 0;
    for (const auto& e : book.value.expiries) legs += e.legs.size();
    volatile bool sink = false;
    const auto builder = bridge::request_builder::make(params.value, "BTC");
    const double to_request = bench::ns_per_op([&] { sink = builder.value.build(book.value, ts).ok(); }, 1);
    const double to_request_once = bench::ns_per_op([&] { sink = bridge::request_of(book.value, params.value, "BTC", ts).ok(); }, 1);
    const double evaluate =
        bench::ns_per_op([&] { sink = margin::compute_portfolio(req.value, std::nullopt, &cache).value.liquidatable; }, 1);
    const double replay_all = bench::ns_per_op([&] { sink = replay::run(doc).ok(); }, 1);
    std::printf("keeper, per account (%zu legs over %zu expiries):\n", legs, book.value.expiries.size());
    std::printf("  request_builder::build (book -> validated request): %8.1f us (request_of, parameters included: %.1f us)\n",
                to_request / 1000, to_request_once / 1000);
    std::printf("  compute_portfolio (cache warm):         %8.1f us\n", evaluate / 1000);
    std::printf("  together: %.0f accounts/s\n", 1e9 / (to_request + evaluate));
    std::printf("replay of the bundle (parse, hash, evaluate): %.1f us\n", replay_all / 1000);
    return sink ? 0 : 0;
}
