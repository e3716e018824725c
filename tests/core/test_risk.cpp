// The risk measures' building blocks (docs/risk.md): calendar days, series, the tail
// estimators and their exact component split, the Cholesky factor. End-to-end checks
// against independent implementations on real history are in tests/risk/check_risk.py.
#include <catch2/catch.hpp>

#include <boost/multiprecision/cpp_int.hpp>

#include <chrono>
#include <random>

#include "../../core/src/risk/monte_carlo.hpp"
#include "core/risk/history.hpp"
#include "core/risk/measures.hpp"

using fp::Wad;
using namespace margin;

namespace {
Wad wei(std::int64_t v) { return Wad::from_raw(fp::I256(v)); }
Wad dec(const char* s) { return fp::parse(s).value; }
}  // namespace

TEST_CASE("dates: every day 1970..2200 against std::chrono", "[risk]") {
    using namespace std::chrono;
    for (std::int32_t d = 0; d < 84000; ++d) {
        const year_month_day ymd{sys_days{days{d}}};
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                      static_cast<unsigned>(ymd.day()));
        REQUIRE(risk::format_date(d) == buf);
        REQUIRE(risk::parse_date(buf) == d);
    }
    for (const char* bad : {"2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "1969-12-31", "2024-1-01", "2024/01/01", "20240101", "",
                            "2024-01-01 ", "+024-01-01"})
        CHECK_FALSE(risk::parse_date(bad).has_value());
    CHECK(risk::parse_date("2024-02-29") == 19782);
}

TEST_CASE("series: gaps carry the last close, at most 3 days; order and values checked", "[risk]") {
    const std::int32_t d0 = *risk::parse_date("2024-01-01");
    std::vector<risk::observation> rows = {{d0, dec("10"), 2}, {d0 + 1, dec("11"), 3}, {d0 + 5, dec("12"), 4}};
    auto s = risk::make_series(rows, "/history/X", "x.csv");
    REQUIRE(s.ok());
    CHECK(s.value.closes.size() == 6);
    CHECK(s.value.filled == 3);
    CHECK(s.value.at(d0 + 4) == dec("11"));
    CHECK(s.value.at(d0 + 5) == dec("12"));
    rows[2].day = d0 + 6;  // 4 missing days
    auto gap = risk::make_series(rows, "/history/X", "x.csv");
    REQUIRE_FALSE(gap.ok());
    CHECK(gap.err->code == error_code::HISTORY_GAP);
    CHECK(gap.err->path == "/history/X/2");
    CHECK(gap.err->message.find("x.csv line 4") != std::string::npos);
    rows[2].day = d0 + 1;
    auto dup = risk::make_series(rows, "/history/X", "x.csv");
    REQUIRE_FALSE(dup.ok());
    CHECK(dup.err->code == error_code::HISTORY_ORDER);
    rows[2] = {d0 + 2, Wad{}, 4};
    CHECK(risk::make_series(rows, "/h", "").err->code == error_code::NOT_POSITIVE);
}

TEST_CASE("tail: k = ceil(n(1 - alpha)), VaR the k-th loss, ES rounded up, ties to the lower index", "[risk]") {
    // 10 scenarios, alpha 0.75 -> k = ceil(2.5) = 3
    std::vector<Wad> pnl = {wei(5), wei(-7), wei(-3), wei(-7), wei(0), wei(-1), wei(2), wei(-3), wei(9), wei(-2)};
    auto t = risk::tail_of(pnl, dec("0.75"));
    REQUIRE(t.ok());
    CHECK(t.value.k == 3);
    CHECK(t.value.order == std::vector<std::size_t>{1, 3, 2});  // -7 (1), -7 (3), -3 (2 before 7)
    CHECK(t.value.var == wei(3));
    CHECK(t.value.es == wei(6));  // ceil(17 / 3)
    CHECK(risk::tail_of(pnl, dec("0.9")).value.k == 1);
    CHECK(risk::tail_of(pnl, dec("0.91")).value.k == 1);
    CHECK(risk::tail_of(pnl, dec("0.89")).value.k == 2);
    CHECK(risk::tail_of({}, dec("0.99")).err->code == error_code::OUT_OF_RANGE);
}

TEST_CASE("split_es: parts sum to ES exactly, each within one wei of its proportional share", "[risk]") {
    std::mt19937_64 rng(7);  // test data only
    for (int trial = 0; trial < 300; ++trial) {
        const std::size_t rows = 1 + rng() % 9, n = 20 + rng() % 200;
        risk::pnl_matrix m;
        m.scenarios = n;
        m.rows.resize(rows);
        m.pnl.resize(rows * n);
        m.total.assign(n, Wad{});
        for (std::size_t r = 0; r < rows; ++r)
            for (std::size_t k = 0; k < n; ++k) {
                m.pnl[r * n + k] = wei(static_cast<std::int64_t>(rng() % 2000001) - 1000000);
                m.total[k] = fp::add(m.total[k], m.pnl[r * n + k]).value;
            }
        auto t = risk::tail_of(m.total, dec("0.95")).value;
        std::vector<std::size_t> group(rows);
        for (std::size_t r = 0; r < rows; ++r) group[r] = r;
        const auto parts = risk::split_es(m, t, group, rows);
        std::vector<std::int64_t> loss(rows);  // each row's tail loss, and their sum S
        std::int64_t S = 0;
        for (std::size_t r = 0; r < rows; ++r) {
            for (std::size_t i : t.order) loss[r] -= static_cast<std::int64_t>(m.at(r, i).raw().to_i128());
            S += loss[r];
        }
        const auto es = static_cast<fp::i128>(t.es.raw().to_i128());
        Wad sum;
        for (std::size_t r = 0; r < rows; ++r) {
            sum = fp::add(sum, parts[r]).value;
            if (S <= 0) continue;  // no proportion: all to the first (checked by the sum)
            // the exact share es * loss / S, floored; the part is it or one wei more
            const fp::i128 num = es * loss[r];
            const fp::i128 fl = num / S - ((num % S != 0 && num < 0) ? 1 : 0);
            const fp::i128 p = parts[r].raw().to_i128();
            REQUIRE((p == fl || p == fl + 1));
        }
        REQUIRE(sum == t.es);
    }
}

TEST_CASE("cholesky: L L^T reproduces the covariance; a negative pivot is refused", "[risk]") {
    const std::vector<Wad> cov = {dec("0.0004"),  dec("0.00024"), dec("0.0001"),  dec("0.00024"), dec("0.0009"),
                                  dec("0.00018"), dec("0.0001"),  dec("0.00018"), dec("0.000625")};
    auto L = risk::detail::cholesky(cov, 3);
    REQUIRE(L.ok());
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 3; ++j) {
            Wad s;
            for (std::size_t k = 0; k < 3; ++k)
                s = fp::add(s, fp::mul(L.value[i * 3 + k], L.value[j * 3 + k], fp::rounding::floor).value).value;
            const auto diff = fp::sub(s, cov[i * 3 + j]).value.raw().to_i128();
            CHECK((diff >= -4 && diff <= 4));  // a few wei of floor roundings
        }
    CHECK(L.value[1] == Wad{});                                             // lower triangular
    const std::vector<Wad> bad = {dec("1"), dec("2"), dec("2"), dec("1")};  // correlation 2
    CHECK(risk::detail::cholesky(bad, 2).err->code == error_code::NOT_POSITIVE_DEFINITE);
    const std::vector<Wad> flat = {dec("1"), dec("1"), dec("1"), dec("1")};  // perfectly correlated: a zero column
    auto F = risk::detail::cholesky(flat, 2);
    REQUIRE(F.ok());
    CHECK(F.value[3] == Wad{});
    CHECK(F.value[2] == dec("1"));
}

TEST_CASE("interpolate: the 128-bit fast path equals the exact floor(sum v_i w_i / 2^64)", "[risk]") {
    // Against boost cpp_int, independently of revalue.cpp's 512-bit path: values up to the fast
    // path's bound 2^118 (and beyond it, the slow path), weights of the grid's size (|w| < 2^67),
    // both signs, and the edges where a floor matters (exact multiples of 2^64, minus one).
    using boost::multiprecision::cpp_int;
    std::mt19937_64 rng(20261207);
    auto i128_bits = [&](int bits) {
        const fp::u128 m = (fp::u128{1} << bits) - 1;
        const fp::u128 r = ((static_cast<fp::u128>(rng()) << 64) | rng()) & m;
        return (rng() & 1) ? -static_cast<fp::i128>(r) : static_cast<fp::i128>(r);
    };
    std::size_t fast = 0;
    for (int t = 0; t < 50000; ++t) {
        std::array<fp::i128, 4> w{};
        std::array<Wad, 4> v{};
        cpp_int sum = 0;
        for (std::size_t i = 0; i < 4; ++i) {
            w[i] = i128_bits(static_cast<int>(1 + rng() % 67));
            fp::i128 x = i128_bits(static_cast<int>(1 + rng() % (t % 50 == 0 ? 126 : 118)));
            if (t % 7 == 0) x = (x >> 64) << 64;  // multiples of 2^64
            if (t % 11 == 0) x -= 1;
            v[i] = Wad::from_raw(fp::I256::from_i128(x));
            sum += cpp_int(x) * cpp_int(w[i]);
            fast += x < (fp::i128{1} << 118) && x > -(fp::i128{1} << 118);
        }
        const cpp_int two64 = cpp_int(1) << 64;
        cpp_int q = sum / two64;  // truncated toward zero: step down for a negative non-multiple
        if (sum < 0 && q * two64 != sum) q -= 1;
        REQUIRE(risk::interpolate(w, v.data()).raw().to_string() == q.str());
    }
    CHECK(fast > 175000);  // most inputs took the fast path
    // by hand: floor(-1 / 2^64) = -1, floor(-2^64 / 2^64) = -1, floor(1 / 2^64) = 0, floor(-3 (2^64 + 1) / 2^64) = -4
    const std::array<fp::i128, 4> one{1, 0, 0, 0}, three{3, 0, 0, 0};
    auto at = [](const std::array<fp::i128, 4>& w, fp::i128 x) {
        const std::array<Wad, 4> v{Wad::from_raw(fp::I256::from_i128(x)), Wad{}, Wad{}, Wad{}};
        return risk::interpolate(w, v.data()).raw().to_string();
    };
    CHECK(at(one, -1) == "-1");
    CHECK(at(one, -(fp::i128{1} << 64)) == "-1");
    CHECK(at(one, 1) == "0");
    CHECK(at(three, -((fp::i128{1} << 64) + 1)) == "-4");
    // beyond 2^118 (the 512-bit path): floor(-3 (2^120 + 1) / 2^64) = -3 2^56 - 1
    const std::array<Wad, 4> big{Wad::from_raw(fp::I256::from_i128(-((fp::i128{1} << 120) + 1))), Wad{}, Wad{}, Wad{}};
    CHECK(risk::interpolate(three, big.data()).raw().to_string() == "-" + std::to_string(3 * (std::int64_t{1} << 56) + 1));
}
