// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {FixedPoint} from "./FixedPoint.sol";
import {PortfolioMargin} from "./PortfolioMargin.sol";
import {MarginEngine} from "./MarginEngine.sol";
import {Listings} from "./Listings.sol";
import {HouseGuards} from "./HouseGuards.sol";
import {Orders} from "./Orders.sol";
import {Timelock} from "./Timelock.sol";
import {ParamBounds} from "./ParamBounds.sol";

/// @notice The ERC-20 calls the clearing house makes.
interface IERC20 {
    function transfer(address to, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
    function balanceOf(address who) external view returns (uint256);
}

/// @title MarginAccounts
/// @notice A minimal clearing house for options and a perpetual on one underlying, margined
/// by the portfolio model of `core/` (PortfolioMargin, through MarginEngine): collateral in
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
/// everything is paid by the insurance fund, and the rest is socialised (withdrawals are
/// paid pro rata to claims while any socialised loss is outstanding).
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
contract MarginAccounts {
    // ------------------------------------------------------------------ types
    // (a listed series, its quote, an expiry's market and settlement: Listings' types)

    // (the oracle's snapshot and its limits: HouseGuards' types)

    struct Account {
        int256 cash;
        int256 perpSize;
        int256 perpEntry;
        uint256[] held; // series ids with a nonzero amount
        mapping(uint256 => int256) amount; // by series id
        uint256 lossAt; // lossMark when cash was last set: the claim's entry point in the loss scale
    }

    // (liquidation and oracle settings: Timelock.RiskLimits)

    // ---------------------------------------------------------------- errors

    error Unauthorized(bytes32 role, address caller);
    error InvalidParameter(bytes32 what);
    error StaleMarket(uint64 timestamp, uint256 now_);
    error PriceDeviation(bytes32 what, int256 previous, int256 next);
    error SeriesExpired(uint256 seriesId);
    error UnknownInstrument(uint256 instrument);
    error InsufficientMargin(address account, int256 equity, int256 initialMargin);
    error AccountHealthy(address account, uint256 scenarioId, int256 equity, int256 maintenance);
    error InsufficientCash(address account, int256 cash, uint256 amount);
    error TokenTransferFailed();
    error Reentrancy();
    error PriceLimit(int256 payment, int256 limit);
    // Orders' and Timelock's errors (raised in those libraries; declared here for the house's ABI)
    error BadSignature();
    error WrongSigner(address account, address signer);
    error OrderExpired(address account, uint64 deadline);
    error NonceUsed(address account, uint256 nonce);
    error NotQueued(bytes32 id);
    error AlreadyQueued(bytes32 id);
    error TooEarly(bytes32 id, uint256 eta);
    error ChangeExpired(bytes32 id, uint256 eta);
    error StepLimit(bytes32 what, int256 previous, int256 next);

    // ---------------------------------------------------------------- events

    /// @notice `who` holds `role` from now (address(0): revoked).
    event RoleSet(bytes32 indexed role, address indexed who);
    /// @notice The admin role is offered to `who`, who takes it with acceptAdmin.
    event AdminProposed(address indexed who);
    /// @notice Emitted by Timelock: a change queued (`data` = what the house will apply, `id` =
    /// its keccak256), executed, or cancelled.
    event ChangeQueued(bytes32 indexed id, bytes32 indexed kind, uint256 eta, bytes data);
    event ChangeExecuted(bytes32 indexed id);
    event ChangeCancelled(bytes32 indexed id);
    /// @notice `account` voided its order nonce `nonce` (cancelNonce).
    event NonceCancelled(address indexed account, uint256 nonce);
    event ParamsSet(bytes32 paramsHash, address data);
    event LimitsSet(int256 buffer, int256 reward, uint64 maxStaleness, int256 maxDeviation);
    event OracleLimitsSet(HouseGuards.OracleLimits limits);
    event SeriesListed(uint256 indexed seriesId, uint64 expiry, int256 strike, bool call);
    event MarketPushed(uint64 timestamp, int256 spot, int256 perpMark);
    event Deposited(address indexed account, uint256 amount);
    event Withdrawn(address indexed account, uint256 amount, uint256 paid);
    event Traded(address indexed buyer, address indexed seller, uint256 indexed instrument, int256 size, int256 price);
    /// @notice Everything an auditor needs to replay: `inputHash` is keccak256 of
    /// abi.encode(book, params, scenarioId), the exact inputs of the witness check.
    event Liquidated(
        address indexed account,
        address indexed liquidator,
        uint256 scenarioId,
        bytes32 inputHash,
        int256 equity,
        int256 maintenance,
        int256 fraction,
        int256 reward,
        int256 shortfall
    );
    /// @notice The witness check's inputs, emitted with each Liquidated (just before it, by the
    /// same address): `inputs` = abi.encode(book, params, scenarioId) as the check evaluated
    /// them, whose keccak256 is Liquidated's inputHash, and the market's timestamp. A replay
    /// then reads no state at the parent block (wrong when the liquidation is not first in its
    /// block).
    event WitnessInputs(address indexed account, uint64 marketTimestamp, bytes inputs);
    event InsuranceUsed(address indexed account, int256 amount);
    /// @notice Emitted by Listings (declared here for the house's ABI): an expiry
    /// settled at `price`, the spot of the oracle push stamped `source`.
    event ExpirySettled(uint64 indexed expiry, int256 price, uint64 source);
    /// @notice Emitted by Listings: one position paid out at its expiry's settlement,
    /// `cash` = floor(amount x payoff) into the account (negative: out of it).
    event OptionSettled(
        address indexed account, uint256 indexed seriesId, uint64 expiry, int256 strike, bool call, int256 amount, int256 price, int256 cash
    );
    event InsuranceWithdrawn(address indexed to, uint256 amount);
    /// @notice A closed-out account's deficit beyond the insurance fund: `amount` in all, of which
    /// min(amount, totalPositiveCash) is borne at once by the positive cash balances of that moment
    /// (lossMark scales them down), the rest (no claims to bear it) joins socialisedLoss.
    event LossSocialised(address indexed account, int256 amount);
    /// @notice fundInsurance paid `amount` of the outstanding socialisedLoss down.
    event LossRecovered(uint256 amount);

    // ----------------------------------------------------------------- state

    bytes32 public constant ADMIN = "admin";
    bytes32 public constant ORACLE = "oracle";
    bytes32 public constant MATCHER = "matcher";
    /// @notice The perpetual's instrument id in `trade`; series ids are below it.
    uint256 public constant PERP = type(uint256).max;
    int256 private constant WAD = 1e18;
    uint8 private constant TOWARD_ZERO = 0;
    uint8 private constant FLOOR = 1;
    uint8 private constant CEIL = 2;
    int256 private constant MAX_PRICE = 1e33; // 1e15 WAD, the JSON API's bound
    int256 private constant MAX_SIZE = 1e30; // 1e12 WAD
    uint256 private constant SCALE0 = 1e36;
    /// @notice The most option series an account can hold at once (the perp is not counted): a
    /// trade or liquidation that would open a 33rd reverts InvalidParameter("legs"). Bounds the
    /// gas of every margin check and liquidation (bridge::house_max_legs mirrors it).
    uint256 public constant MAX_LEGS = 32;

    IERC20 public immutable token;
    MarginEngine public immutable engine;

    mapping(bytes32 => address) public roles;
    address public paramsData; // the encoded PortfolioMargin.Params, as contract code
    Timelock.RiskLimits public limits;
    Listings.Series[] public series;
    uint32[] public live; // ids of the series not yet settled, ascending (8 a slot): what pushMarket's vols follow
    uint64[] public expiries; // live (not yet settled) expiries, ascending
    mapping(uint64 => Listings.Settlement) public settlements; // by expiry
    HouseGuards.Market public market;
    mapping(uint64 => Listings.ExpiryMarket) public expiryMarket;
    mapping(uint256 => Listings.Quote) public quotes; // by series id
    mapping(address => Account) private accounts;
    int256 public insuranceFund;
    /// @notice The deficit no claim could bear (socialised when the positive cash balances were
    /// smaller than it): a debt of the house, paid down by fundInsurance first.
    int256 public socialisedLoss;
    /// @notice Sum of the accounts' positive cash after their share of losses (an upper bound of
    /// it by the scale's rounding, which the house keeps): the claims a loss is shared over.
    int256 public totalPositiveCash;
    /// @notice The loss scale: epoch << 128 | scale, scale starting at 1e36 and multiplied by
    /// (claims - loss) / claims (floor) at each socialised loss; a positive cash balance set at
    /// mark (e0, s0) is worth floor(cash x s / s0) now in the same epoch e0, 0 in a later one.
    uint256 public lossMark = SCALE0;
    bool private entered;
    HouseGuards.OracleLimits public oracleLimits;
    /// @notice The timelock's delay (seconds): a queued change executes from this long after.
    uint256 public immutable delay;
    /// @notice Queued changes' eta (block timestamp) by id; 0: not queued.
    mapping(bytes32 => uint256) public queued;
    /// @notice The admin role's proposed holder (0: none), who takes it with acceptAdmin.
    address public pendingAdmin;
    mapping(address => mapping(uint256 => uint256)) private nonceWords; // order nonces used, a bitmap per account

    modifier only(bytes32 role) {
        if (msg.sender != roles[role]) revert Unauthorized(role, msg.sender);
        _;
    }

    modifier nonReentrant() {
        if (entered) revert Reentrancy();
        entered = true;
        _;
        entered = false;
    }

    /// @notice The first holders of the three roles, and the timelock's delay. Reverts
    /// InvalidParameter("delay") unless 1 hour <= delay_ <= 30 days (the generated table,
    /// ParamBounds.checkHouse), InvalidParameter("who") for a zero address.
    constructor(IERC20 token_, MarginEngine engine_, address admin, address oracle, address matcher, uint256 delay_) {
        ParamBounds.checkHouse(delay_);
        if (admin == address(0) || oracle == address(0) || matcher == address(0)) revert InvalidParameter("who");
        token = token_;
        engine = engine_;
        delay = delay_;
        roles[ADMIN] = admin;
        roles[ORACLE] = oracle;
        roles[MATCHER] = matcher;
        emit RoleSet(ADMIN, admin);
        emit RoleSet(ORACLE, oracle);
        emit RoleSet(MATCHER, matcher);
    }

    // ---------------------------------------------------------------- admin

    // Every change below is queued first, by `queue` (admin only), and applied by its function
    // with the same arguments from its eta (Timelock.consume: NotQueued, TooEarly,
    // ChangeExpired), except the first setting of params, limits and oracle limits, which
    // applies at once (the house can neither trade nor take a push before all three are set).
    // All revert Unauthorized for a caller other than the admin.

    /// @notice Queue a change: `kind` "params", "limits", "oracleLimits" or "role", `data` the
    /// ABI encoding of setParams', setLimits', setOracleLimits' or setRole's arguments (for
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

    /// @notice List an option series (and its expiry if new). Admin only. Returns its id.
    /// Listings.list: strike in (0, 1e15]; expiry after the chain's clock and the market's
    /// timestamp, at most three years ahead (InvalidParameter otherwise).
    function listSeries(uint64 expiry, int256 strike, bool call) external only(ADMIN) returns (uint256) {
        return Listings.list(series, live, expiries, market.timestamp, expiry, strike, call);
    }

    // ---------------------------------------------------------------- oracle

    /// @notice Push a market snapshot. Oracle only. First, every listed expiry at or before
    /// the snapshot's timestamp settles (ExpirySettled) at the spot of the last push at or
    /// before it: the previous snapshot's, or this one's if it is stamped at the expiry, if
    /// there was none, or if the previous one is more than maxStaleness before the expiry; the
    /// expiry and its series are delisted. `byExpiry` then follows `expiries` and `vols` follows
    /// `live` as they are after that (the expiries and series after the timestamp).
    /// Every live series is priced at its vol on the new market (MarginEngine.marks, through
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
        Listings.price(series, live, expiries, quotes, engine, m.timestamp, byExpiry, vols);
        market = m;
        emit MarketPushed(m.timestamp, m.spot, m.perpMark);
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
    /// socialised loss) to `to`. Admin only (not timelocked: it moves only the surplus).
    function withdrawInsurance(address to, uint256 amount) external only(ADMIN) nonReentrant {
        if (to == address(0) || amount == 0 || amount > uint256(MAX_PRICE) || int256(amount) > insuranceFund - socialisedLoss) {
            revert InvalidParameter("amount");
        }
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
        Account storage a = accounts[msg.sender];
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
        (PortfolioMargin.Book memory b, int256[][] memory marks) = _book(account);
        PortfolioMargin.Params memory p = _params();
        PortfolioMargin.Witness memory w = engine.witness(b, p, scenarioId, marks);
        if (!w.liquidatable) revert AccountHealthy(account, scenarioId, w.equity, w.maintenance);
        bytes memory inputs = abi.encode(b, p, scenarioId);

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
        Account storage a = accounts[account];
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
        bytes memory data = _readData(paramsData);
        assembly ("memory-safe") {
            return(add(data, 32), mload(data))
        }
    }

    function _params() private view returns (PortfolioMargin.Params memory) {
        return abi.decode(_readData(paramsData), (PortfolioMargin.Params));
    }

    /// @notice The engine's inputs for `account`: its positions on the current market.
    function book(address account) external view returns (PortfolioMargin.Book memory b) {
        (b,) = _book(account);
    }

    /// @notice The cached values of `book(account)`'s legs (MarginEngine.marks of that book),
    /// per expiry and leg, as `liquidate` and the margin checks pass them to the engine.
    function marks(address account) external view returns (int256[][] memory m) {
        (, m) = _book(account);
    }

    /// @notice The full grid for `account` (audits, tests): every scenario, IM, MM, verdict.
    function fullGrid(address account) external view returns (PortfolioMargin.Grid memory) {
        (PortfolioMargin.Book memory b, int256[][] memory m) = _book(account);
        return engine.grid(b, _params(), m);
    }

    /// @notice keccak256(abi.encode(book, params, scenarioId)): the hash `Liquidated` carries.
    function inputHash(address account, uint256 scenarioId) external view returns (bytes32) {
        (PortfolioMargin.Book memory b,) = _book(account);
        return keccak256(abi.encode(b, _params(), scenarioId));
    }

    function accountOf(address account)
        external
        view
        returns (int256 cash, int256 perpSize, int256 perpEntry, uint256[] memory held, int256[] memory amounts)
    {
        Account storage a = accounts[account];
        held = a.held;
        amounts = new int256[](held.length);
        for (uint256 i = 0; i < held.length; ++i) amounts[i] = a.amount[held[i]];
        return (_claim(a), a.perpSize, a.perpEntry, held, amounts);
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

    function _fresh() private view returns (bool) {
        uint64 t = market.timestamp;
        return t != 0 && block.timestamp - t <= limits.maxStaleness;
    }

    function _requireFresh() private view {
        if (!_fresh()) revert StaleMarket(market.timestamp, block.timestamp);
    }

    function _grid(address account) private view returns (PortfolioMargin.Grid memory) {
        (PortfolioMargin.Book memory b, int256[][] memory m) = _book(account);
        return engine.grid(b, _params(), m);
    }

    /// @dev The account's cash, perp size and entry, and amount of series `id` (0 for the perp).
    function _state(address account, uint256 id) private view returns (int256[4] memory s) {
        Account storage a = accounts[account];
        s = [a.cash, a.perpSize, a.perpEntry, id == PERP ? int256(0) : a.amount[id]];
    }

    /// @dev Write `s` (a _state) over the account's and return what was there: a trade undone
    /// and redone around one grid. A series the trade closed goes back to the end of `held`
    /// for the undo and comes off it for the redo (cash is written as is: its loss-scale entry
    /// is current, the trade having charged it).
    function _swap(address account, uint256 id, int256[4] memory s) private returns (int256[4] memory old) {
        Account storage a = accounts[account];
        old = _state(account, id);
        a.cash = s[0];
        a.perpSize = s[1];
        a.perpEntry = s[2];
        if (id != PERP) {
            a.amount[id] = s[3];
            if (old[3] == 0) a.held.push(id);
            else if (s[3] == 0) a.held.pop();
        }
    }

    function _requireIM(address account) private {
        int256[4] memory none;
        _requireMargin(account, 0, false, none, false);
    }

    /// @dev By the full grid on the last pushed market: IM holds (not enough when `stale`), or
    /// the side `reduces` a position, MM holds and equity - MM is not below its value in the
    /// state `before` the trade (evaluated only then: the trade undone, one grid, redone). An
    /// account without positions holds if its cash is not negative.
    function _requireMargin(address account, uint256 id, bool reduces, int256[4] memory before, bool stale) private {
        Account storage a = accounts[account];
        if (a.held.length == 0 && a.perpSize == 0) {
            if (a.cash < 0) revert InsufficientMargin(account, a.cash, 0);
            return;
        }
        PortfolioMargin.Grid memory g = _grid(account);
        if (!stale && g.equity >= g.initial) return;
        if (reduces && g.equity >= g.maintenance) {
            int256[4] memory after_ = _swap(account, id, before);
            PortfolioMargin.Grid memory g0 = _grid(account);
            _swap(account, id, after_);
            if (g.equity - g.maintenance >= g0.equity - g0.maintenance) return;
        }
        revert InsufficientMargin(account, g.equity, stale ? g.maintenance : g.initial);
    }

    /// @dev Pays out the account's positions on settled expiries (order of the rest kept, so
    /// that book() before and after lists the remaining legs alike).
    /// An account left without positions and with negative cash is closed out (insurance, then
    /// socialised loss). Charges the account's share of socialised losses first (_setCash).
    function _settle(address account) private {
        Account storage a = accounts[account];
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

    /// @dev Set cash to `cash`, computed by the caller from a.cash: the account's share of losses
    /// socialised since its cash was last set (a.cash - _claim(a)) comes off first, and its entry
    /// point in the loss scale becomes the current mark.
    function _setCash(address account, int256 cash) private {
        Account storage a = accounts[account];
        int256 old = _claim(a);
        cash -= a.cash - old;
        totalPositiveCash = totalPositiveCash - (old > 0 ? old : int256(0)) + (cash > 0 ? cash : int256(0));
        a.cash = cash;
        a.lossAt = lossMark;
    }

    /// @dev The account's cash after its share of the losses socialised since it was set:
    /// floor(cash x scale / scale at entry) when positive and in the same epoch, 0 in a later
    /// epoch; negative cash bears none.
    function _claim(Account storage a) private view returns (int256) {
        int256 c = a.cash;
        if (c <= 0) return c;
        uint256 at = a.lossAt;
        uint256 mark = lossMark;
        if (at == mark) return c;
        if (at >> 128 != mark >> 128) return 0;
        return FixedPoint.mulDiv(c, int256(uint256(uint128(mark))), int256(uint256(uint128(at))), FLOOR);
    }

    function _addOption(address account, uint256 id, int256 delta) private {
        Account storage a = accounts[account];
        int256 before = a.amount[id];
        int256 next = FixedPoint.add(before, delta);
        if (next > MAX_SIZE || next < -MAX_SIZE) revert InvalidParameter("size");
        a.amount[id] = next;
        if (before == 0 && next != 0) {
            if (a.held.length >= MAX_LEGS) revert InvalidParameter("legs");
            a.held.push(id);
        } else if (before != 0 && next == 0) {
            uint256 n = a.held.length;
            for (uint256 i = 0; i < n; ++i) {
                if (a.held[i] == id) {
                    a.held[i] = a.held[n - 1];
                    a.held.pop();
                    break;
                }
            }
        }
    }

    /// @dev Realise the perp's P&L at `price` into cash (floor); the entry becomes `price`.
    function _perpSettle(address account, int256 price) private {
        Account storage a = accounts[account];
        if (a.perpSize != 0) _setCash(account, FixedPoint.add(a.cash, FixedPoint.mul(a.perpSize, FixedPoint.sub(price, a.perpEntry), FLOOR)));
        a.perpEntry = price;
    }

    function _perpTrade(address account, int256 delta, int256 price) private {
        _perpSettle(account, price);
        Account storage a = accounts[account];
        int256 next = FixedPoint.add(a.perpSize, delta);
        if (next > MAX_SIZE || next < -MAX_SIZE) revert InvalidParameter("size");
        a.perpSize = next;
    }

    /// @dev Move trunc(f x amount) of every position from `from` to `to` (all of it at f = 1).
    function _transferPositions(address from, address to, int256 f) private {
        Account storage a = accounts[from];
        uint256[] memory held = a.held; // a copy: _addOption edits the list
        for (uint256 i = 0; i < held.length; ++i) {
            int256 amt = a.amount[held[i]];
            int256 q = f == WAD ? amt : FixedPoint.mul(amt, f, TOWARD_ZERO);
            if (q == 0) continue;
            _addOption(from, held[i], -q);
            _addOption(to, held[i], q);
        }
        int256 perp = a.perpSize;
        int256 qp = f == WAD ? perp : FixedPoint.mul(perp, f, TOWARD_ZERO);
        if (qp != 0) {
            int256 mark = market.perpMark;
            _perpTrade(from, -qp, mark);
            _perpTrade(to, qp, mark);
        }
    }

    /// @dev Insurance pays a closed-out account's negative cash, then the rest is socialised: borne
    /// at once by the positive cash balances (lossMark), what exceeds them joins socialisedLoss.
    function _coverShortfall(address account) private returns (int256 shortfall) {
        Account storage a = accounts[account];
        shortfall = -a.cash;
        int256 cover = insuranceFund < shortfall ? (insuranceFund > 0 ? insuranceFund : int256(0)) : shortfall;
        if (cover > 0) {
            insuranceFund -= cover;
            emit InsuranceUsed(account, cover);
        }
        int256 rest = shortfall - cover;
        _setCash(account, 0);
        if (rest > 0) {
            // borne by the positive cash balances of now, pro rata: scale x (claims - borne) / claims
            int256 claims = totalPositiveCash;
            int256 borne = rest < claims ? rest : claims;
            uint256 mark = lossMark;
            uint256 scale = claims == 0 ? uint128(mark) : uint256(FixedPoint.mulDiv(int256(uint256(uint128(mark))), claims - borne, claims, FLOOR));
            // all claims gone (or the scale exhausted): a new epoch, every earlier claim worth 0
            lossMark = scale == 0 ? ((mark >> 128) + 1) << 128 | SCALE0 : (mark >> 128) << 128 | scale;
            totalPositiveCash = scale == 0 ? int256(0) : claims - borne;
            socialisedLoss += rest - borne;
            emit LossSocialised(account, rest);
        }
    }

    /// @dev The engine's Book: listed expiries ascending, those the account holds options on,
    /// each expiry's legs by strike (in the order the positions were opened within a strike);
    /// and its legs' cached marks, in the same shape.
    function _book(address account) private view returns (PortfolioMargin.Book memory b, int256[][] memory marks_) {
        Account storage a = accounts[account];
        HouseGuards.Market memory m = market;
        b.cash = _claim(a);
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

    /// @dev Low-level token call: success and (no data or true), else TokenTransferFailed.
    function _call(bytes memory data) private {
        (bool ok, bytes memory ret) = address(token).call(data);
        if (!ok || (ret.length != 0 && !abi.decode(ret, (bool)))) revert TokenTransferFailed();
    }

    function _readData(address ptr) private view returns (bytes memory data) {
        if (ptr == address(0)) revert InvalidParameter("params");
        uint256 size = ptr.code.length - 1;
        data = new bytes(size);
        assembly ("memory-safe") {
            extcodecopy(ptr, add(data, 32), 1, size)
        }
    }
}
