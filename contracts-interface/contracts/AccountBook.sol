// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {FixedPoint} from "./FixedPoint.sol";
import {PortfolioMargin} from "./PortfolioMargin.sol";
import {MarginEngine} from "./MarginEngine.sol";
import {GridEngine} from "./GridEngine.sol";
import {Listings} from "./Listings.sol";
import {HouseGuards} from "./HouseGuards.sol";

/// @title AccountBook
/// @notice MarginAccounts' accounts as the engine sees them, apart from the house so that it
/// stays well under EIP-170's 24,576 bytes: an external library (deployed once, linked, run by
/// DELEGATECALL on the house's storage). It builds an account's engine Book and cached marks
/// from the house's listings and mark cache, runs the margin checks (IM, and the risk-reducing
/// rule of a trade between MM and IM) through GridEngine and the witness of a liquidation through
/// MarginEngine, and
/// encodes the house's audit views. The house keeps the money: cash, transfers, losses.
///
/// `Ctx` arguments are the house's storage, passed by slot: its accounts, the oracle's last
/// market, the live expiries, the series, the settlements and per-expiry markets, and the mark
/// cache; in `Ctx`, by value: `lossMark` (the loss scale), `paramsData` (the model's parameters
/// as contract code) and the two engines (MarginEngine: the witness; GridEngine: the grid).
library AccountBook {
    /// @notice One account: cash (before its share of socialised losses since `lossAt`), the
    /// perp, and the option positions by series id (`held`: the ids with a nonzero amount).
    struct Account {
        int256 cash;
        int256 perpSize;
        int256 perpEntry;
        uint256[] held; // series ids with a nonzero amount
        mapping(uint256 => int256) amount; // by series id
        uint256 lossAt; // lossMark when cash was last set: the claim's entry point in the loss scale
    }

    error InvalidParameter(bytes32 what);
    error SeriesExpired(uint256 seriesId);
    error InsufficientMargin(address account, int256 equity, int256 initialMargin);

    /// @notice The perpetual's instrument id (MarginAccounts.PERP).
    uint256 internal constant PERP = type(uint256).max;
    uint8 private constant FLOOR = 1;

    /// @notice What `encoded` returns: book(account), marks(account), fullGrid(account) or
    /// inputHash(account, scenarioId), ABI-encoded as those house views return them.
    uint8 internal constant BOOK = 0;
    uint8 internal constant MARKS = 1;
    uint8 internal constant GRID = 2;
    uint8 internal constant INPUT_HASH = 3;

    /// @dev The house's storage and settings an account's book is built from.
    struct Ctx {
        uint256 lossMark;
        address paramsData;
        MarginEngine engine; // the witness
        GridEngine grid; // the full grid
    }

    /// @notice By the full grid on the last pushed market: IM holds (not enough when `stale`), or
    /// the side `reduces` a position in instrument `id`, MM holds and equity - MM is not below
    /// its value in the state `before` the trade ([cash, perp size, perp entry, amount of `id`];
    /// evaluated only then: the trade undone, one grid, redone). An account without positions
    /// holds if its cash is not negative. Reverts InsufficientMargin(account, equity, IM, or MM
    /// when `stale`) otherwise, and as the book (SeriesExpired) and the engine do.
    function requireMargin(
        mapping(address => Account) storage accounts,
        HouseGuards.Market storage market,
        uint64[] storage expiries,
        Listings.Series[] storage series,
        mapping(uint64 => Listings.Settlement) storage settlements,
        mapping(uint64 => Listings.ExpiryMarket) storage expiryMarket,
        mapping(uint256 => Listings.Quote) storage quotes,
        Ctx calldata c,
        address account,
        uint256 id,
        bool reduces,
        int256[4] calldata before,
        bool stale
    ) external {
        Account storage a = accounts[account];
        if (a.held.length == 0 && a.perpSize == 0) {
            if (a.cash < 0) revert InsufficientMargin(account, a.cash, 0);
            return;
        }
        PortfolioMargin.Params memory p = params(c.paramsData);
        (PortfolioMargin.Book memory b, int256[][] memory m) =
            book(a, market, expiries, series, settlements, expiryMarket, quotes, c.lossMark);
        PortfolioMargin.Grid memory g = c.grid.grid(b, p, m);
        if (!stale && g.equity >= g.initial) return;
        if (reduces && g.equity >= g.maintenance) {
            int256[4] memory after_ = _swap(a, id, before);
            (b, m) = book(a, market, expiries, series, settlements, expiryMarket, quotes, c.lossMark);
            PortfolioMargin.Grid memory g0 = c.grid.grid(b, p, m);
            _swap(a, id, after_);
            if (g.equity - g.maintenance >= g0.equity - g0.maintenance) return;
        }
        revert InsufficientMargin(account, g.equity, stale ? g.maintenance : g.initial);
    }

    /// @notice The witness check of scenario `scenarioId` on `account` (MarginEngine.witness with
    /// the cached marks), and its inputs: abi.encode(book, params, scenarioId), whose keccak256
    /// is Liquidated's inputHash (the house emits them as WitnessInputs).
    function witness(
        mapping(address => Account) storage accounts,
        HouseGuards.Market storage market,
        uint64[] storage expiries,
        Listings.Series[] storage series,
        mapping(uint64 => Listings.Settlement) storage settlements,
        mapping(uint64 => Listings.ExpiryMarket) storage expiryMarket,
        mapping(uint256 => Listings.Quote) storage quotes,
        Ctx calldata c,
        address account,
        uint256 scenarioId
    ) external view returns (PortfolioMargin.Witness memory w, bytes memory inputs) {
        (PortfolioMargin.Book memory b, int256[][] memory m) =
            book(accounts[account], market, expiries, series, settlements, expiryMarket, quotes, c.lossMark);
        PortfolioMargin.Params memory p = params(c.paramsData);
        w = c.engine.witness(b, p, scenarioId, m);
        inputs = abi.encode(b, p, scenarioId);
    }

    /// @notice The return data of the house's audit view `what` (BOOK, MARKS, GRID, INPUT_HASH)
    /// for `account` (`scenarioId`: INPUT_HASH's only), which the house returns as is.
    function encoded(
        mapping(address => Account) storage accounts,
        HouseGuards.Market storage market,
        uint64[] storage expiries,
        Listings.Series[] storage series,
        mapping(uint64 => Listings.Settlement) storage settlements,
        mapping(uint64 => Listings.ExpiryMarket) storage expiryMarket,
        mapping(uint256 => Listings.Quote) storage quotes,
        Ctx calldata c,
        uint8 what,
        address account,
        uint256 scenarioId
    ) external view returns (bytes memory) {
        (PortfolioMargin.Book memory b, int256[][] memory m) =
            book(accounts[account], market, expiries, series, settlements, expiryMarket, quotes, c.lossMark);
        if (what == BOOK) return abi.encode(b);
        if (what == MARKS) return abi.encode(m);
        if (what == GRID) return abi.encode(c.grid.grid(b, params(c.paramsData), m));
        return abi.encode(keccak256(abi.encode(b, params(c.paramsData), scenarioId)));
    }

    /// @notice The account's cash after its share of the losses socialised since it was set:
    /// floor(cash x scale / scale at entry) when positive and in the same epoch, 0 in a later
    /// epoch; negative cash bears none. `mark`: the house's lossMark (epoch << 128 | scale).
    function claim(Account storage a, uint256 mark) internal view returns (int256) {
        int256 c = a.cash;
        if (c <= 0) return c;
        uint256 at = a.lossAt;
        if (at == mark) return c;
        if (at >> 128 != mark >> 128) return 0;
        return FixedPoint.mulDiv(c, int256(uint256(uint128(mark))), int256(uint256(uint128(at))), FLOOR);
    }

    /// @notice The model's parameters stored as the code of `ptr` (after its leading 0x00 byte),
    /// as bytes. Reverts InvalidParameter("params") before they are first set.
    function readData(address ptr) internal view returns (bytes memory data) {
        if (ptr == address(0)) revert InvalidParameter("params");
        uint256 size = ptr.code.length - 1;
        data = new bytes(size);
        assembly ("memory-safe") {
            extcodecopy(ptr, add(data, 32), 1, size)
        }
    }

    function params(address ptr) internal view returns (PortfolioMargin.Params memory) {
        return abi.decode(readData(ptr), (PortfolioMargin.Params));
    }

    /// @dev Write `s` ([cash, perp size, perp entry, amount of `id`]) over the account's and
    /// return what was there: a trade undone and redone around one grid. A series the trade
    /// closed goes back to the end of `held` for the undo and comes off it for the redo (cash is
    /// written as is: its loss-scale entry is current, the trade having charged it).
    function _swap(Account storage a, uint256 id, int256[4] memory s) private returns (int256[4] memory old) {
        old = [a.cash, a.perpSize, a.perpEntry, id == PERP ? int256(0) : a.amount[id]];
        a.cash = s[0];
        a.perpSize = s[1];
        a.perpEntry = s[2];
        if (id != PERP) {
            a.amount[id] = s[3];
            if (old[3] == 0) a.held.push(id);
            else if (s[3] == 0) a.held.pop();
        }
    }

    /// @dev The engine's Book: listed expiries ascending, those the account holds options on,
    /// each expiry's legs by strike (in the order the positions were opened within a strike);
    /// and its legs' cached marks, in the same shape. A position on an expiry settled but not yet
    /// paid out counts as the cash settle() will pay; one on an expiry the market has reached
    /// unsettled reverts SeriesExpired.
    function book(
        Account storage a,
        HouseGuards.Market storage market,
        uint64[] storage expiries,
        Listings.Series[] storage series,
        mapping(uint64 => Listings.Settlement) storage settlements,
        mapping(uint64 => Listings.ExpiryMarket) storage expiryMarket,
        mapping(uint256 => Listings.Quote) storage quotes,
        uint256 lossMark
    ) private view returns (PortfolioMargin.Book memory b, int256[][] memory marks_) {
        HouseGuards.Market memory m = market;
        b.cash = claim(a, lossMark);
        b.spot = m.spot;
        b.spotConfidence = m.spotConfidence;
        b.stablePrice = m.stablePrice;
        b.perpPosition = a.perpSize;
        b.perpPrice = m.perpMark;
        if (a.perpSize != 0) b.perpEntry = a.perpEntry; // canonical: 0 without a position (the input hash covers it)
        b.perpConfidence = m.perpConfidence;
        uint256[] memory held = a.held;
        uint256 ne = expiries.length;
        uint256[] memory legsAt = new uint256[](ne);
        uint64[] memory exp = expiries;
        uint256 used = 0;
        for (uint256 i = 0; i < held.length; ++i) {
            Listings.Series memory s = series[held[i]];
            uint64 t = s.expiry;
            if (t <= block.timestamp) {
                // settled but not yet paid out: counted as the cash settle() will pay
                int256 price = settlements[t].price;
                if (price != 0) {
                    b.cash = FixedPoint.add(b.cash, Listings.cash(a.amount[held[i]], s.strike, s.call, price));
                    continue;
                }
            }
            if (t <= m.timestamp) revert SeriesExpired(held[i]);
            for (uint256 j = 0; j < ne; ++j) {
                if (exp[j] == t) {
                    if (legsAt[j]++ == 0) used++;
                    break;
                }
            }
        }
        b.expiries = new PortfolioMargin.Expiry[](used);
        marks_ = new int256[][](used);
        uint256 k = 0;
        for (uint256 j = 0; j < ne; ++j) {
            if (legsAt[j] == 0) continue;
            PortfolioMargin.Expiry memory e = b.expiries[k++];
            Listings.ExpiryMarket memory em = expiryMarket[exp[j]];
            e.secondsToExpiry = int256(uint256(exp[j] - m.timestamp));
            e.forward = em.forward;
            e.forwardConfidence = em.forwardConfidence;
            e.rate = em.rate;
            e.discount = em.discount;
            PortfolioMargin.Leg[] memory legs = new PortfolioMargin.Leg[](legsAt[j]);
            e.legs = legs;
            int256[] memory units = new int256[](legsAt[j]);
            marks_[k - 1] = units;
            uint256 l = 0;
            for (uint256 i = 0; i < held.length; ++i) {
                Listings.Series memory s = series[held[i]];
                if (s.expiry != exp[j]) continue;
                Listings.Quote memory q = quotes[held[i]];
                // Inserted in strike order (stable): the engine nets a sorted expiry's naked
                // shorts in one pass and takes one logarithm for a put and a call at one strike.
                uint256 at = l++; // < legsAt[j], the arrays' length
                int256 strike = s.strike;
                assembly ("memory-safe") {
                    // move the legs (pointers) and marks above `strike` up one place
                    for {} at { at := sub(at, 1) } {
                        let before := mload(add(legs, shl(5, at))) // legs[at - 1]
                        if iszero(sgt(mload(before), strike)) { break } // a Leg's first word is its strike
                        mstore(add(legs, shl(5, add(at, 1))), before)
                        mstore(add(units, shl(5, add(at, 1))), mload(add(units, shl(5, at))))
                    }
                }
                units[at] = q.mark;
                legs[at] = PortfolioMargin.Leg(strike, q.vol, a.amount[held[i]], s.call);
            }
        }
        b.collaterals = new PortfolioMargin.Collateral[](0);
    }
}
