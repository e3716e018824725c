// Book and Params as ABI values (PortfolioMargin.sol's structs, field for field) and the
// input hash over them.
#include "bridge/book.hpp"

#include <array>
#include <limits>

namespace bridge {
namespace {

namespace sc = margin::scenario;
using abi::integer;
using abi::type;
using abi::value;
using fp::Wad;
using margin::error;
using margin::error_code;
using margin::outcome;

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
        if (n) {
            if (auto r = I256::from_integer(*n); r.ok()) return r.value;
        }
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

abi::hash256 input_hash(const book& b, const sc::params& p, std::uint64_t scenario_id) {
    static const type args = type::tuple_of({book_type(), params_type(), type::uint_()});
    // Book and Params values always fit their types, so encode cannot fail here.
    const auto encoded = abi::encode(args, value::list({to_value(b), to_value(p), value::number(scenario_id)}));
    return abi::keccak256(encoded.value);
}

abi::hash256 param_hash(const sc::params& p) {
    static const type args = type::tuple_of({params_type()});
    // A Params value always fits its type, so encode cannot fail here.
    const auto encoded = abi::encode(args, value::list({to_value(p)}));
    return abi::keccak256(encoded.value);
}

}  // namespace bridge
