// Request -> book (book_of) and book -> validated request (request_builder, request_of).
// JSON-free: requests built from chain data are checked by core's validate(), as the JSON door's are.
#include "bridge/request.hpp"

#include <map>

#include "core/validate.hpp"

namespace bridge {
namespace {

namespace sc = margin::scenario;
using fp::Wad;
using margin::error;
using margin::error_code;
using margin::outcome;

error unrepresentable(std::string path, const std::string& why) {
    return error{error_code::NOT_REPRESENTABLE, path, "the chain's book cannot hold this: " + why};
}

}  // namespace

outcome<book> book_of(const margin::request& req) {
    using margin::instrument_type;
    auto fail = [](std::string path, const std::string& why) { return outcome<book>::failure(unrepresentable(std::move(path), why)); };
    if (req.model != margin::margin_model::portfolio) return fail("/params", "the chain runs the portfolio model only");
    // the chain's collateral rules hold two haircuts: a per-account depth term would be dropped silently
    for (const auto& [asset, rule] : req.portfolio.collateral)
        if (rule.depth.present())
            return fail("/params/collateral/" + asset + "/depth", "depth haircut not supported on chain (collateral " + asset + ")");
    // the underlying: that of the positions, else the market's only one
    std::string sym;
    for (std::size_t i = 0; i < req.acct.positions.size(); ++i) {
        const std::string& u = req.acct.positions[i].underlying;
        if (sym.empty())
            sym = u;
        else if (u != sym)
            return fail("/account/positions/" + std::to_string(i) + "/underlying", "positions on " + sym + " and on " + u);
    }
    if (sym.empty()) {
        if (req.market.underlyings.size() != 1)
            return fail("/market/underlyings", "an account without positions needs a market of one underlying");
        sym = req.market.underlyings.begin()->first;
    }
    const margin::underlying_market& um = req.market.underlyings.at(sym);
    book b;
    b.cash = req.acct.cash.raw();
    b.spot = um.spot.raw();
    b.spot_confidence = um.spot_confidence.raw();
    b.stable_price = req.market.stable_price.raw();
    if (um.perp_mark) {
        b.perp_price = um.perp_mark->raw();
        b.perp_confidence = um.perp_confidence.raw();
    }
    std::map<std::int64_t, book_expiry> held;  // ascending expiry, as the engine orders them
    auto expiry_of = [&](std::int64_t t) -> book_expiry& {
        auto it = held.find(t);
        if (it != held.end()) return it->second;
        const margin::expiry_market& em = *um.find(t);
        book_expiry e;
        e.seconds_to_expiry = em.seconds_to_expiry;
        e.forward = em.forward.raw();
        e.forward_confidence = em.forward_confidence.raw();
        e.rate = em.rate ? em.rate->raw() : I256{};
        e.discount = em.discount_factor.raw();
        return held.emplace(t, std::move(e)).first->second;
    };
    // a validated request holds each instrument once (DUPLICATE_POSITION): one perp, one future per expiry
    for (std::size_t i = 0; i < req.acct.positions.size(); ++i) {
        const margin::position& pos = req.acct.positions[i];
        const std::string path = "/account/positions/" + std::to_string(i);
        if (pos.type != instrument_type::perp) {
            const margin::expiry_market* em = um.find(pos.expiry);
            if (em && !em->rate)
                return fail("/market/underlyings/" + sym + "/expiries", "expiry " + std::to_string(pos.expiry) + " has no rate");
        }
        if (pos.type == instrument_type::option) {
            if (!pos.mark_vol) return fail(path + "/mark_vol", "an option needs its series' mark vol (no surface on chain)");
            auto amount = fp::mul(pos.size, pos.contract_size, fp::rounding::toward_zero);
            if (!amount.ok())
                return outcome<book>::failure(error_code::ARITHMETIC_OVERFLOW, path + "/size", "size x contract size overflows");
            expiry_of(pos.expiry)
                .legs.push_back({pos.strike.raw(), pos.mark_vol->raw(), amount.value.raw(), pos.kind == margin::option_kind::call});
        } else if (pos.type == instrument_type::perp) {
            if (!pos.funding.raw().is_zero()) return fail(path + "/funding", "perp funding is settled into cash on chain");
            b.perp_position = pos.size.raw();
            b.perp_entry = pos.entry_price ? pos.entry_price->raw() : b.perp_price;
        } else {
            book_expiry& e = expiry_of(pos.expiry);
            e.futures = pos.size.raw();
            e.futures_entry = pos.entry_price ? pos.entry_price->raw() : e.forward;
        }
    }
    for (auto& [t, e] : held) b.expiries.push_back(std::move(e));
    for (const auto& [asset, amount] : req.acct.collateral) {
        const margin::asset_price& ap = req.market.collateral.at(asset);
        const margin::collateral_rule& rule = req.portfolio.collateral.at(asset);
        const bool moves = rule.risk_cancelling && req.market.underlyings.count(asset) > 0;
        if (moves && asset != sym) return fail("/account/collateral/" + asset, asset + " moves with its own underlying, not with " + sym);
        b.collaterals.push_back({amount.raw(), ap.price.raw(), ap.confidence.raw(), rule.im_haircut.raw(), rule.mm_haircut.raw(), moves});
    }
    return {std::move(b), std::nullopt};
}

outcome<request_builder> request_builder::make(const sc::params& params, std::string underlying) {
    // the parameters validated once: a request with no account
    margin::request q;
    q.model = margin::margin_model::portfolio;
    q.portfolio.version = "portfolio/1";
    q.portfolio.scenarios = params;
    q.market.timestamp = 1;
    q.market.stable_price = Wad::from_int(1);
    margin::underlying_market um;
    um.spot = Wad::from_int(1);
    q.market.underlyings[underlying] = um;
    auto parsed = margin::validate(std::move(q));
    if (!parsed.ok()) return outcome<request_builder>::failure(*parsed.err);
    // (the name passed the symbol check: ASCII)
    request_builder rb;
    rb.underlying_ = std::move(underlying);
    rb.params_ = std::move(parsed.value.portfolio);
    return {std::move(rb), std::nullopt};
}

outcome<margin::request> request_builder::build(const book& b, std::int64_t timestamp) const {
    using margin::request;
    const std::string& underlying = underlying_;
    auto fail = [](std::string path, const std::string& why) { return outcome<request>::failure(unrepresentable(std::move(path), why)); };
    auto wad = [](const I256& v) { return Wad::from_raw(v); };
    request q;
    q.model = margin::margin_model::portfolio;
    q.portfolio.version = "portfolio/1";
    q.market.timestamp = timestamp;
    q.market.stable_price = wad(b.stable_price);
    margin::underlying_market um;
    um.spot = wad(b.spot);
    um.spot_confidence = wad(b.spot_confidence);
    um.perp_mark = wad(b.perp_price);
    um.perp_confidence = wad(b.perp_confidence);
    q.acct.cash = wad(b.cash);
    std::vector<bool> implicit_discount;  // DF 0 on chain: e^(-rate t), as the engine derives it when absent
    for (std::size_t i = 0; i < b.expiries.size(); ++i) {
        const book_expiry& e = b.expiries[i];
        const std::string path = "/expiries/" + std::to_string(i);
        if (!(e.seconds_to_expiry > I256{}) || !(e.seconds_to_expiry < I256{int64_t{1} << 40}))
            return fail(path + "/secondsToExpiry", "an expiry must lie after the snapshot (settled expiries have no request form)");
        margin::expiry_market em;
        em.expiry = timestamp + static_cast<std::int64_t>(e.seconds_to_expiry.to_i128());
        em.given_forward = wad(e.forward);
        em.forward_confidence = wad(e.forward_confidence);
        em.rate = wad(e.rate);
        if (!e.discount.is_zero()) em.given_discount_factor = wad(e.discount);  // 0: derived from the rate
        implicit_discount.push_back(e.discount.is_zero());
        um.expiries.push_back(em);
        for (const book_leg& l : e.legs) {
            margin::position pos;
            pos.type = margin::instrument_type::option;
            pos.underlying = underlying;
            pos.expiry = em.expiry;
            pos.kind = l.call ? margin::option_kind::call : margin::option_kind::put;
            pos.strike = wad(l.strike);
            pos.contract_size = Wad::from_int(1);
            pos.size = wad(l.amount);
            pos.mark_vol = wad(l.vol);
            q.acct.positions.push_back(pos);
        }
        if (!e.futures.is_zero()) {
            margin::position pos;
            pos.type = margin::instrument_type::future;
            pos.underlying = underlying;
            pos.expiry = em.expiry;
            pos.size = wad(e.futures);
            pos.entry_price = wad(e.futures_entry);
            q.acct.positions.push_back(pos);
        }
    }
    if (!b.perp_position.is_zero()) {
        margin::position pos;
        pos.type = margin::instrument_type::perp;
        pos.underlying = underlying;
        pos.size = wad(b.perp_position);
        pos.entry_price = wad(b.perp_entry);
        q.acct.positions.push_back(pos);
    }
    // collateral rules are part of the parameters: a book with collateral validates them with its own
    const bool own_params = !b.collaterals.empty();
    q.portfolio = params_;
    for (std::size_t i = 0; i < b.collaterals.size(); ++i) {
        const book_collateral& c = b.collaterals[i];
        const std::string asset = c.risk_cancelling ? underlying : "C" + std::to_string(i);
        if (q.acct.collateral.count(asset)) return fail("/collaterals/" + std::to_string(i), "two risk-cancelling collaterals");
        q.acct.collateral[asset] = wad(c.amount);
        q.market.collateral[asset] = {wad(c.price), wad(c.confidence)};
        q.portfolio.collateral[asset] = {wad(c.im_haircut), wad(c.mm_haircut), c.risk_cancelling};
    }
    q.market.underlyings[underlying] = std::move(um);
    // Validated as any request is (and its derived fields: an implicit DF resolved)
    auto parsed = margin::validate(std::move(q), /*params_validated=*/!own_params);
    if (!parsed.ok()) return parsed;
    auto back = book_of(parsed.value);
    if (!back.ok()) return outcome<request>::failure(*back.err);
    // the round trip is exact but for an implicit DF, which comes back resolved
    book expect = b;
    for (std::size_t i = 0; i < implicit_discount.size(); ++i)
        if (implicit_discount[i]) expect.expiries[i].discount = back.value.expiries[i].discount;
    if (back.value.collaterals != expect.collaterals) return fail("/collaterals", "collateral order does not survive naming");
    if (!(back.value == expect)) return fail("", "the book has no request form that maps back to it");
    return parsed;
}

outcome<margin::request> request_of(const book& b, const sc::params& params, const std::string& underlying, std::int64_t timestamp) {
    auto rb = request_builder::make(params, underlying);
    if (!rb.ok()) return outcome<margin::request>::failure(*rb.err);
    return rb.value.build(b, timestamp);
}

}  // namespace bridge
