// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {FixedPoint} from "./FixedPoint.sol";
import {PortfolioMargin} from "./PortfolioMargin.sol";
import {AccountBook} from "./AccountBook.sol";
import {Listings} from "./Listings.sol";
import {HouseGuards} from "./HouseGuards.sol";
import {Orders} from "./Orders.sol";
import {Timelock} from "./Timelock.sol";
import {IERC20, HouseState} from "./HouseState.sol";
import {MarginEngine} from "./MarginEngine.sol";
import {GridEngine} from "./GridEngine.sol";
import {MarkEngine} from "./MarkEngine.sol";

/// @title MarginAccounts
/// @notice A minimal clearing house for options and a perpetual on one underlying, margined
/// by the portfolio model of `core/` (PortfolioMargin, through three stateless engines:
/// MarginEngine the witness, GridEngine the full grid, MarkEngine the mark cache): collateral in
/// one ERC-20 settlement token (18 decimals; 1 token unit = 1 wei of cash), trades entered by
/// an authorised matcher with both sides' EIP-712 signed orders (Orders.sol: price limit,
/// deadline, nonce) and both sides IM-checked, market state pushed by an oracle with
/// staleness and deviation guards, risk parameters set by an admin within validation bounds
/// and step limits, through a timelock (Timelock.sol: queue, delay, execute, cancel); the
/// admin role passes in two steps (queued proposal, then the new admin accepts).
///
/// Liquidation is the witness check of DESIGN.md section 7: `liquidate(account, scenarioId)`
/// re-evaluates one scenario; if it proves equity below MM, a fraction of every position
/// passes to the liquidator at its mark value less a bounded reward, just enough to restore
/// equity >= (1 + buffer) x MM as that scenario measures it; a deficit left after closing
/// everything is paid by the insurance fund, and the rest is socialised: charged at once to
/// the positive cash balances of that moment, pro rata, through a loss scale (`lossMark`);
/// withdrawals pay exactly what is asked (docs/clearing-house.md, "Socialised loss").
///
/// Expiry: the oracle push whose timestamp reaches a listed expiry settles it at the spot of
/// the last push at or before the expiry (the push's own spot if it is at the expiry, or if
/// the previous push is more than maxStaleness before it: the oracle was down); the expiry and
/// its series are delisted (no longer pushed or priced). Each account's options on a settled
/// expiry are paid out lazily, per account (`settle`, by anyone, and at the start of every
/// trade, withdrawal and liquidation that touches the account): floor(amount x payoff), against
/// the account; the views count them as cash already. docs/clearing-house.md states the rules.
///
/// Not modelled: dated futures, collateral other than the settlement token, funding payments.
contract MarginAccounts is HouseState {
    // (declarations, storage and the ledger: HouseState)

    /// @notice The token, the three engines, the first holders of the three roles, and the
    /// timelock's delay (HouseState's constructor: its reverts).
    constructor(IERC20 token_, MarginEngine engine_, GridEngine gridEngine_, MarkEngine marker_, address admin, address oracle, address matcher, uint256 delay_)
        HouseState(token_, engine_, gridEngine_, marker_, admin, oracle, matcher, delay_)
    {}

    // ---------------------------------------------------------------- admin

    // Every change below is queued first, by `queue` (admin only), and applied by its function
    // with the same arguments from its eta (Timelock.consume: NotQueued, TooEarly,
    // ChangeExpired), except the first setting of params, limits and oracle limits, which
    // applies at once (the house can neither trade nor take a push before all three are set),
    // and listings before the first push. withdrawInsurance is queued too (its section below).
    // All revert Unauthorized for a caller other than the admin.

    /// @notice Queue a change: `kind` "params", "limits", "oracleLimits", "role", "series" or
    /// "insurance", `data` the ABI encoding of setParams', setLimits', setOracleLimits',
    /// setRole's, listSeries' or withdrawInsurance's arguments (for
    /// params: abi.encode(params), whose keccak256 `margin param-hash` prints for the parameter
    /// document). Checked as the change will be (bounds, rules, step limits against what is
    /// applied now), then queued under id keccak256(data) (ChangeQueued with the data), for
    /// execution `delay` seconds from now. Timelock.queue's reverts: InvalidParameter("kind"),
    /// the checks' InvalidParameter and StepLimit, AlreadyQueued; empty data for a malformed
    /// or non-canonical encoding.
    function queue(bytes32 kind, bytes calldata data) external only(ADMIN) returns (bytes32) {
        return Timelock.queue(queued, paramsData, limits, kind, data, delay);
    }

    /// @notice Cancel queued change `id`. Admin only. NotQueued(id) unless it is queued.
    function cancel(bytes32 id) external only(ADMIN) {
        Timelock.cancel(queued, id);
    }

    /// @notice Give `role` (ORACLE or MATCHER) to `who`, or offer ADMIN to `who` (AdminProposed:
    /// the admin changes when `who` calls acceptAdmin). Queued first (kind "role", data
    /// abi.encode(role, who)). Reverts InvalidParameter("role") for another role,
    /// InvalidParameter("who") for address(0).
    function setRole(bytes32 role, address who) external only(ADMIN) {
        Timelock.checkRole(role, who);
        Timelock.consume(queued, keccak256(abi.encode(role, who)));
        if (role == ADMIN) {
            pendingAdmin = who;
            emit AdminProposed(who);
        } else {
            roles[role] = who;
            emit RoleSet(role, who);
        }
    }

    /// @notice The proposed admin takes the role. Reverts Unauthorized(ADMIN, caller) for anyone
    /// else (or when none is proposed).
    function acceptAdmin() external {
        if (msg.sender != pendingAdmin || msg.sender == address(0)) revert Unauthorized(ADMIN, msg.sender);
        roles[ADMIN] = msg.sender;
        pendingAdmin = address(0);
        emit RoleSet(ADMIN, msg.sender);
    }

    /// @notice Revoke ORACLE or MATCHER at once (no delay: it only takes power away, for a
    /// compromised key). Admin only. InvalidParameter("role") for another role.
    function revokeRole(bytes32 role) external only(ADMIN) {
        if (role != ORACLE && role != MATCHER) revert InvalidParameter("role");
        roles[role] = address(0);
        emit RoleSet(role, address(0));
    }

    /// @notice Set the portfolio model's parameters after checking them. Admin only; queued
    /// first (kind "params") except the first time. The bounds are core's validate() table
    /// (ParamBounds, generated by core/tools/gen_bounds.py), and so are the other rules
    /// (HouseGuards.checkParams): InvalidParameter(field) otherwise; then the step limits
    /// against the applied parameters (Timelock.paramSteps): StepLimit(field, old, new). The
    /// work is Timelock.setParams's, on this call's argument (the house forwards it).
    function setParams(PortfolioMargin.Params calldata) external only(ADMIN) {
        paramsData = Timelock.setParams(queued, paramsData, msg.data[4:]);
    }

    /// @notice Liquidation buffer and reward, oracle staleness and per-push deviation cap. Admin
    /// only; queued first (kind "limits") except the first time. Bounds (the generated table):
    /// buffer <= 1, reward <= 0.5, staleness 1 s to 1 day, deviation in (0, 1]
    /// (InvalidParameter); step limits on buffer, reward and deviation (StepLimit).
    function setLimits(Timelock.RiskLimits calldata) external only(ADMIN) {
        Timelock.setLimits(queued, limits, msg.data[4:]);
    }

    /// @notice The oracle guards' speeds and caps (HouseGuards.OracleLimits; bounds: the generated
    /// table, InvalidParameter). Admin only; queued first (kind "oracleLimits") except the first
    /// time. Until set, pushMarket reverts.
    function setOracleLimits(HouseGuards.OracleLimits calldata) external only(ADMIN) {
        Timelock.setOracleLimits(queued, oracleLimits, msg.data[4:]);
    }

    /// @notice List an option series (and its expiry if new). Admin only; queued first (kind
    /// "series", data abi.encode(expiry, strike, call)) once the oracle has pushed a market
    /// (before that nothing trades: the first listings apply at once). Returns its id.
    /// Listings.list: strike in (0, 1e15]; expiry after the chain's clock and the market's
    /// timestamp, at most three years ahead (InvalidParameter otherwise).
    function listSeries(uint64 expiry, int256 strike, bool call) external only(ADMIN) returns (uint256) {
        if (market.timestamp != 0) Timelock.consume(queued, keccak256(abi.encode(expiry, strike, call)));
        return Listings.list(series, live, expiries, market.timestamp, expiry, strike, call);
    }

    // ---------------------------------------------------------------- oracle

    /// @notice Push a market snapshot. Oracle only. First, every listed expiry at or before
    /// the snapshot's timestamp settles (ExpirySettled) at the spot of the last push at or
    /// before it: the previous snapshot's, or this one's if it is stamped at the expiry, if
    /// there was none, or if the previous one is more than maxStaleness before the expiry; the
    /// expiry and its series are delisted. `byExpiry` then follows `expiries` and `vols` follows
    /// `live` as they are after that (the expiries and series after the timestamp).
    /// Every live series is priced at its vol on the new market (MarkEngine.marks, through
    /// Listings.price) and the value cached with the vol: witnesses and grids then take the
    /// current value of a position from the cache, once per series and update rather than
    /// once per account and check. Reverts StaleMarket unless last < timestamp <= block time and
    /// block time - timestamp <= maxStaleness; PriceDeviation if spot, perp mark or a forward
    /// moves by more than maxDeviation (relative) from the previous snapshot;
    /// InvalidParameter for prices outside (0, 1e15], confidences outside [0, price], vols
    /// outside (0, 10], discount factors outside (0, 2], rates outside [-10, 10].
    function pushMarket(HouseGuards.Market calldata m, Listings.ExpiryMarket[] calldata byExpiry, int256[] calldata vols) external only(ORACLE) {
        if (m.timestamp <= market.timestamp || m.timestamp > block.timestamp || block.timestamp - m.timestamp > limits.maxStaleness) {
            revert StaleMarket(m.timestamp, block.timestamp);
        }
        HouseGuards.checkPush(market, oracleLimits, limits.maxDeviation, expiries, expiryMarket, series, live, quotes, m, byExpiry, vols);
        // Settle what this snapshot reaches (a prefix of the ascending expiries).
        if (expiries.length != 0 && expiries[0] <= m.timestamp) {
            Listings.reach(series, live, expiries, settlements, m.timestamp, m.spot, market.timestamp, market.spot, limits.maxStaleness);
        }
        for (uint256 j = 0; j < byExpiry.length; ++j) expiryMarket[expiries[j]] = byExpiry[j];
        Listings.price(series, live, expiries, quotes, marker, m.timestamp, byExpiry, vols);
        market = m;
        emit MarketPushed(m.timestamp, m.spot, m.perpMark);
        emit MarketInputs(m.timestamp, msg.data[4:]);
    }

    /// @notice Settle the earliest listed expiry when the oracle can no longer push a snapshot
    /// stamped before it (block time > expiry + maxStaleness) and has pushed none at or after
    /// it: at the spot of the last snapshot, which must be at most maxStaleness before the
    /// expiry (StaleMarket otherwise: the first push after the expiry settles it, at its own
    /// spot). Anyone may call it; it delists the expiry as pushMarket would. Reverts (checked in
    /// Listings.lapse): InvalidParameter("expiry") with none listed, InvalidParameter("early")
    /// until block time > expiry + maxStaleness, StaleMarket as above.
    function settleExpiry() external {
        Listings.lapse(series, live, expiries, settlements, market.spot, market.timestamp, limits.maxStaleness);
    }

    /// @notice Pay out `account`'s options on settled expiries (OptionSettled for each): cash
    /// += floor(amount x payoff), the positions closed. Anyone may call it; trades, withdrawals
    /// and liquidations do it first for the accounts they touch. Gas: one loop over the
    /// account's positions. An account left with no position and negative cash is closed
    /// out: the insurance fund, then socialised loss, covers it.
    function settle(address account) external nonReentrant {
        _settle(account);
    }

    /// @notice Pay `amount` of the insurance fund's surplus (the fund less any outstanding
    /// socialised loss) to `to`. Admin only; queued first (kind "insurance", data
    /// abi.encode(to, amount)): the accounts see a payout coming for `delay` before the fund
    /// that stands behind their losses shrinks. Reverts InvalidParameter("amount") beyond the
    /// surplus at execution (checked first), then Timelock.consume's.
    function withdrawInsurance(address to, uint256 amount) external only(ADMIN) nonReentrant {
        if (to == address(0) || amount == 0 || amount > uint256(MAX_PRICE) || int256(amount) > insuranceFund - socialisedLoss) {
            revert InvalidParameter("amount");
        }
        Timelock.consume(queued, keccak256(abi.encode(to, amount)));
        insuranceFund -= int256(amount);
        _call(abi.encodeCall(IERC20.transfer, (to, amount)));
        emit InsuranceWithdrawn(to, amount);
    }

    // ---------------------------------------------------------------- collateral

    /// @notice Deposit `amount` tokens as cash. Credits what arrived (balance difference).
    function deposit(uint256 amount) external nonReentrant {
        uint256 before = token.balanceOf(address(this));
        _call(abi.encodeCall(IERC20.transferFrom, (msg.sender, address(this), amount)));
        uint256 received = token.balanceOf(address(this)) - before;
        if (received > uint256(MAX_PRICE)) revert InvalidParameter("amount");
        _setCash(msg.sender, accounts[msg.sender].cash + int256(received));
        emit Deposited(msg.sender, received);
    }

    /// @notice Withdraw `amount` of cash; allowed only while IM holds afterwards (full grid),
    /// on the last pushed market even when it is stale: the last good marks. Settles the
    /// account's expired options and charges its share of socialised losses first (cash is then
    /// floor(cash x scale / scale at entry), see lossMark), and pays exactly `amount` (Withdrawn's
    /// `paid` = `amount`). Reverts InsufficientCash for 0, above 1e33 or above that cash;
    /// InsufficientMargin below IM afterwards; TokenTransferFailed.
    function withdraw(uint256 amount) external nonReentrant {
        _settle(msg.sender);
        AccountBook.Account storage a = accounts[msg.sender];
        if (amount == 0 || amount > uint256(MAX_PRICE) || int256(amount) > a.cash) revert InsufficientCash(msg.sender, a.cash, amount);
        _setCash(msg.sender, a.cash - int256(amount));
        _requireIM(msg.sender);
        _call(abi.encodeCall(IERC20.transfer, (msg.sender, amount)));
        emit Withdrawn(msg.sender, amount, amount);
    }

    // ---------------------------------------------------------------- trading

    /// @notice Enter a trade: `buy.account` buys `size` (> 0) of `buy.instrument` (a series id,
    /// or PERP) from `sell.account` at `price`, each side by its EIP-712 signed order (Orders.sol:
    /// Orders.fill's reverts: OrderExpired, InvalidParameter("order") for a size beyond the
    /// order's or of the wrong side, PriceLimit(price, limit), NonceUsed, BadSignature,
    /// WrongSigner); the orders' instruments must agree (InvalidParameter("order")). Matcher
    /// only (Unauthorized). Each side must hold IM afterwards, or else its trade must be
    /// risk-reducing: its position in the instrument moves toward zero without crossing it, it
    /// holds MM afterwards, and its equity - MM (full grid) is not lower than before the trade
    /// (InsufficientMargin(account, equity, IM) otherwise). The state before is evaluated only
    /// for a reducing side that fails IM (one more full grid). A 33rd series held reverts InvalidParameter("legs").
    /// Options: the premium ceil(size x price) moves from buyer to seller. Perp: both sides'
    /// existing perp P&L is settled at `price` (floor), then the sizes change at entry `price`.
    /// Both sides' expired options are settled first. A series at or past its expiry (by the
    /// chain's clock) is not traded. While the market is stale only a trade that reduces both
    /// sides' positions in the instrument (toward zero, without crossing it) is accepted
    /// (StaleMarket otherwise), and both sides must then meet the risk-reducing rule on the last
    /// market (IM is not enough then; InsufficientMargin(account, equity, MM) otherwise).
    function trade(Orders.Order calldata buy, bytes calldata, Orders.Order calldata sell, bytes calldata, int256 size, int256 price)
        external
        only(MATCHER)
        nonReentrant
    {
        address buyer = buy.account;
        address seller = sell.account;
        uint256 instrument = buy.instrument;
        if (buyer == seller || size <= 0 || size > MAX_SIZE || price <= 0 || price > MAX_PRICE) revert InvalidParameter("trade");
        if (sell.instrument != instrument) revert InvalidParameter("order");
        Orders.fillTrade(nonceWords, msg.data[4:]); // both orders, by this call's arguments
        _settle(buyer);
        _settle(seller);
        if (instrument != PERP) {
            if (instrument >= series.length) revert UnknownInstrument(instrument);
            if (series[instrument].expiry <= block.timestamp) revert SeriesExpired(instrument);
            if (quotes[instrument].vol == 0) revert InvalidParameter("noMarket"); // listed since the last push
        }
        bool stale = !_fresh();
        // each side's position before, toward zero without crossing it: a reducing side
        bool buyerReduces = -(instrument == PERP ? accounts[buyer].perpSize : accounts[buyer].amount[instrument]) >= size;
        bool sellerReduces = (instrument == PERP ? accounts[seller].perpSize : accounts[seller].amount[instrument]) >= size;
        if (stale && !(buyerReduces && sellerReduces)) revert StaleMarket(market.timestamp, block.timestamp);
        int256[4] memory buyerBefore = _state(buyer, instrument);
        int256[4] memory sellerBefore = _state(seller, instrument);
        if (instrument == PERP) {
            _perpTrade(buyer, size, price);
            _perpTrade(seller, -size, price);
        } else {
            int256 premium = FixedPoint.mul(size, price, CEIL);
            _setCash(buyer, FixedPoint.sub(accounts[buyer].cash, premium));
            _setCash(seller, FixedPoint.add(accounts[seller].cash, premium));
            _addOption(buyer, instrument, size);
            _addOption(seller, instrument, -size);
        }
        _requireMargin(buyer, instrument, buyerReduces, buyerBefore, stale);
        _requireMargin(seller, instrument, sellerReduces, sellerBefore, stale);
        emit Traded(buyer, seller, instrument, size, price);
    }

    // ---------------------------------------------------------------- liquidation

    /// @notice The witness check and partial liquidation (DESIGN.md section 7).
    /// Reverts AccountHealthy unless scenario `scenarioId` proves equity < MM. Then a fraction
    /// f of every position passes to the caller, who pays floor(f x mark value) less a reward
    /// of ceil(reward x f x MM), where f = ceil(((1 + buffer) MM - equity) / ((1 + buffer - reward) MM)),
    /// at most 1: with MM scaling with the positions, equity >= (1 + buffer) MM afterwards as this
    /// scenario measures it. The reward is at most max(equity, 0): an insolvent account pays none.
    /// The caller must hold IM afterwards. A negative cash balance left when f = 1 is the
    /// shortfall: the insurance fund pays it, then the rest is socialised.
    function liquidate(address account, uint256 scenarioId) external returns (int256 fraction) {
        return _liquidate(account, scenarioId, WAD, type(int256).max);
    }

    /// @notice `liquidate` with the liquidator's own limits: at most `maxFraction` (in (0, 1]) of
    /// every position instead of the fraction that restores the buffer (the smaller of the two
    /// is taken; the rest of the account stays open to the next witness), and a price limit:
    /// reverts PriceLimit if the payment to the account, floor(f x mark value) - reward, is above
    /// `maxPayment` (negative: the liquidator receives at least -maxPayment).
    function liquidateWithin(address account, uint256 scenarioId, int256 maxFraction, int256 maxPayment) external returns (int256) {
        if (maxFraction <= 0 || maxFraction > WAD) revert InvalidParameter("maxFraction");
        return _liquidate(account, scenarioId, maxFraction, maxPayment);
    }

    function _liquidate(address account, uint256 scenarioId, int256 maxFraction, int256 maxPayment) private nonReentrant returns (int256 fraction) {
        _requireFresh();
        if (account == msg.sender) revert InvalidParameter("self");
        _settle(account);
        _settle(msg.sender);
        (PortfolioMargin.Witness memory w, bytes memory inputs) =
            AccountBook.witness(accounts, market, expiries, series, settlements, expiryMarket, quotes, _ctx(), account, scenarioId);
        if (!w.liquidatable) revert AccountHealthy(account, scenarioId, w.equity, w.maintenance);

        Timelock.RiskLimits memory l = limits;
        int256 onePlusBuffer = FixedPoint.add(WAD, l.buffer);
        int256 target = FixedPoint.mul(onePlusBuffer, w.maintenance, CEIL);
        fraction = WAD; // an account without positive equity is closed out
        if (w.equity > 0) {
            // maintenance > equity > 0 here and reward <= 0.5 < 1 + buffer; a divisor that
            // rounds to 0 (an MM of a few wei) closes everything
            int256 per = FixedPoint.mul(FixedPoint.sub(onePlusBuffer, l.reward), w.maintenance, FLOOR);
            if (per > 0) fraction = FixedPoint.min(WAD, FixedPoint.div(FixedPoint.sub(target, w.equity), per, CEIL));
        }
        if (fraction > maxFraction) fraction = maxFraction;
        int256 reward = FixedPoint.mul(FixedPoint.mul(l.reward, fraction, CEIL), w.maintenance, CEIL);
        // never more than the account's equity: an insolvent account pays no reward (the fund
        // would pay it through the shortfall)
        if (reward > w.equity) reward = w.equity > 0 ? w.equity : int256(0);

        // Settle the perp at the mark (the library valued it so: equity is unchanged), then
        // move f of every position to the liquidator at f of the account's mark value.
        AccountBook.Account storage a = accounts[account];
        _perpSettle(account, market.perpMark);
        int256 optionsValue = FixedPoint.sub(w.equity, a.cash);
        int256 payment = FixedPoint.sub(FixedPoint.mul(optionsValue, fraction, FLOOR), reward);
        if (payment > maxPayment) revert PriceLimit(payment, maxPayment);
        _setCash(account, FixedPoint.add(a.cash, payment));
        _setCash(msg.sender, FixedPoint.sub(accounts[msg.sender].cash, payment));
        _transferPositions(account, msg.sender, fraction);

        int256 shortfall = 0;
        if (fraction == WAD && a.cash < 0) shortfall = _coverShortfall(account);
        _requireIM(msg.sender);
        emit WitnessInputs(account, market.timestamp, inputs);
        emit Liquidated(account, msg.sender, scenarioId, keccak256(inputs), w.equity, w.maintenance, fraction, reward, shortfall);
    }

    /// @notice Top up the insurance fund with tokens: what arrived (balance difference) pays the
    /// outstanding socialisedLoss down first (LossRecovered), the rest joins the fund. Reverts
    /// InvalidParameter("amount") above 1e33, TokenTransferFailed.
    function fundInsurance(uint256 amount) external nonReentrant {
        uint256 before = token.balanceOf(address(this));
        _call(abi.encodeCall(IERC20.transferFrom, (msg.sender, address(this), amount)));
        uint256 received = token.balanceOf(address(this)) - before;
        if (received > uint256(MAX_PRICE)) revert InvalidParameter("amount");
        int256 paid = socialisedLoss < int256(received) ? socialisedLoss : int256(received);
        if (paid > 0) {
            socialisedLoss -= paid;
            emit LossRecovered(uint256(paid));
        }
        insuranceFund += int256(received) - paid;
    }

    /// @notice Void the caller's order nonce `nonce` (an order signed but not yet filled).
    function cancelNonce(uint256 nonce) external {
        nonceWords[msg.sender][nonce >> 8] |= 1 << (nonce & 255);
        emit NonceCancelled(msg.sender, nonce);
    }

    // ---------------------------------------------------------------- views

    /// @notice Whether `account`'s order nonce `nonce` is used (filled or cancelled).
    function nonceUsed(address account, uint256 nonce) external view returns (bool) {
        return nonceWords[account][nonce >> 8] & (1 << (nonce & 255)) != 0;
    }

    /// @notice The EIP-712 domain separator of the accounts' orders (Orders.sol).
    function domainSeparator() external view returns (bytes32) {
        return Orders.domainSeparator();
    }

    /// @notice The model's parameters (returned as stored: abi.encode(params) is this function's
    /// return data).
    function params() external view returns (PortfolioMargin.Params memory) {
        bytes memory data = AccountBook.readData(paramsData);
        assembly ("memory-safe") {
            return(add(data, 32), mload(data))
        }
    }

    /// @notice The engine's inputs for `account`: its positions on the current market.
    function book(address account) external view returns (PortfolioMargin.Book memory) {
        _return(AccountBook.BOOK, account, 0);
    }

    /// @notice The cached values of `book(account)`'s legs (MarkEngine.marks of that book),
    /// per expiry and leg, as `liquidate` and the margin checks pass them to the engine.
    function marks(address account) external view returns (int256[][] memory) {
        _return(AccountBook.MARKS, account, 0);
    }

    /// @notice The full grid for `account` (audits, tests): every scenario, IM, MM, verdict.
    function fullGrid(address account) external view returns (PortfolioMargin.Grid memory) {
        _return(AccountBook.GRID, account, 0);
    }

    /// @notice keccak256(abi.encode(book, params, scenarioId)): the hash `Liquidated` carries.
    function inputHash(address account, uint256 scenarioId) external view returns (bytes32) {
        _return(AccountBook.INPUT_HASH, account, scenarioId);
    }

    function accountOf(address account)
        external
        view
        returns (int256 cash, int256 perpSize, int256 perpEntry, uint256[] memory held, int256[] memory amounts)
    {
        AccountBook.Account storage a = accounts[account];
        held = a.held;
        amounts = new int256[](held.length);
        for (uint256 i = 0; i < held.length; ++i) amounts[i] = a.amount[held[i]];
        return (AccountBook.claim(a, lossMark), a.perpSize, a.perpEntry, held, amounts);
    }

    /// @notice How many series are live (not yet settled): `live(i)` for i below it, ascending,
    /// is what `pushMarket`'s `vols` follows.
    function liveCount() external view returns (uint256) {
        return live.length;
    }

    function seriesCount() external view returns (uint256) {
        return series.length;
    }

    function expiryCount() external view returns (uint256) {
        return expiries.length;
    }

    // ---------------------------------------------------------------- internals

    /// @dev The account's cash, perp size and entry, and amount of series `id` (0 for the perp).
    function _state(address account, uint256 id) private view returns (int256[4] memory s) {
        AccountBook.Account storage a = accounts[account];
        s = [a.cash, a.perpSize, a.perpEntry, id == PERP ? int256(0) : a.amount[id]];
    }

    function _requireIM(address account) private {
        int256[4] memory none;
        _requireMargin(account, 0, false, none, false);
    }

    /// @dev AccountBook.requireMargin: IM holds (not enough when `stale`), or the side
    /// `reduces` its position in `id`, holds MM and equity - MM is not below its value in the
    /// state `before` the trade; InsufficientMargin otherwise.
    function _requireMargin(address account, uint256 id, bool reduces, int256[4] memory before, bool stale) private {
        AccountBook.requireMargin(accounts, market, expiries, series, settlements, expiryMarket, quotes, _ctx(), account, id, reduces, before, stale);
    }

    function _ctx() private view returns (AccountBook.Ctx memory) {
        return AccountBook.Ctx(lossMark, paramsData, engine, gridEngine);
    }

    /// @dev Return AccountBook.encoded(what, ...) as this call's return data.
    function _return(uint8 what, address account, uint256 scenarioId) private view {
        bytes memory data =
            AccountBook.encoded(accounts, market, expiries, series, settlements, expiryMarket, quotes, _ctx(), what, account, scenarioId);
        assembly ("memory-safe") {
            return(add(data, 32), mload(data))
        }
    }

    /// @dev Pays out the account's positions on settled expiries (order of the rest kept, so
    /// that book() before and after lists the remaining legs alike).
    /// An account left without positions and with negative cash is closed out (insurance, then
    /// socialised loss). Charges the account's share of socialised losses first (_setCash).
    function _settle(address account) private {
        AccountBook.Account storage a = accounts[account];
        _setCash(account, a.cash); // its share of socialised losses, charged
        uint256 n = a.held.length;
        // anything to pay? (reads what the margin check reads next anyway: warm then)
        uint256 i = 0;
        for (; i < n; ++i) {
            uint64 t = series[a.held[i]].expiry;
            if (t <= block.timestamp && settlements[t].price != 0) break;
        }
        if (i == n) return;
        (int256 total, uint256 left) = Listings.payout(series, settlements, a.held, a.amount, account);
        if (left == n) return;
        _setCash(account, FixedPoint.add(a.cash, total));
        if (left == 0 && a.perpSize == 0 && a.cash < 0) _coverShortfall(account);
    }

}
