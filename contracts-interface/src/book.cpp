#include "abi/book.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <limits>
#include <map>

#include "api/document.hpp"
#include "api/request.hpp"
#include "api/response.hpp"

namespace abi {
namespace {

namespace sc = margin::scenario;
using fp::Wad;

// Params' WAD fields after `scenarios` and dteFloorSeconds's place among them, in the
// contract's declaration order (PortfolioMargin.Params).
struct param_field {
    const char* name;
    Wad* (*get)(sc::params&);
};
#define MARGIN_FIELD(name, member)                            \
    param_field {                                             \
        name, [](sc::params& p) -> Wad* { return &p.member; } \
    }
const std::array<param_field, 34> param_fields = {
    MARGIN_FIELD("rangeUp", vol_shock.range_up),
    MARGIN_FIELD("rangeDown", vol_shock.range_down),
    MARGIN_FIELD("shortTermPower", vol_shock.short_term_power),
    MARGIN_FIELD("longTermPower", vol_shock.long_term_power),
    MARGIN_FIELD("minVolUp", vol_shock.min_vol_up),
    param_field{"dteFloorSeconds", nullptr},
    MARGIN_FIELD("linearBaseCap", skew_shock.linear_base_cap),
    MARGIN_FIELD("linearCBase", skew_shock.linear_c_base),
    MARGIN_FIELD("absBaseCap", skew_shock.abs_base_cap),
    MARGIN_FIELD("absCBase", skew_shock.abs_c_base),
    MARGIN_FIELD("minKStar", skew_shock.min_k_star),
    MARGIN_FIELD("widthScale", skew_shock.width_scale),
    MARGIN_FIELD("volParamStatic", skew_shock.vol_param_static),
    MARGIN_FIELD("volParamScale", skew_shock.vol_param_scale),
    MARGIN_FIELD("imFactor", loss.im_factor),
    MARGIN_FIELD("mmFactor", loss.mm_factor),
    MARGIN_FIELD("longRateMult", loss.long_rate_mult),
    MARGIN_FIELD("longRateAdd", loss.long_rate_add),
    MARGIN_FIELD("shortRateMult", loss.short_rate_mult),
    MARGIN_FIELD("shortRateAdd", loss.short_rate_add),
    MARGIN_FIELD("longBaseDiscount", loss.long_base_discount),
    MARGIN_FIELD("shortBaseDiscount", loss.short_base_discount),
    MARGIN_FIELD("basisUp", basis.spot_up),
    MARGIN_FIELD("basisDown", basis.spot_down),
    MARGIN_FIELD("basisAdd", basis.add_factor),
    MARGIN_FIELD("basisMult", basis.mult_factor),
    MARGIN_FIELD("pegThreshold", contingency.peg_loss_threshold),
    MARGIN_FIELD("pegFactor", contingency.peg_loss_factor),
    MARGIN_FIELD("confidenceThreshold", contingency.confidence_threshold),
    MARGIN_FIELD("confidenceMargin", contingency.confidence_margin),
    MARGIN_FIELD("mmPerpPercent", contingency.mm_perp_percent),
    MARGIN_FIELD("imPerpPercent", contingency.im_perp_percent),
    MARGIN_FIELD("mmOptionPercent", contingency.mm_option_percent),
    MARGIN_FIELD("imOptionPercent", contingency.im_option_percent),
};
#undef MARGIN_FIELD

type ints(std::vector<std::string> names, std::vector<type> tail = {}, std::vector<std::string> tail_names = {}) {
    std::vector<type> t(names.size(), type::int_());
    t.insert(t.end(), tail.begin(), tail.end());
    names.insert(names.end(), tail_names.begin(), tail_names.end());
    return type::tuple_of(std::move(t), std::move(names));
}

value num(const I256& v) { return value::number(integer(v.big())); }
value num(const Wad& v) { return num(v.raw()); }

// Field readers over a value already shaped by the type (decode checked ranges); a
// hand-built value may not be, so every access is checked.
struct reader {
    std::optional<error> err;
    const std::vector<value>* list(const value& v, std::size_t n, const std::string& path) {
        const auto* l = v.as_list();
        if (!l || (n != SIZE_MAX && l->size() != n)) {
            if (!err) err = error{error_code::ABI_BAD_VALUE, path, path + ": not a tuple of " + std::to_string(n) + " or a list"};
            return nullptr;
        }
        return l;
    }
    I256 i256(const value& v, const std::string& path) {
        const integer* n = v.as_number();
        if (n && *n >= -(integer(1) << 255) && *n < (integer(1) << 255)) return I256::from_big(fp::detail::big256(*n)).value;
        if (!err) err = error{error_code::ABI_BAD_VALUE, path, path + ": not an int256"};
        return {};
    }
    bool boolean(const value& v, const std::string& path) {
        const integer* n = v.as_number();
        if (n && (*n == 0 || *n == 1)) return *n == 1;
        if (!err) err = error{error_code::ABI_BAD_VALUE, path, path + ": not a bool"};
        return false;
    }
};

error unrepresentable(std::string path, const std::string& why) {
    return error{error_code::NOT_REPRESENTABLE, path, "the chain's book cannot hold this: " + why};
}

}  // namespace

const type& book_type() {
    static const type t = [] {
        const type leg = type::tuple_of({type::int_(), type::int_(), type::int_(), type::boolean()}, {"strike", "vol", "amount", "call"});
        const type expiry = ints({"secondsToExpiry", "forward", "forwardConfidence", "rate", "discount", "futures", "futuresEntry"},
                                 {type::array_of(leg)}, {"legs"});
        const type collateral = type::tuple_of({type::int_(), type::int_(), type::int_(), type::int_(), type::int_(), type::boolean()},
                                               {"amount", "price", "confidence", "imHaircut", "mmHaircut", "riskCancelling"});
        return ints({"cash", "spot", "spotConfidence", "stablePrice", "perpPosition", "perpPrice", "perpEntry", "perpConfidence"},
                    {type::array_of(expiry), type::array_of(collateral)}, {"expiries", "collaterals"});
    }();
    return t;
}

const type& params_type() {
    static const type t = [] {
        const type scenario = type::tuple_of({type::int_(), type::uint_(8), type::int_()}, {"spotShock", "vol", "weight"});
        std::vector<type> fields{type::array_of(scenario)};
        std::vector<std::string> names{"scenarios"};
        for (const param_field& f : param_fields) {
            fields.push_back(type::int_());
            names.emplace_back(f.name);
        }
        return type::tuple_of(std::move(fields), std::move(names));
    }();
    return t;
}

value to_value(const book& b) {
    std::vector<value> expiries, collaterals;
    for (const book_expiry& e : b.expiries) {
        std::vector<value> legs;
        for (const book_leg& l : e.legs) legs.push_back(value::list({num(l.strike), num(l.vol), num(l.amount), value::boolean(l.call)}));
        expiries.push_back(value::list({num(e.seconds_to_expiry), num(e.forward), num(e.forward_confidence), num(e.rate), num(e.discount),
                                        num(e.futures), num(e.futures_entry), value::list(std::move(legs))}));
    }
    for (const book_collateral& c : b.collaterals)
        collaterals.push_back(value::list(
            {num(c.amount), num(c.price), num(c.confidence), num(c.im_haircut), num(c.mm_haircut), value::boolean(c.risk_cancelling)}));
    return value::list({num(b.cash), num(b.spot), num(b.spot_confidence), num(b.stable_price), num(b.perp_position), num(b.perp_price),
                        num(b.perp_entry), num(b.perp_confidence), value::list(std::move(expiries)), value::list(std::move(collaterals))});
}

value to_value(const sc::params& p) {
    std::vector<value> scenarios;
    for (const sc::scenario& s : p.scenarios)
        scenarios.push_back(value::list({num(s.spot_shock), value::number(static_cast<unsigned>(s.vol)), num(s.weight)}));
    std::vector<value> fields{value::list(std::move(scenarios))};
    sc::params copy = p;  // the field table reads through a mutable reference
    for (const param_field& f : param_fields) fields.push_back(f.get ? num(*f.get(copy)) : value::number(p.vol_shock.dte_floor_seconds));
    return value::list(std::move(fields));
}

outcome<book> book_from_value(const value& v) {
    reader r;
    book b;
    const auto* f = r.list(v, 10, "");
    if (!f) return outcome<book>::failure(*r.err);
    I256* heads[] = {&b.cash,          &b.spot,       &b.spot_confidence, &b.stable_price,
                     &b.perp_position, &b.perp_price, &b.perp_entry,      &b.perp_confidence};
    for (std::size_t i = 0; i < 8; ++i) *heads[i] = r.i256((*f)[i], "/" + book_type().names[i]);
    if (const auto* es = r.list((*f)[8], SIZE_MAX, "/expiries"))
        for (std::size_t i = 0; i < es->size(); ++i) {
            const std::string p = "/expiries/" + std::to_string(i);
            const auto* e = r.list((*es)[i], 8, p);
            if (!e) break;
            book_expiry x;
            I256* fs[] = {&x.seconds_to_expiry, &x.forward, &x.forward_confidence, &x.rate, &x.discount, &x.futures, &x.futures_entry};
            for (std::size_t j = 0; j < 7; ++j) *fs[j] = r.i256((*e)[j], p + "/" + std::to_string(j));
            if (const auto* ls = r.list((*e)[7], SIZE_MAX, p + "/legs"))
                for (std::size_t j = 0; j < ls->size(); ++j) {
                    const std::string lp = p + "/legs/" + std::to_string(j);
                    const auto* l = r.list((*ls)[j], 4, lp);
                    if (!l) break;
                    x.legs.push_back({r.i256((*l)[0], lp + "/strike"), r.i256((*l)[1], lp + "/vol"), r.i256((*l)[2], lp + "/amount"),
                                      r.boolean((*l)[3], lp + "/call")});
                }
            b.expiries.push_back(std::move(x));
        }
    if (const auto* cs = r.list((*f)[9], SIZE_MAX, "/collaterals"))
        for (std::size_t i = 0; i < cs->size(); ++i) {
            const std::string p = "/collaterals/" + std::to_string(i);
            const auto* c = r.list((*cs)[i], 6, p);
            if (!c) break;
            b.collaterals.push_back({r.i256((*c)[0], p + "/amount"), r.i256((*c)[1], p + "/price"), r.i256((*c)[2], p + "/confidence"),
                                     r.i256((*c)[3], p + "/imHaircut"), r.i256((*c)[4], p + "/mmHaircut"),
                                     r.boolean((*c)[5], p + "/riskCancelling")});
        }
    if (r.err) return outcome<book>::failure(*r.err);
    return {std::move(b), std::nullopt};
}

outcome<sc::params> params_from_value(const value& v) {
    reader r;
    sc::params p;
    const auto* f = r.list(v, 1 + param_fields.size(), "");
    if (!f) return outcome<sc::params>::failure(*r.err);
    if (const auto* ss = r.list((*f)[0], SIZE_MAX, "/scenarios"))
        for (std::size_t i = 0; i < ss->size(); ++i) {
            const std::string sp = "/scenarios/" + std::to_string(i);
            const auto* s = r.list((*ss)[i], 3, sp);
            if (!s) break;
            const integer* vol = (*s)[1].as_number();
            if (!vol || *vol < 0 || *vol > 4) {
                if (!r.err) r.err = error{error_code::ABI_BAD_VALUE, sp + "/vol", sp + "/vol: a vol move is 0 (none) to 4 (abs_skew)"};
                break;
            }
            p.scenarios.push_back({Wad::from_raw(r.i256((*s)[0], sp + "/spotShock")),
                                   static_cast<sc::vol_move>(vol->convert_to<unsigned>()), Wad::from_raw(r.i256((*s)[2], sp + "/weight"))});
        }
    for (std::size_t i = 0; i < param_fields.size(); ++i) {
        const std::string fp_ = std::string("/") + param_fields[i].name;
        if (param_fields[i].get) {
            *param_fields[i].get(p) = Wad::from_raw(r.i256((*f)[i + 1], fp_));
            continue;
        }
        const integer* n = (*f)[i + 1].as_number();
        if (!n || *n < std::numeric_limits<std::int64_t>::min() || *n > std::numeric_limits<std::int64_t>::max()) {
            if (!r.err) r.err = error{error_code::ABI_BAD_VALUE, fp_, fp_ + ": seconds outside int64"};
        } else
            p.vol_shock.dte_floor_seconds = n->convert_to<std::int64_t>();
    }
    if (r.err) return outcome<sc::params>::failure(*r.err);
    return {std::move(p), std::nullopt};
}

outcome<book> book_of(const margin::request& req) {
    using margin::instrument_type;
    auto fail = [](std::string path, const std::string& why) { return outcome<book>::failure(unrepresentable(std::move(path), why)); };
    if (req.model != margin::margin_model::portfolio) return fail("/params", "the chain runs the portfolio model only");
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
    // the parameters through the JSON API's validation once: a request with no account
    margin::request q;
    q.model = margin::margin_model::portfolio;
    q.portfolio.version = "portfolio/1";
    q.portfolio.scenarios = params;
    q.market.timestamp = 1;
    q.market.stable_price = Wad::from_int(1);
    margin::underlying_market um;
    um.spot = Wad::from_int(1);
    q.market.underlyings[underlying] = um;
    auto parsed = margin::api::parse_request(margin::api::canonical_request(q));
    if (!parsed.ok()) return outcome<request_builder>::failure(*parsed.err);
    // (the name passed the API's symbol check, ASCII: build()'s documents hold valid UTF-8)
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
        em.forward = wad(e.forward);
        em.forward_confidence = wad(e.forward_confidence);
        em.rate = wad(e.rate);
        em.discount_factor = wad(e.discount);
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
    if (own_params) q.portfolio = params_;
    for (std::size_t i = 0; i < b.collaterals.size(); ++i) {
        const book_collateral& c = b.collaterals[i];
        const std::string asset = c.risk_cancelling ? underlying : "C" + std::to_string(i);
        if (q.acct.collateral.count(asset)) return fail("/collaterals/" + std::to_string(i), "two risk-cancelling collaterals");
        q.acct.collateral[asset] = wad(c.amount);
        q.market.collateral[asset] = {wad(c.price), wad(c.confidence)};
        q.portfolio.collateral[asset] = {wad(c.im_haircut), wad(c.mm_haircut), c.risk_cancelling};
    }
    q.market.underlyings[underlying] = std::move(um);
    // Through the JSON API's own validation (and its derived fields): the canonical document,
    // with the discount factors the chain leaves implicit removed (not printed and re-parsed:
    // that took most of a keeper's time per account).
    nlohmann::json doc = margin::api::canonical_document(q);
    auto& exps = doc["market"]["underlyings"][underlying]["expiries"];
    for (std::size_t i = 0; i < implicit_discount.size(); ++i)
        if (implicit_discount[i]) exps[i].erase("discount_factor");
    if (!own_params) doc.erase("params");
    auto parsed = own_params ? margin::api::parse_request_document(doc) : margin::api::parse_request_document(doc, params_);
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

hash256 input_hash(const book& b, const sc::params& p, std::uint64_t scenario_id) {
    static const type args = type::tuple_of({book_type(), params_type(), type::uint_()});
    // Book and Params values always fit their types, so encode cannot fail here.
    const auto encoded = encode(args, value::list({to_value(b), to_value(p), value::number(scenario_id)}));
    return keccak256(encoded.value);
}

}  // namespace abi
