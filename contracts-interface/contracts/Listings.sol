// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {FixedPoint} from "./FixedPoint.sol";
import {PortfolioMargin} from "./PortfolioMargin.sol";
import {MarkEngine} from "./MarkEngine.sol";

/// @title Listings
/// @notice The listed series' lifecycle for MarginAccounts, apart so that the clearing house
/// stays under EIP-170's 24,576 bytes: an external library (deployed once, linked, run by
/// DELEGATECALL on the house's storage; its events are the house's logs). It prices every live
/// series at each oracle push (the mark cache), records each expiry's settlement price,
/// delists settled expiries and their series, and pays out an account's settled positions.
/// docs/clearing-house.md states the rules; the engine's twin of the payout is
/// margin::option_settlement (core/include/core/settlement.hpp), bit for bit.
library Listings {
    /// @dev One storage slot (strike <= 1e33 < 2^127): pushMarket reads every live series.
    struct Series {
        uint64 expiry;
        bool call;
        int128 strike;
    }

    /// @notice A series' mark vol and its value at that vol on the current market
    /// (PortfolioMargin.marks: floor(DF x Black-76 price) per unit, in wei), both set by
    /// each oracle push. Zero until the series' first push: it cannot be traded before.
    struct Quote {
        int128 vol;
        int128 mark;
    }

    /// @notice One listed expiry's market.
    struct ExpiryMarket {
        int256 forward;
        int256 forwardConfidence;
        int256 rate;
        int256 discount;
    }

    /// @notice An expiry's settlement: the price (WAD, > 0 once settled) and the timestamp of
    /// the oracle push it was taken from.
    struct Settlement {
        int128 price;
        uint64 source;
    }

    /// @notice An expiry settled at `price`, the spot of the oracle push stamped `source`.
    event ExpirySettled(uint64 indexed expiry, int256 price, uint64 source);
    /// @notice One position paid out at its expiry's settlement: `cash` = floor(amount x payoff)
    /// moved into the account (negative: out of it); payoff = max(price - strike, 0) for a call,
    /// max(strike - price, 0) for a put. Everything the engine needs to recompute `cash`.
    event OptionSettled(
        address indexed account, uint256 indexed seriesId, uint64 expiry, int256 strike, bool call, int256 amount, int256 price, int256 cash
    );

    uint8 private constant FLOOR = 1;
    int256 private constant MAX_PRICE = 1e33; // 1e15 WAD, the JSON API's bound
    uint64 private constant MAX_TENOR = 3 * 365 days; // a listed expiry is at most this far ahead

    error InvalidParameter(bytes32 what);
    error StaleMarket(uint64 timestamp, uint256 now_);
    event SeriesListed(uint256 indexed seriesId, uint64 expiry, int256 strike, bool call);

    /// @notice floor(amount x payoff): the cash a position of `amount` receives (negative: pays)
    /// at settlement `price`; payoff = max(price - strike, 0) for a call, max(strike - price, 0)
    /// for a put, exact. Floor is against the account on both sides (the long receives less, the
    /// short pays more): the house keeps the difference, under 1 wei per position. Cannot fail
    /// within the house's bounds: |amount| <= 1e30 and 0 < strike, price <= 1e33 (raw), so the
    /// product is below 1e63 < 2^255.
    function cash(int256 amount, int256 strike, bool call, int256 price) internal pure returns (int256) {
        int256 payoff = call ? price - strike : strike - price;
        return payoff > 0 ? FixedPoint.mul(amount, payoff, FLOOR) : int256(0);
    }

    /// @notice Lists a series (and its expiry if new, keeping `expiries` ascending; the expiry
    /// has no market until the oracle's next push) and makes it live. Returns its id. Reverts
    /// InvalidParameter for a strike outside (0, 1e15] or an expiry not after both the chain's
    /// clock and the market's `marketTimestamp`, or more than MAX_TENOR ahead.
    function list(
        Series[] storage series,
        uint32[] storage live,
        uint64[] storage expiries,
        uint64 marketTimestamp,
        uint64 expiry,
        int256 strike,
        bool call
    ) external returns (uint256 id) {
        if (strike <= 0 || strike > MAX_PRICE) revert InvalidParameter("strike");
        // strictly ahead of the chain's clock and of the market, and at most MAX_TENOR ahead
        if (expiry <= block.timestamp || expiry <= marketTimestamp || expiry > block.timestamp + MAX_TENOR) {
            revert InvalidParameter("expiry");
        }
        uint256 n = expiries.length;
        uint256 at = n;
        bool known = false;
        for (uint256 i = 0; i < n; ++i) {
            if (expiries[i] == expiry) {
                known = true;
                break;
            }
            if (at == n && expiries[i] > expiry) at = i;
        }
        if (!known) {
            // kept ascending; the expiry has no market until the oracle's next push
            expiries.push(expiry);
            for (uint256 i = n; i > at; --i) expiries[i] = expiries[i - 1];
            expiries[at] = expiry;
        }
        id = series.length;
        series.push(Series(expiry, call, int128(strike))); // 0 < strike <= MAX_PRICE
        if (id > type(uint32).max) revert InvalidParameter("series");
        live.push(uint32(id));
        emit SeriesListed(id, expiry, strike, call);
    }

    /// @notice Prices every live series at `vols` on the market being pushed (one engine call over
    /// a book of all of them, amounts 0) and stores each series' vol and mark in one slot.
    function price(
        Series[] storage series,
        uint32[] storage live,
        uint64[] storage expiries,
        mapping(uint256 => Quote) storage quotes,
        MarkEngine engine,
        uint64 timestamp,
        ExpiryMarket[] calldata byExpiry,
        int256[] calldata vols
    ) external {
        uint256 ne = byExpiry.length;
        uint256 ns = vols.length;
        uint64[] memory exp = expiries;
        PortfolioMargin.Book memory all;
        all.expiries = new PortfolioMargin.Expiry[](ne);
        uint256[] memory count = new uint256[](ne);
        uint256[] memory where = new uint256[](ns); // series -> (expiry index << 128) | leg index
        Series[] memory list = new Series[](ns);
        uint32[] memory ids = live; // 8 ids a slot: one cold read per 8 series
        for (uint256 i = 0; i < ns; ++i) {
            Series memory s = series[ids[i]];
            list[i] = s;
            uint256 j = 0;
            while (exp[j] != s.expiry) ++j; // every series' expiry is listed
            where[i] = (j << 128) | count[j]++;
        }
        for (uint256 j = 0; j < ne; ++j) {
            PortfolioMargin.Expiry memory e = all.expiries[j];
            ExpiryMarket calldata em = byExpiry[j];
            e.secondsToExpiry = int256(uint256(exp[j] - timestamp));
            e.forward = em.forward;
            e.forwardConfidence = em.forwardConfidence;
            e.rate = em.rate;
            e.discount = em.discount;
            e.legs = new PortfolioMargin.Leg[](count[j]);
        }
        for (uint256 i = 0; i < ns; ++i) {
            all.expiries[where[i] >> 128].legs[uint128(where[i])] = PortfolioMargin.Leg(list[i].strike, vols[i], 0, list[i].call);
        }
        int256[][] memory m = engine.marks(all);
        for (uint256 i = 0; i < ns; ++i) {
            // vol <= 10e18 and a mark <= 2 x 1e33 (DF <= 2, price <= max(forward, strike)): int128
            quotes[ids[i]] = Quote(int128(vols[i]), int128(m[where[i] >> 128][uint128(where[i])]));
        }
    }

    /// @notice Settles every listed expiry at or before `timestamp` (a prefix of the ascending
    /// `expiries`) and delists them: the oracle push stamped `timestamp` with spot `spot`, the
    /// previous push stamped `lastTimestamp` with spot `lastSpot` (0: none). The price is the
    /// spot of the last push at or before the expiry: `lastSpot`, unless the new push is
    /// stamped at the expiry, or there was no previous push, or the previous one is more than
    /// `maxStaleness` before the expiry (the oracle was down): then `spot`. Gas: one storage
    /// write per settled expiry, and when any settles one pass over the live series.
    function reach(
        Series[] storage series,
        uint32[] storage live,
        uint64[] storage expiries,
        mapping(uint64 => Settlement) storage settlements,
        uint64 timestamp,
        int256 spot,
        uint64 lastTimestamp,
        int256 lastSpot,
        uint64 maxStaleness
    ) external {
        uint256 k = 0;
        for (uint256 n = expiries.length; k < n; ++k) {
            uint64 t = expiries[k];
            if (t > timestamp) break;
            if (lastTimestamp == 0 || timestamp == t || t - lastTimestamp > maxStaleness) _record(settlements, t, spot, timestamp);
            else _record(settlements, t, lastSpot, lastTimestamp); // lastTimestamp < t: that push priced t
        }
        if (k > 0) _delist(series, live, expiries, k);
    }

    /// @notice Settles the first listed expiry at `spot`, the last push's (stamped
    /// `lastTimestamp`), and delists it, once no push at or after the expiry can come any more
    /// (MarginAccounts.settleExpiry): InvalidParameter("expiry") with none listed,
    /// InvalidParameter("early") until block time > expiry + maxStaleness, StaleMarket when the
    /// last push is more than maxStaleness before the expiry (or there was none).
    function lapse(
        Series[] storage series,
        uint32[] storage live,
        uint64[] storage expiries,
        mapping(uint64 => Settlement) storage settlements,
        int256 spot,
        uint64 lastTimestamp,
        uint64 maxStaleness
    ) external {
        if (expiries.length == 0) revert InvalidParameter("expiry");
        uint64 t = expiries[0];
        if (block.timestamp <= t + maxStaleness) revert InvalidParameter("early");
        // lastTimestamp < t: a push at or after t would have settled it
        if (lastTimestamp == 0 || t - lastTimestamp > maxStaleness) revert StaleMarket(lastTimestamp, block.timestamp);
        _record(settlements, t, spot, lastTimestamp);
        _delist(series, live, expiries, 1);
    }

    /// @notice Pays out the positions in `held` (amounts in `amount`) on settled expiries:
    /// each emits OptionSettled and is removed (amount 0), the others keep their order, so that
    /// the house's book() lists the remaining legs alike before and after. Returns the cash to
    /// credit (the exact sum of the positions' amounts) and the positions left. Gas: one pass
    /// over the account's positions.
    function payout(
        Series[] storage series,
        mapping(uint64 => Settlement) storage settlements,
        uint256[] storage held,
        mapping(uint256 => int256) storage amount,
        address account
    ) external returns (int256 total, uint256 left) {
        uint256 n = held.length;
        for (uint256 i = 0; i < n; ++i) {
            uint256 id = held[i];
            Series memory s = series[id];
            if (s.expiry <= block.timestamp) {
                int256 price = settlements[s.expiry].price;
                if (price != 0) {
                    int256 amt = amount[id];
                    int256 c = cash(amt, s.strike, s.call, price);
                    total = FixedPoint.add(total, c);
                    amount[id] = 0;
                    emit OptionSettled(account, id, s.expiry, s.strike, s.call, amt, price, c);
                    continue;
                }
            }
            if (left != i) held[left] = id;
            ++left;
        }
        for (uint256 i = left; i < n; ++i) held.pop();
    }

    function _record(mapping(uint64 => Settlement) storage settlements, uint64 t, int256 price, uint64 source) private {
        settlements[t] = Settlement(int128(price), source); // 0 < price <= 1e33: a pushed spot
        emit ExpirySettled(t, price, source);
    }

    /// @dev Drops the first `k` expiries and their series from the live lists (order kept).
    function _delist(Series[] storage series, uint32[] storage live, uint64[] storage expiries, uint256 k) private {
        uint256 n = expiries.length;
        uint64 upTo = expiries[k - 1];
        for (uint256 i = k; i < n; ++i) expiries[i - k] = expiries[i];
        for (uint256 i = 0; i < k; ++i) expiries.pop();
        n = live.length;
        uint256 w = 0;
        for (uint256 i = 0; i < n; ++i) {
            uint32 id = live[i];
            if (series[id].expiry <= upTo) continue;
            if (w != i) live[w] = id;
            ++w;
        }
        for (uint256 i = w; i < n; ++i) live.pop();
    }
}
