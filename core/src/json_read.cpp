// JSON v1 request -> validated model. Two stages: a SAX pass that builds the
// document while rejecting what JSON allows but the API does not (numbers,
// duplicate keys, excessive depth), then a decoder that checks every field's
// type, presence and bounds in a fixed order, so the first error reported is
// the same on every build. docs/api.md lists the codes and bounds.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <tuple>

#include "core/json_api.hpp"
#include "core/wad_ops.hpp"

namespace margin {
namespace {

using json = nlohmann::json;
using fp::rounding;

constexpr std::size_t max_input_bytes = 16u << 20;
constexpr std::size_t max_depth = 16;
constexpr std::size_t max_positions = 10000;
constexpr std::size_t max_symbol_length = 32;
constexpr std::size_t max_id_length = 64;
constexpr std::int64_t max_timestamp = 100'000'000'000;  // year ~5138

std::string escape_token(const std::string& k) {
    std::string out;
    for (char ch : k) {
        if (ch == '~') out += "~0";
        else if (ch == '/') out += "~1";
        else out += ch;
    }
    return out;
}

std::string child(const std::string& path, const std::string& key) { return path + "/" + escape_token(key); }
std::string child(const std::string& path, std::size_t index) { return path + "/" + std::to_string(index); }

// --- stage 1: the document -----------------------------------------------------------

class dom_builder final : public nlohmann::json_sax<json> {
public:
    json root;
    std::optional<error> err;

    bool null() override { return put(json(nullptr)); }
    bool boolean(bool v) override { return put(json(v)); }
    bool number_integer(number_integer_t) override { return number(); }
    bool number_unsigned(number_unsigned_t) override { return number(); }
    // The value (a binary floating-point number) is never read: the API refuses it.
    bool number_float(number_float_t, const string_t&) override { return number(); }
    bool string(string_t& v) override { return put(json(std::move(v))); }
    bool binary(binary_t&) override { return fail("JSON_SYNTAX", value_pointer(), "binary values are not JSON text"); }
    bool start_object(std::size_t) override { return open(json::object()); }
    bool end_object() override { return close(); }
    bool start_array(std::size_t) override { return open(json::array()); }
    bool end_array() override { return close(); }
    bool key(string_t& k) override {
        if (frames_.back().node->contains(k))
            return fail("DUPLICATE_KEY", frames_.back().path + "/" + escape_token(k), "the key \"" + k + "\" appears twice in this object");
        key_ = k;
        return true;
    }
    bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
        if (!err) err = error{"JSON_SYNTAX", "", "not valid JSON at byte " + std::to_string(position) + ": " + ex.what()};
        return false;
    }

private:
    struct frame {
        json* node;
        std::string path;
    };
    std::vector<frame> frames_;
    std::string key_;

    bool fail(const char* code, std::string path, std::string message) {
        if (!err) err = error{code, std::move(path), std::move(message)};
        return false;
    }
    std::string value_pointer() const {
        if (frames_.empty()) return "";
        const frame& f = frames_.back();
        return f.node->is_array() ? child(f.path, f.node->size()) : child(f.path, key_);
    }
    bool number() {
        return fail("JSON_NUMBER", value_pointer(), "numbers must be strings holding exact decimals, e.g. \"1.5\"");
    }
    json* insert(json v) {
        if (frames_.empty()) {
            root = std::move(v);
            return &root;
        }
        json& top = *frames_.back().node;
        if (top.is_array()) {
            top.push_back(std::move(v));
            return &top.back();
        }
        json& slot = top[key_];
        slot = std::move(v);
        return &slot;
    }
    bool put(json v) {
        insert(std::move(v));
        return true;
    }
    bool open(json v) {
        if (frames_.size() >= max_depth) return fail("JSON_TOO_DEEP", value_pointer(), "nesting deeper than 16 levels");
        std::string path = value_pointer();
        json* n = insert(std::move(v));
        frames_.push_back({n, std::move(path)});
        return true;
    }
    bool close() {
        frames_.pop_back();
        return true;
    }
};

// --- stage 2: the model ----------------------------------------------------------------

const char* type_name(const json& v) {
    switch (v.type()) {
        case json::value_t::object: return "an object";
        case json::value_t::array: return "an array";
        case json::value_t::string: return "a string";
        case json::value_t::boolean: return "a boolean";
        case json::value_t::null: return "null";
        default: return "a number";
    }
}

class decoder {
public:
    std::optional<error> err;

    bool failed() const noexcept { return err.has_value(); }

    bool fail(const char* code, const std::string& path, std::string message) {
        if (!err) err = error{code, path, std::move(message)};
        return false;
    }

    bool is_object(const json& v, const std::string& path) {
        return v.is_object() || fail("WRONG_TYPE", path, std::string("expected an object, got ") + type_name(v));
    }
    bool is_array(const json& v, const std::string& path) {
        return v.is_array() || fail("WRONG_TYPE", path, std::string("expected an array, got ") + type_name(v));
    }

    /// Rejects any key not in `allowed` (the first in byte order is reported).
    bool only(const json& obj, const std::string& path, std::initializer_list<std::string_view> allowed) {
        for (const auto& [k, v] : obj.items()) {
            if (std::find(allowed.begin(), allowed.end(), k) == allowed.end())
                return fail("UNKNOWN_FIELD", child(path, k), "unknown field \"" + k + "\"");
        }
        return true;
    }

    const json* field(const json& obj, const std::string& path, const char* key, bool required) {
        auto it = obj.find(key);
        if (it == obj.end()) {
            if (required) fail("MISSING_FIELD", child(path, key), std::string("the field \"") + key + "\" is required");
            return nullptr;
        }
        return &*it;
    }

    std::optional<std::string> text(const json& obj, const std::string& path, const char* key, bool required) {
        const json* v = field(obj, path, key, required);
        if (!v) return std::nullopt;
        if (!v->is_string()) {
            fail("WRONG_TYPE", child(path, key), std::string("expected a string, got ") + type_name(*v));
            return std::nullopt;
        }
        return v->get<std::string>();
    }

    std::optional<Wad> decimal_value(const json& v, const std::string& path) {
        if (!v.is_string()) {
            fail("WRONG_TYPE", path, std::string("expected a decimal string, got ") + type_name(v));
            return std::nullopt;
        }
        const std::string& s = v.get_ref<const std::string&>();
        const auto r = fp::parse(s);
        if (r.ok()) return r.value;
        if (r.error == fp::errc::parse_precision)
            fail("DECIMAL_PRECISION", path, "\"" + s + "\" has more than 18 fractional digits (never rounded)");
        else if (r.error == fp::errc::parse_range)
            fail("DECIMAL_RANGE", path, "\"" + s + "\" is outside the int256 fixed-point range");
        else
            fail("BAD_DECIMAL", path, "\"" + s + "\" is not a decimal: expected -?[0-9]+(.[0-9]{1,18})?");
        return std::nullopt;
    }

    std::optional<Wad> decimal(const json& obj, const std::string& path, const char* key, bool required) {
        const json* v = field(obj, path, key, required);
        if (!v) return std::nullopt;
        return decimal_value(*v, child(path, key));
    }

    std::optional<std::int64_t> integer(const json& obj, const std::string& path, const char* key, bool required) {
        const json* v = field(obj, path, key, required);
        if (!v) return std::nullopt;
        const std::string p = child(path, key);
        if (!v->is_string()) {
            fail("WRONG_TYPE", p, std::string("expected an integer string, got ") + type_name(*v));
            return std::nullopt;
        }
        const std::string& s = v->get_ref<const std::string&>();
        bool digits = !s.empty() && s.size() <= 12 && (s.size() == 1 || s[0] != '0');
        std::int64_t n = 0;
        for (char ch : s) {
            if (ch < '0' || ch > '9') digits = false;
            else n = n * 10 + (ch - '0');
            if (!digits) break;
        }
        if (!digits || n <= 0 || n > max_timestamp) {
            fail("BAD_INTEGER", p, "\"" + s + "\" is not a Unix time in seconds: expected [1-9][0-9]* up to 100000000000");
            return std::nullopt;
        }
        return n;
    }

    // Bounds. Each returns false (and records the error) when violated.
    bool positive(const Wad& v, const std::string& path) {
        return v.raw().sign() > 0 || fail("NOT_POSITIVE", path, "must be > 0, got " + fp::format(v));
    }
    bool non_negative(const Wad& v, const std::string& path) {
        return v.raw().sign() >= 0 || fail("NEGATIVE", path, "must be >= 0, got " + fp::format(v));
    }
    bool at_most(const Wad& v, const Wad& bound, const std::string& path) {
        return v <= bound || fail("OUT_OF_RANGE", path, "must be <= " + fp::format(bound) + ", got " + fp::format(v));
    }
    bool abs_at_most(const Wad& v, const Wad& bound, const std::string& path) {
        const Wad neg_bound = fp::neg(bound).value;
        return (v <= bound && v >= neg_bound) ||
               fail("OUT_OF_RANGE", path, "must be within +-" + fp::format(bound) + ", got " + fp::format(v));
    }
    bool symbol(const std::string& s, const std::string& path, bool allow_star) {
        bool good = !s.empty() && s.size() <= max_symbol_length;
        for (char ch : s)
            good = good && ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' ||
                            ch == '-' || ch == '.');
        if (allow_star && s == "*") good = true;
        return good || fail("BAD_SYMBOL", path, "\"" + s + "\" is not a symbol: 1-32 characters of A-Z a-z 0-9 _ - .");
    }
};

const Wad MAX_PRICE = Wad::from_int(1'000'000'000'000'000);      // 1e15
const Wad MAX_AMOUNT = Wad::from_int(1'000'000'000'000'000'000);  // 1e18
const Wad MAX_SIZE = Wad::from_int(1'000'000'000'000);            // 1e12
const Wad MAX_CONTRACT_SIZE = Wad::from_int(1'000'000);
const Wad MAX_VOL = Wad::from_int(10);
const Wad MAX_RATE = Wad::from_int(10);
const Wad MAX_DF = Wad::from_int(2);
const Wad MAX_SVI = Wad::from_int(100);
const Wad ONE = Wad::from_int(1);

// A required price: > 0 and <= 1e15.
std::optional<Wad> price(decoder& d, const json& o, const std::string& path, const char* key, bool required) {
    auto v = d.decimal(o, path, key, required);
    if (v && !(d.positive(*v, child(path, key)) && d.at_most(*v, MAX_PRICE, child(path, key)))) return std::nullopt;
    return v;
}

// A fraction in [0, 1].
std::optional<Wad> fraction(decoder& d, const json& o, const std::string& path, const char* key) {
    auto v = d.decimal(o, path, key, true);
    if (v && !(d.non_negative(*v, child(path, key)) && d.at_most(*v, ONE, child(path, key)))) return std::nullopt;
    return v;
}

// --- parameters ---

void decode_option_rates(decoder& d, const json& o, const std::string& path, option_rates& r) {
    if (!d.is_object(o, path) || !d.only(o, path, {"im_floor", "im_otm_base", "mm_floor", "mm_otm_base"})) return;
    auto a = fraction(d, o, path, "im_otm_base");
    auto b = fraction(d, o, path, "im_floor");
    auto c = fraction(d, o, path, "mm_otm_base");
    auto e = fraction(d, o, path, "mm_floor");
    if (d.failed()) return;
    r = {*a, *b, *c, *e};
    if (r.mm_otm_base > r.im_otm_base || r.mm_floor > r.im_floor)
        d.fail("INCONSISTENT_PARAMS", path, "maintenance rates must not exceed initial rates (IM >= MM)");
}

void decode_linear_rates(decoder& d, const json& o, const std::string& path, linear_rates& r) {
    if (!d.is_object(o, path) || !d.only(o, path, {"im_base", "max_rate", "mm_base", "size_slope"})) return;
    auto a = fraction(d, o, path, "im_base");
    auto b = fraction(d, o, path, "mm_base");
    auto c = fraction(d, o, path, "size_slope");
    auto e = fraction(d, o, path, "max_rate");
    if (d.failed()) return;
    r = {*a, *b, *c, *e};
    if (r.mm_base > r.im_base) d.fail("INCONSISTENT_PARAMS", path, "mm_base must not exceed im_base (IM >= MM)");
}

void decode_params(decoder& d, const json& o, const std::string& path, standard_params& p) {
    if (!d.is_object(o, path) || !d.only(o, path, {"collateral", "underlyings", "version"})) return;
    auto version = d.text(o, path, "version", true);
    if (d.failed()) return;
    if (*version != "standard/1") {
        d.fail("UNSUPPORTED_VERSION", child(path, "version"), "parameter documents of version \"standard/1\" are supported, got \"" + *version + "\"");
        return;
    }
    p.version = *version;
    const json* u = d.field(o, path, "underlyings", true);
    if (!u) return;
    const std::string up = child(path, "underlyings");
    if (!d.is_object(*u, up)) return;
    for (const auto& [sym, v] : u->items()) {
        const std::string sp = child(up, sym);
        if (!d.symbol(sym, sp, true) || !d.is_object(v, sp) || !d.only(v, sp, {"future", "option", "perp"})) return;
        underlying_params q;
        for (const char* k : {"option", "perp", "future"}) {
            const json* g = d.field(v, sp, k, true);
            if (!g) return;
            if (std::string_view(k) == "option") decode_option_rates(d, *g, child(sp, k), q.option);
            else decode_linear_rates(d, *g, child(sp, k), std::string_view(k) == "perp" ? q.perp : q.future);
            if (d.failed()) return;
        }
        p.underlyings.emplace(sym, q);
    }
    const json* c = d.field(o, path, "collateral", true);
    if (!c) return;
    const std::string cp = child(path, "collateral");
    if (!d.is_object(*c, cp)) return;
    for (const auto& [asset, v] : c->items()) {
        const std::string ap = child(cp, asset);
        if (!d.symbol(asset, ap, false) || !d.is_object(v, ap) || !d.only(v, ap, {"im_haircut", "mm_haircut"})) return;
        auto im = fraction(d, v, ap, "im_haircut");
        auto mm = fraction(d, v, ap, "mm_haircut");
        if (d.failed()) return;
        if (*mm > *im) {
            d.fail("INCONSISTENT_PARAMS", ap, "mm_haircut must not exceed im_haircut (IM >= MM)");
            return;
        }
        p.collateral.emplace(asset, haircut{*im, *mm});
    }
}

// --- market ---

void decode_svi(decoder& d, const json& o, const std::string& path, svi_params& s) {
    if (!d.is_object(o, path) || !d.only(o, path, {"a", "b", "m", "rho", "sigma"})) return;
    auto a = d.decimal(o, path, "a", true);
    auto b = d.decimal(o, path, "b", true);
    auto rho = d.decimal(o, path, "rho", true);
    auto m = d.decimal(o, path, "m", true);
    auto sigma = d.decimal(o, path, "sigma", true);
    if (d.failed()) return;
    if (!d.abs_at_most(*a, MAX_SVI, child(path, "a")) || !d.non_negative(*b, child(path, "b")) ||
        !d.at_most(*b, MAX_SVI, child(path, "b")) || !d.abs_at_most(*m, MAX_SVI, child(path, "m")) ||
        !d.positive(*sigma, child(path, "sigma")) || !d.at_most(*sigma, MAX_SVI, child(path, "sigma")))
        return;
    if (!(*rho < ONE && *rho > fp::neg(ONE).value)) {
        d.fail("OUT_OF_RANGE", child(path, "rho"), "rho must be in (-1, 1), got " + fp::format(*rho));
        return;
    }
    s = {*a, *b, *rho, *m, *sigma};
}

void decode_expiry(decoder& d, const json& o, const std::string& path, const underlying_market& um, std::int64_t ts,
                   expiry_market& e) {
    if (!d.is_object(o, path) || !d.only(o, path, {"discount_factor", "expiry", "forward", "rate", "svi"})) return;
    auto expiry = d.integer(o, path, "expiry", true);
    if (d.failed()) return;
    if (*expiry <= ts) {
        d.fail("EXPIRY_IN_PAST", child(path, "expiry"), "expiry " + std::to_string(*expiry) + " is not after the snapshot timestamp " + std::to_string(ts) + " (expired instruments are rejected, not settled)");
        return;
    }
    if (*expiry - ts > fp::max_expiry_seconds) {
        d.fail("EXPIRY_TOO_FAR", child(path, "expiry"), "expiry is more than 2,000,000,000 seconds (~63 years) after the snapshot");
        return;
    }
    e.expiry = *expiry;
    e.seconds_to_expiry = *expiry - ts;
    e.sqrt_year_q125 = fp::sqrt_year_fraction(e.seconds_to_expiry).value;  // in range: checked above
    auto forward = price(d, o, path, "forward", false);
    auto rate = d.decimal(o, path, "rate", false);
    auto df = d.decimal(o, path, "discount_factor", false);
    if (d.failed()) return;
    if (rate && !d.abs_at_most(*rate, MAX_RATE, child(path, "rate"))) return;
    if (df && !(d.positive(*df, child(path, "discount_factor")) && d.at_most(*df, MAX_DF, child(path, "discount_factor")))) return;
    if (!forward && !rate) {
        d.fail("MISSING_FIELD", child(path, "forward"), "give the expiry's forward, or a rate to derive it from spot");
        return;
    }
    calc c;
    // r t with t = seconds / 31,536,000, floor; F = floor(spot e^(r t)); DF = floor(e^(-r t)).
    const Wad rt = rate ? c(fp::mul_div(*rate, raw_i128(e.seconds_to_expiry), raw_i128(fp::seconds_per_year), rounding::floor)) : Wad{};
    e.forward = forward ? *forward : c(fp::mul(um.spot, c(fp::exp(rt)), rounding::floor));
    e.discount_factor = df ? *df : (rate ? c(fp::exp(c(fp::neg(rt)))) : ONE);
    if (!c.ok() || e.forward.raw().sign() <= 0 || e.forward > MAX_PRICE || e.discount_factor.raw().sign() <= 0) {
        d.fail("OUT_OF_RANGE", child(path, "rate"), "the rate gives a forward or discount factor outside (0, 1e15]");
        return;
    }
    if (const json* s = d.field(o, path, "svi", false)) {
        svi_params sv;
        decode_svi(d, *s, child(path, "svi"), sv);
        if (!d.failed()) e.svi = sv;
    }
}

void decode_market(decoder& d, const json& o, const std::string& path, market_state& m) {
    if (!d.is_object(o, path) || !d.only(o, path, {"collateral", "timestamp", "underlyings"})) return;
    auto ts = d.integer(o, path, "timestamp", true);
    if (d.failed()) return;
    m.timestamp = *ts;
    const json* u = d.field(o, path, "underlyings", true);
    if (!u) return;
    const std::string up = child(path, "underlyings");
    if (!d.is_object(*u, up)) return;
    for (const auto& [sym, v] : u->items()) {
        const std::string sp = child(up, sym);
        if (!d.symbol(sym, sp, false) || !d.is_object(v, sp) ||
            !d.only(v, sp, {"expiries", "perp_mark", "spot", "spot_confidence"}))
            return;
        underlying_market um;
        auto spot = price(d, v, sp, "spot", true);
        auto conf = d.decimal(v, sp, "spot_confidence", false);
        auto perp = price(d, v, sp, "perp_mark", false);
        if (d.failed()) return;
        um.spot = *spot;
        um.spot_confidence = conf ? *conf : Wad{};
        if (!d.non_negative(um.spot_confidence, child(sp, "spot_confidence"))) return;
        if (um.spot_confidence > um.spot) {
            d.fail("OUT_OF_RANGE", child(sp, "spot_confidence"), "confidence must not exceed the price");
            return;
        }
        um.perp_mark = perp;
        if (const json* ex = d.field(v, sp, "expiries", false)) {
            const std::string ep = child(sp, "expiries");
            if (!d.is_array(*ex, ep)) return;
            for (std::size_t i = 0; i < ex->size(); ++i) {
                expiry_market e;
                decode_expiry(d, (*ex)[i], child(ep, i), um, m.timestamp, e);
                if (d.failed()) return;
                if (um.find(e.expiry)) {
                    d.fail("DUPLICATE_EXPIRY", child(child(ep, i), "expiry"), "expiry " + std::to_string(e.expiry) + " is listed twice");
                    return;
                }
                um.expiries.push_back(e);
            }
            std::sort(um.expiries.begin(), um.expiries.end(), [](const expiry_market& a, const expiry_market& b) { return a.expiry < b.expiry; });
        }
        m.underlyings.emplace(sym, std::move(um));
    }
    if (const json* c = d.field(o, path, "collateral", false)) {
        const std::string cp = child(path, "collateral");
        if (!d.is_object(*c, cp)) return;
        for (const auto& [asset, v] : c->items()) {
            const std::string ap = child(cp, asset);
            if (!d.symbol(asset, ap, false) || !d.is_object(v, ap) || !d.only(v, ap, {"confidence", "price"})) return;
            auto p = price(d, v, ap, "price", true);
            auto conf = d.decimal(v, ap, "confidence", false);
            if (d.failed()) return;
            asset_price a{*p, conf ? *conf : Wad{}};
            if (!d.non_negative(a.confidence, child(ap, "confidence"))) return;
            if (a.confidence > a.price) {
                d.fail("OUT_OF_RANGE", child(ap, "confidence"), "confidence must not exceed the price");
                return;
            }
            m.collateral.emplace(asset, a);
        }
    }
}

// --- account ---

void decode_position(decoder& d, const json& o, const std::string& path, const request& req, position& p) {
    if (!d.is_object(o, path)) return;
    auto type = d.text(o, path, "type", true);
    if (d.failed()) return;
    if (*type == "option") {
        p.type = instrument_type::option;
        d.only(o, path, {"contract_size", "expiry", "id", "isolated_margin", "mark_vol", "option_type", "size", "strike", "type", "underlying"});
    } else if (*type == "perp") {
        p.type = instrument_type::perp;
        d.only(o, path, {"entry_price", "funding", "id", "isolated_margin", "size", "type", "underlying"});
    } else if (*type == "future") {
        p.type = instrument_type::future;
        d.only(o, path, {"entry_price", "expiry", "id", "isolated_margin", "size", "type", "underlying"});
    } else {
        d.fail("BAD_ENUM", child(path, "type"), "type must be \"option\", \"perp\" or \"future\", got \"" + *type + "\"");
    }
    if (d.failed()) return;
    if (auto id = d.text(o, path, "id", false)) {
        if (id->empty() || id->size() > max_id_length) {
            d.fail("OUT_OF_RANGE", child(path, "id"), "id must be 1-64 characters");
            return;
        }
        p.id = *id;
    }
    auto und = d.text(o, path, "underlying", true);
    if (d.failed()) return;
    const std::string upath = child(path, "underlying");
    if (!d.symbol(*und, upath, false)) return;
    auto um = req.market.underlyings.find(*und);
    if (um == req.market.underlyings.end()) {
        d.fail("UNKNOWN_UNDERLYING", upath, "the market has no underlying \"" + *und + "\"");
        return;
    }
    if (!req.params.for_underlying(*und)) {
        d.fail("NO_PARAMS_FOR_UNDERLYING", upath, "the parameters have no entry for \"" + *und + "\" and no \"*\" default");
        return;
    }
    p.underlying = *und;
    auto size = d.decimal(o, path, "size", true);
    if (d.failed() || !d.abs_at_most(*size, MAX_SIZE, child(path, "size"))) return;
    p.size = *size;
    if (p.type != instrument_type::perp) {
        auto expiry = d.integer(o, path, "expiry", true);
        if (d.failed()) return;
        if (!um->second.find(*expiry)) {
            d.fail("UNKNOWN_EXPIRY", child(path, "expiry"), "the market lists no expiry " + std::to_string(*expiry) + " for " + *und);
            return;
        }
        p.expiry = *expiry;
    }
    if (p.type == instrument_type::option) {
        auto kind = d.text(o, path, "option_type", true);
        if (d.failed()) return;
        if (*kind == "call") p.kind = option_kind::call;
        else if (*kind == "put") p.kind = option_kind::put;
        else {
            d.fail("BAD_ENUM", child(path, "option_type"), "option_type must be \"call\" or \"put\", got \"" + *kind + "\"");
            return;
        }
        auto strike = price(d, o, path, "strike", true);
        auto cs = d.decimal(o, path, "contract_size", false);
        auto vol = d.decimal(o, path, "mark_vol", false);
        if (d.failed()) return;
        p.strike = *strike;
        p.contract_size = cs ? *cs : ONE;
        if (!d.positive(p.contract_size, child(path, "contract_size")) ||
            !d.at_most(p.contract_size, MAX_CONTRACT_SIZE, child(path, "contract_size")))
            return;
        // size * contract_size must be exact at 18 decimals: it is the quantity margined.
        if (fp::mul(p.size, p.contract_size, rounding::floor).value != fp::mul(p.size, p.contract_size, rounding::ceil).value) {
            d.fail("QUANTITY_PRECISION", child(path, "size"), "size * contract_size has more than 18 fractional digits");
            return;
        }
        if (vol && !(d.positive(*vol, child(path, "mark_vol")) && d.at_most(*vol, MAX_VOL, child(path, "mark_vol")))) return;
        p.mark_vol = vol;
        if (!vol && !um->second.find(p.expiry)->svi) {
            d.fail("NO_VOLATILITY", path, "no mark_vol and no SVI surface for this expiry");
            return;
        }
    } else {
        if (p.type == instrument_type::perp && !um->second.perp_mark) {
            d.fail("NO_PERP_MARK", upath, "the market gives no perp_mark for \"" + *und + "\"");
            return;
        }
        p.entry_price = price(d, o, path, "entry_price", false);
        if (p.type == instrument_type::perp) {
            auto f = d.decimal(o, path, "funding", false);
            if (f && !d.abs_at_most(*f, MAX_AMOUNT, child(path, "funding"))) return;
            p.funding = f ? *f : Wad{};
        }
        if (d.failed()) return;
    }
    auto iso = d.decimal(o, path, "isolated_margin", false);
    if (d.failed()) return;
    if (req.acct.mode == margin_mode::isolated) {
        if (!iso) {
            d.fail("ISOLATED_MARGIN_REQUIRED", child(path, "isolated_margin"), "isolated mode: each position needs its isolated_margin");
            return;
        }
        if (!d.non_negative(*iso, child(path, "isolated_margin")) || !d.at_most(*iso, MAX_AMOUNT, child(path, "isolated_margin"))) return;
        p.isolated_margin = iso;
    } else if (iso) {
        d.fail("ISOLATED_MARGIN_NOT_ALLOWED", child(path, "isolated_margin"), "isolated_margin needs \"margin_mode\": \"isolated\"");
    }
}

void decode_account(decoder& d, const json& o, const std::string& path, request& req) {
    if (!d.is_object(o, path) || !d.only(o, path, {"cash", "collateral", "margin_mode", "positions"})) return;
    account& a = req.acct;
    if (auto mode = d.text(o, path, "margin_mode", false)) {
        if (*mode == "cross") a.mode = margin_mode::cross;
        else if (*mode == "isolated") a.mode = margin_mode::isolated;
        else {
            d.fail("BAD_ENUM", child(path, "margin_mode"), "margin_mode must be \"cross\" or \"isolated\", got \"" + *mode + "\"");
            return;
        }
    }
    if (d.failed()) return;
    auto cash = d.decimal(o, path, "cash", false);
    if (d.failed()) return;
    a.cash = cash ? *cash : Wad{};
    if (!d.abs_at_most(a.cash, MAX_AMOUNT, child(path, "cash"))) return;
    if (const json* c = d.field(o, path, "collateral", false)) {
        const std::string cp = child(path, "collateral");
        if (!d.is_object(*c, cp)) return;
        for (const auto& [asset, v] : c->items()) {
            const std::string ap = child(cp, asset);
            if (!d.symbol(asset, ap, false)) return;
            auto amount = d.decimal_value(v, ap);
            if (d.failed() || !d.non_negative(*amount, ap) || !d.at_most(*amount, MAX_AMOUNT, ap)) return;
            if (!req.market.collateral.count(asset)) {
                d.fail("UNPRICED_COLLATERAL", ap, "the market gives no price for \"" + asset + "\"");
                return;
            }
            if (!req.params.collateral.count(asset)) {
                d.fail("COLLATERAL_NOT_ACCEPTED", ap, "the parameters give no haircut for \"" + asset + "\", so it is not accepted");
                return;
            }
            a.collateral.emplace(asset, *amount);
        }
    }
    const json* ps = d.field(o, path, "positions", false);
    if (!ps) return;
    const std::string pp = child(path, "positions");
    if (!d.is_array(*ps, pp)) return;
    if (ps->size() > max_positions) {
        d.fail("OUT_OF_RANGE", pp, "at most 10000 positions per account");
        return;
    }
    using key_t = std::tuple<int, std::string, std::int64_t, int, fp::I256>;
    std::set<key_t> seen;
    std::set<std::string> ids;
    for (std::size_t i = 0; i < ps->size(); ++i) {
        position p;
        const std::string path_i = child(pp, i);
        decode_position(d, (*ps)[i], path_i, req, p);
        if (d.failed()) return;
        const key_t k{static_cast<int>(p.type), p.underlying, p.expiry, static_cast<int>(p.kind),
                      p.type == instrument_type::option ? p.strike.raw() : fp::I256{}};
        if (!seen.insert(k).second) {
            d.fail("DUPLICATE_POSITION", path_i, "the account already holds this instrument: merge the sizes");
            return;
        }
        if (!p.id.empty() && !ids.insert(p.id).second) {
            d.fail("DUPLICATE_ID", child(path_i, "id"), "the id \"" + p.id + "\" is used twice");
            return;
        }
        a.positions.push_back(std::move(p));
    }
}

outcome<json> parse_document(std::string_view text) {
    if (text.size() > max_input_bytes) return outcome<json>::failure("JSON_TOO_LARGE", "", "requests are limited to 16 MiB");
    dom_builder b;
    const bool ok = json::sax_parse(text.begin(), text.end(), &b, nlohmann::detail::input_format_t::json, true);
    if (b.err) return outcome<json>::failure(*b.err);
    if (!ok) return outcome<json>::failure("JSON_SYNTAX", "", "not valid JSON");
    outcome<json> o;
    o.value = std::move(b.root);
    return o;
}

}  // namespace

namespace detail {
// Shared with json_write.cpp for the embedded documents.
outcome<standard_params> parse_params_text(std::string_view text, const std::string& path) {
    auto doc = parse_document(text);
    if (!doc.ok()) return outcome<standard_params>::failure(*doc.err);
    decoder d;
    outcome<standard_params> o;
    decode_params(d, doc.value, path, o.value);
    if (d.err) o.err = d.err;
    return o;
}
}  // namespace detail

outcome<request> parse_request(std::string_view text) {
    auto doc = parse_document(text);
    if (!doc.ok()) return outcome<request>::failure(*doc.err);
    const json& root = doc.value;
    decoder d;
    outcome<request> o;
    request& req = o.value;
    if (d.is_object(root, "") && d.only(root, "", {"account", "api_version", "market", "params"})) {
        auto v = d.text(root, "", "api_version", true);
        if (v && *v != api_version)
            d.fail("UNSUPPORTED_VERSION", "/api_version", "this engine speaks API version \"1\", got \"" + *v + "\"");
        if (!d.failed()) {
            if (const json* p = d.field(root, "", "params", false)) {
                decode_params(d, *p, "/params", req.params);
            } else {
                // parsed once: the shipped document never changes during a run
                static const outcome<standard_params> def = detail::parse_params_text(default_params_json(), "/params");
                if (!def.ok()) d.err = def.err;  // a bug in the shipped document; tests keep it valid
                else req.params = def.value;
            }
        }
        if (!d.failed()) {
            if (const json* m = d.field(root, "", "market", true)) decode_market(d, *m, "/market", req.market);
        }
        if (!d.failed()) {
            if (const json* a = d.field(root, "", "account", true)) decode_account(d, *a, "/account", req);
        }
    }
    if (d.err) return outcome<request>::failure(*d.err);
    return o;
}

}  // namespace margin
