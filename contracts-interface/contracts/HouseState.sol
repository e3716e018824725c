// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {FixedPoint} from "./FixedPoint.sol";
import {PortfolioMargin} from "./PortfolioMargin.sol";
import {MarginEngine} from "./MarginEngine.sol";
import {GridEngine} from "./GridEngine.sol";
import {MarkEngine} from "./MarkEngine.sol";
import {AccountBook} from "./AccountBook.sol";
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

/// @title HouseState
/// @notice MarginAccounts' declarations and ledger, apart from its entry points so that each
/// file reads whole: its errors and events (the house's ABI, the libraries' included), its
/// roles and constants, its storage (the layout MarginAccounts has always had), the modifiers,
/// and the internal bookkeeping of cash, positions and losses that the entry points share:
/// _setCash (a claim charged its share of socialised losses), _addOption, the perp's
/// settlement at a price, _coverShortfall (insurance, then socialised loss), token calls.
/// Abstract: MarginAccounts is the deployed contract.
abstract contract HouseState {
    // ------------------------------------------------------------------ types
    // (a listed series, its quote, an expiry's market and settlement: Listings' types)

    // (the oracle's snapshot and its limits: HouseGuards' types)

    // (an account: AccountBook.Account)

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
    /// @notice With each MarketPushed, just after it: `inputs` = pushMarket's arguments as sent,
    /// abi.encode(market, byExpiry, vols) (spot, perp mark, stable price and their confidences;
    /// each live expiry's forward, forward confidence, rate and discount factor; each live
    /// series' vol, in `live` order after the push's settlements). With the listings
    /// (SeriesListed) and settlements (ExpirySettled) before it, an auditor recomputes every
    /// cached mark (MarkEngine.marks) and the whole market from logs alone.
    event MarketInputs(uint64 indexed timestamp, bytes inputs);
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
    int256 internal constant WAD = 1e18;
    uint8 internal constant TOWARD_ZERO = 0;
    uint8 internal constant FLOOR = 1;
    uint8 internal constant CEIL = 2;
    int256 internal constant MAX_PRICE = 1e33; // 1e15 WAD, the JSON API's bound
    int256 internal constant MAX_SIZE = 1e30; // 1e12 WAD
    uint256 internal constant SCALE0 = 1e36;
    /// @notice The most option series an account can hold at once (the perp is not counted): a
    /// trade or liquidation that would open a 33rd reverts InvalidParameter("legs"). Bounds the
    /// gas of every margin check and liquidation (bridge::house_max_legs mirrors it).
    uint256 public constant MAX_LEGS = 32;

    IERC20 public immutable token;
    /// @notice The witness check of a liquidation (MarginEngine.witness).
    MarginEngine public immutable engine;
    /// @notice The full grid of the margin checks and fullGrid (GridEngine.grid).
    GridEngine public immutable gridEngine;
    /// @notice Prices the mark cache at every oracle push (MarkEngine.marks, via Listings.price).
    MarkEngine public immutable marker;

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
    mapping(address => AccountBook.Account) internal accounts;
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
    bool internal entered;
    HouseGuards.OracleLimits public oracleLimits;
    /// @notice The timelock's delay (seconds): a queued change executes from this long after.
    uint256 public immutable delay;
    /// @notice Queued changes' eta (block timestamp) by id; 0: not queued.
    mapping(bytes32 => uint256) public queued;
    /// @notice The admin role's proposed holder (0: none), who takes it with acceptAdmin.
    address public pendingAdmin;
    mapping(address => mapping(uint256 => uint256)) internal nonceWords; // order nonces used, a bitmap per account

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

    /// @notice The token, the three engines, the first holders of the three roles, and the
    /// timelock's delay. Reverts InvalidParameter("delay") unless 1 hour <= delay_ <= 30 days
    /// (the generated table, ParamBounds.checkHouse), InvalidParameter("who") for a zero address.
    constructor(IERC20 token_, MarginEngine engine_, GridEngine gridEngine_, MarkEngine marker_, address admin, address oracle, address matcher, uint256 delay_) {
        ParamBounds.checkHouse(delay_);
        if (admin == address(0) || oracle == address(0) || matcher == address(0)) revert InvalidParameter("who");
        token = token_;
        engine = engine_;
        gridEngine = gridEngine_;
        marker = marker_;
        delay = delay_;
        roles[ADMIN] = admin;
        roles[ORACLE] = oracle;
        roles[MATCHER] = matcher;
        emit RoleSet(ADMIN, admin);
        emit RoleSet(ORACLE, oracle);
        emit RoleSet(MATCHER, matcher);
    }

    // ---------------------------------------------------------------- ledger

    /// @dev Whether the last pushed market is at most maxStaleness old (and there is one).
    function _fresh() internal view returns (bool) {
        uint64 t = market.timestamp;
        return t != 0 && block.timestamp - t <= limits.maxStaleness;
    }

    function _requireFresh() internal view {
        if (!_fresh()) revert StaleMarket(market.timestamp, block.timestamp);
    }

    /// @dev Set cash to `cash`, computed by the caller from a.cash: the account's share of losses
    /// socialised since its cash was last set (a.cash - AccountBook.claim(a, lossMark)) comes off
    /// first, and its entry point in the loss scale becomes the current mark.
    function _setCash(address account, int256 cash) internal {
        AccountBook.Account storage a = accounts[account];
        int256 old = AccountBook.claim(a, lossMark);
        cash -= a.cash - old;
        totalPositiveCash = totalPositiveCash - (old > 0 ? old : int256(0)) + (cash > 0 ? cash : int256(0));
        a.cash = cash;
        a.lossAt = lossMark;
    }

    function _addOption(address account, uint256 id, int256 delta) internal {
        AccountBook.Account storage a = accounts[account];
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
    function _perpSettle(address account, int256 price) internal {
        AccountBook.Account storage a = accounts[account];
        if (a.perpSize != 0) _setCash(account, FixedPoint.add(a.cash, FixedPoint.mul(a.perpSize, FixedPoint.sub(price, a.perpEntry), FLOOR)));
        a.perpEntry = price;
    }

    function _perpTrade(address account, int256 delta, int256 price) internal {
        _perpSettle(account, price);
        AccountBook.Account storage a = accounts[account];
        int256 next = FixedPoint.add(a.perpSize, delta);
        if (next > MAX_SIZE || next < -MAX_SIZE) revert InvalidParameter("size");
        a.perpSize = next;
    }

    /// @dev Move trunc(f x amount) of every position from `from` to `to` (all of it at f = 1).
    function _transferPositions(address from, address to, int256 f) internal {
        AccountBook.Account storage a = accounts[from];
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
    function _coverShortfall(address account) internal returns (int256 shortfall) {
        AccountBook.Account storage a = accounts[account];
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

    /// @dev Low-level token call: success and (no data or true), else TokenTransferFailed.
    function _call(bytes memory data) internal {
        (bool ok, bytes memory ret) = address(token).call(data);
        if (!ok || (ret.length != 0 && !abi.decode(ret, (bool)))) revert TokenTransferFailed();
    }
}
