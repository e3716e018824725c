// The margin models compared on one book and shock (docs/cascade-books.md "Models compared"): the
// request's parameters replaced by each model's preset; the isolated form of the standard model
// splits every account into one account per position (`isolate`), so cascade::run liquidates
// each position on its own isolated margin, as the engine's isolated mode margins it.
#include <nlohmann/json.hpp>

#include <algorithm>

#include "api/cascade.hpp"
#include "api/documents.hpp"
#include "core/margin.hpp"
#include "core/stress/book.hpp"
#include "core/validate.hpp"
#include "decode.hpp"
#include "encode.hpp"

namespace margin::api {
namespace {

using detail::dec;
using ojson = nlohmann::ordered_json;

constexpr std::string_view isolated_model = "standard-isolated";

// The es model on the book: the accounts (decoded under pmrm2) moved to the shipped es preset and
// the shipped SYNTHETIC history (decoded once, shared), each validated again as an es request.
outcome<cascade::input> as_es(cascade::input in) {
    using R = outcome<cascade::input>;
    detail::decoder d;
    es_params es;
    auto params = detail::parse_document(document("es"));
    if (!params.ok()) return R::failure(*params.err);
    detail::decode_es(d, params.value, "/params", es);
    auto shipped = detail::parse_document(document("history/synthetic"));
    if (!shipped.ok()) return R::failure(*shipped.err);
    auto history = std::make_shared<risk::history>();
    if (!d.failed()) detail::decode_history(d, shipped.value.at("history"), "/history", *history);
    if (d.failed()) return R::failure(*d.err);
    for (std::size_t i = 0; i < in.accounts.size(); ++i) {
        request r = std::move(in.accounts[i]);
        r.model = margin_model::es;
        r.es = es;
        r.history = history;
        auto v = validate(std::move(r));
        if (!v.ok()) return R::failure(error{v.err->code, "/accounts/" + std::to_string(i) + v.err->path, v.err->message});
        in.accounts[i] = std::move(v.value);
    }
    return R{std::move(in), std::nullopt};
}

}  // namespace

bool cascade_compare_model(std::string_view m) noexcept {
    return m == isolated_model || m == "standard" || m == "pmrm2" || m == "span16" || m == "es";
}

outcome<cascade::input> isolate(const cascade::input& in) {
    using R = outcome<cascade::input>;
    cascade::input out = in;
    out.accounts.clear();
    out.groups.clear();
    for (std::size_t i = 0; i < in.accounts.size(); ++i) {
        const request& r = in.accounts[i];
        const std::string ap = "/accounts/" + std::to_string(i);
        if (r.model != margin_model::standard)
            return R::failure(error_code::MODEL_NOT_SUPPORTED, ap, "isolated margin is the standard model's");
        const std::uint32_t group = in.groups.empty() ? 0 : in.groups[i];
        if (r.acct.positions.size() <= 1 || r.acct.mode == margin_mode::isolated) {  // already one slice, or isolated as given
            out.accounts.push_back(r);
            out.groups.push_back(group);
            continue;
        }
        auto res = compute(r);
        if (!res.ok()) return R::failure(error{res.err->code, ap + res.err->path, res.err->message});
        Wad total;
        for (const auto& p : res.value.positions) total = fp::add(total, p.initial_margin).value;
        // isolated margin j = floor(cash x IM_j / sum IM); the remainder to the first position
        std::vector<Wad> share(r.acct.positions.size());
        Wad given;
        if (total.raw().sign() > 0 && r.acct.cash.raw().sign() > 0)
            for (std::size_t j = 1; j < share.size(); ++j) {
                auto s = fp::mul_div(r.acct.cash, res.value.positions[j].initial_margin, total, fp::rounding::floor);
                if (!s.ok()) return R::failure(error_code::ARITHMETIC_OVERFLOW, ap, "the isolated split overflows");
                share[j] = s.value;
                given = fp::add(given, s.value).value;
            }
        share[0] = fp::sub(r.acct.cash, given).value;
        for (std::size_t j = 0; j < share.size(); ++j) {
            request sub = r;
            sub.acct.positions = {r.acct.positions[j]};
            sub.acct.cash = share[j];
            out.accounts.push_back(std::move(sub));
            out.groups.push_back(group);
        }
        if (out.accounts.size() > stress::max_book_accounts)
            return R::failure(error_code::OUT_OF_RANGE, "/accounts", "the isolated book has over 100,000 accounts (one per position)");
    }
    return R{std::move(out), std::nullopt};
}

reply cascade_compare_json(std::string_view text, const std::vector<std::string>& models, bool pretty, std::size_t threads) {
    for (std::size_t k = 0; k < models.size(); ++k)
        if (!cascade_compare_model(models[k]))
            return reply::failure(error{error_code::UNKNOWN_PRESET, "/compare/" + std::to_string(k),
                                        "a model is standard-isolated, standard, pmrm2, span16 or es; got \"" + models[k] + "\""},
                                  pretty);
    if (models.empty()) return reply::failure(error{error_code::OUT_OF_RANGE, "/compare", "no model to compare"}, pretty);
    for (std::size_t k = 1; k < models.size(); ++k)
        if (std::find(models.begin(), models.begin() + static_cast<std::ptrdiff_t>(k), models[k]) !=
            models.begin() + static_cast<std::ptrdiff_t>(k))
            return reply::failure(error{error_code::OUT_OF_RANGE, "/compare/" + std::to_string(k), models[k] + " is listed twice"}, pretty);
    auto doc = detail::parse_document(text);
    if (!doc.ok()) return reply::failure(*doc.err, pretty);
    ojson rows = ojson::array();
    for (const std::string& m : models) {
        const bool iso = m == isolated_model, es = m == "es";
        detail::json d = doc.value;
        if (d.is_object() && d.contains("cascade") && d["cascade"].is_object()) {
            detail::json& c = d["cascade"];
            c["params"] = iso ? "standard" : es ? "pmrm2" : m;
            if (c.contains("accounts") && c["accounts"].is_array())
                for (auto& a : c["accounts"])
                    if (a.is_object()) a.erase("params");
        }
        auto fail = [&](error e) {
            e.message = m + ": " + e.message;
            return reply::failure(e, pretty);
        };
        auto in = parse_cascade_request(d.dump());
        if (!in.ok()) return fail(*in.err);
        if (iso) {
            auto split = isolate(in.value);
            if (!split.ok()) return fail(error{split.err->code, "/cascade" + split.err->path, split.err->message});
            in.value = std::move(split.value);
        }
        if (es) {
            auto moved = as_es(std::move(in.value));
            if (!moved.ok()) return fail(error{moved.err->code, "/cascade" + moved.err->path, moved.err->message});
            in.value = std::move(moved.value);
        }
        auto r = cascade::run(in.value, threads == 0 ? 1 : threads);
        if (!r.ok()) {
            error e = *r.err;
            if (e.path.compare(0, 5, "/path") == 0) e.path = "/shock" + e.path;
            e.path = "/cascade" + e.path;
            return fail(e);
        }
        const cascade::totals& t = r.value.total;
        ojson amp = ojson::object();
        for (const auto& [sym, a] : t.amplification) amp[sym] = a ? ojson(dec(*a)) : ojson(nullptr);
        // the log hash, as cascade_json computes it
        const ojson full = ojson::parse(encode_cascade(in.value, r.value, false));
        rows.push_back({{"model", m},
                        {"accounts", in.value.accounts.size()},
                        {"liquidations", t.liquidations},
                        {"bad_debt", dec(t.bad_debt)},
                        {"amplification", std::move(amp)},
                        {"capital_locked", dec(t.capital_locked)},
                        {"notional", dec(t.notional)},
                        {"fund_used", dec(t.fund_used)},
                        {"adl_notional", dec(t.adl_notional)},
                        {"steps_run", t.steps_run},
                        {"capped", t.capped},
                        {"log_hash", full["cascade"]["log_hash"]}});
    }
    const ojson top = {{"api_version", "1"}, {"cascade_compare", std::move(rows)}};
    return {pretty ? top.dump(2) : top.dump(), std::nullopt};
}

}  // namespace margin::api
