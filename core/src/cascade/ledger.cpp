// The house's loss ledger, mirrored line by line from HouseState.sol (_setCash :235-242,
// _coverShortfall :302-323) and AccountBook.sol (claim :148-155). See core/cascade/house_rule.hpp.
#include "core/cascade/house_rule.hpp"
#include "wad_ops.hpp"

namespace margin::cascade {

namespace {
error overflow(const char* where) { return error{error_code::ARITHMETIC_OVERFLOW, "", std::string("cascade: overflow in ") + where}; }
Wad pos(const Wad& x) { return x.raw().sign() > 0 ? x : Wad{}; }
Wad scale_wad(const fp::I256& s) { return Wad::from_raw(s); }
}  // namespace

fp::I256 loss_mark::scale0() noexcept {
    // 1e36 = (1e18)^2
    return fp::I256::from_i128(static_cast<fp::i128>(1'000'000'000'000'000'000) * 1'000'000'000'000'000'000);
}

Wad claim(const cash_entry& a, const loss_mark& mark) {
    // AccountBook.sol:149-154
    const Wad& c = a.cash;
    if (c.raw().sign() <= 0) return c;           // if (c <= 0) return c;
    if (a.at == mark) return c;                  // if (at == mark) return c;
    if (a.at.epoch != mark.epoch) return Wad{};  // if (at >> 128 != mark >> 128) return 0;
    // mulDiv(c, uint128(mark), uint128(at), FLOOR): raw integers, one rounding
    return fp::mul_div(c, scale_wad(mark.scale), scale_wad(a.at.scale), fp::rounding::floor).value;  // c < 2^255, ratio <= 1: no overflow
}

std::optional<error> set_cash(house_ledger& h, cash_entry& a, const Wad& cash_in) {
    calc c;
    const Wad old = claim(a, h.mark);                               // int256 old = AccountBook.claim(a, lossMark);
    const Wad cash = c(fp::sub(cash_in, c(fp::sub(a.cash, old))));  // cash -= a.cash - old;
    // totalPositiveCash = totalPositiveCash - max(old, 0) + max(cash, 0);
    h.total_positive_cash = c(fp::add(c(fp::sub(h.total_positive_cash, pos(old))), pos(cash)));
    if (!c.ok()) return overflow("_setCash");
    a.cash = cash;  // a.cash = cash;
    a.at = h.mark;  // a.lossAt = lossMark;
    return std::nullopt;
}

outcome<cover> cover_shortfall(house_ledger& h, cash_entry& a) {
    calc c;
    cover out;
    out.shortfall = c(fp::neg(a.cash));  // shortfall = -a.cash;
    // cover = insuranceFund < shortfall ? max(insuranceFund, 0) : shortfall;
    out.insurance = h.insurance_fund < out.shortfall ? pos(h.insurance_fund) : out.shortfall;
    if (out.insurance.raw().sign() > 0) h.insurance_fund = c(fp::sub(h.insurance_fund, out.insurance));
    const Wad rest = c(fp::sub(out.shortfall, out.insurance));  // int256 rest = shortfall - cover;
    if (!c.ok()) return outcome<cover>::failure(overflow("_coverShortfall"));
    if (auto e = set_cash(h, a, Wad{})) return outcome<cover>::failure(*e);  // _setCash(account, 0);
    if (rest.raw().sign() > 0) {
        out.socialised = rest;
        const Wad claims = h.total_positive_cash;         // int256 claims = totalPositiveCash;
        const Wad borne = rest < claims ? rest : claims;  // borne = rest < claims ? rest : claims;
        out.borne = borne;
        const loss_mark mark = h.mark;
        // scale = claims == 0 ? uint128(mark) : mulDiv(uint128(mark), claims - borne, claims, FLOOR)
        fp::I256 scale = mark.scale;
        if (!claims.raw().is_zero())
            scale = c(fp::mul_div(scale_wad(mark.scale), c(fp::sub(claims, borne)), claims, fp::rounding::floor)).raw();
        // lossMark = scale == 0 ? ((epoch + 1) << 128 | SCALE0) : (epoch << 128 | scale)
        h.mark = scale.is_zero() ? loss_mark{mark.epoch + 1, loss_mark::scale0()} : loss_mark{mark.epoch, scale};
        // totalPositiveCash = scale == 0 ? 0 : claims - borne;
        h.total_positive_cash = scale.is_zero() ? Wad{} : c(fp::sub(claims, borne));
        h.socialised_loss = c(fp::add(h.socialised_loss, c(fp::sub(rest, borne))));  // socialisedLoss += rest - borne;
        if (!c.ok()) return outcome<cover>::failure(overflow("_coverShortfall"));
    }
    return outcome<cover>{out, std::nullopt};
}

}  // namespace margin::cascade
