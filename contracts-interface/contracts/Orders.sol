// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Orders
/// @notice The accounts' signed orders for MarginAccounts.trade, apart from the house so that it
/// stays under EIP-170's 24,576 bytes: an external library (deployed once, linked, run by
/// DELEGATECALL on the house's storage, so that `address(this)` is the house).
///
/// An order is EIP-712 typed data, signed by the account's key:
///
///     Order(address account,uint256 instrument,int256 size,int256 limitPrice,uint64 deadline,uint256 nonce)
///
/// under the domain EIP712Domain(string name,string version,uint256 chainId,address
/// verifyingContract) with name "MarginAccounts", version "1", the chain's id and the house's
/// address. `size` > 0 buys, < 0 sells; `limitPrice` is the highest price a buy accepts or the
/// lowest a sell accepts; `deadline` the last block timestamp it may be filled at. An order
/// fills once, for at most |size| (immediate-or-cancel: what is not filled then is void). Nonces
/// are a bitmap per account (word nonce >> 8, bit nonce & 255): any unused nonce, in any
/// order, so that the matcher may fill an account's orders out of sequence; an account voids a
/// signed order it has not yet seen filled by using its nonce (MarginAccounts.cancelNonce).
/// Signatures are 65 bytes r ‖ s ‖ v, v in {27, 28}, s in the lower half of the curve order
/// (EIP-2: the high-s twin of a valid signature is refused).
/// docs/clearing-house.md, "Signed orders", states the rules.
library Orders {
    struct Order {
        address account;
        uint256 instrument;
        int256 size;
        int256 limitPrice;
        uint64 deadline;
        uint256 nonce;
    }

    bytes32 internal constant ORDER_TYPEHASH =
        keccak256("Order(address account,uint256 instrument,int256 size,int256 limitPrice,uint64 deadline,uint256 nonce)");
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant NAME_HASH = keccak256("MarginAccounts");
    bytes32 private constant VERSION_HASH = keccak256("1");
    /// @dev secp256k1's order n, halved: s above it is the malleable twin (EIP-2).
    uint256 private constant HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    error InvalidParameter(bytes32 what);
    error BadSignature();
    error WrongSigner(address account, address signer);
    error OrderExpired(address account, uint64 deadline);
    error NonceUsed(address account, uint256 nonce);
    error PriceLimit(int256 payment, int256 limit);

    /// @notice The EIP-712 domain separator of the house running this code (DELEGATECALL:
    /// address(this) is the house), on the current chain.
    function domainSeparator() public view returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, block.chainid, address(this)));
    }

    /// @notice The digest the account signs: keccak256("\x19\x01" ‖ domainSeparator ‖ hashStruct(o)).
    function digest(Order memory o) public view returns (bytes32) {
        bytes32 h = keccak256(abi.encode(ORDER_TYPEHASH, o.account, o.instrument, o.size, o.limitPrice, o.deadline, o.nonce));
        return keccak256(abi.encodePacked(hex"1901", domainSeparator(), h));
    }

    /// @notice MarginAccounts.trade's orders: `args` is the call's arguments, abi.encode(buy,
    /// buySig, sell, sellSig, size, price); fills the buy for size and the sell for -size.
    function fillTrade(mapping(address => mapping(uint256 => uint256)) storage used, bytes calldata args) external {
        (Order memory buy, bytes memory buySig, Order memory sell, bytes memory sellSig, int256 size, int256 price) =
            abi.decode(args, (Order, bytes, Order, bytes, int256, int256));
        _fill(used, buy, buySig, size, price);
        _fill(used, sell, sellSig, -size, price);
    }

    /// @notice Fill `o` for `size` (signed as the order: > 0 the buyer's side, < 0 the seller's) at
    /// `price`, consuming its nonce. Reverts, in this order: OrderExpired(account, deadline) if the
    /// block's timestamp is past the deadline; InvalidParameter("order") if `size` is zero, of the
    /// other sign than the order's, or larger in magnitude; PriceLimit(price, limitPrice) if a
    /// buy's price is above its limit or a sell's below it; NonceUsed(account, nonce) if the
    /// nonce was used (filled or cancelled); BadSignature() unless `sig` is 65 bytes with v in
    /// {27, 28}, s in [1, n/2] and a recoverable key; WrongSigner(account, signer) if it was
    /// signed by another key than the account's.
    function _fill(mapping(address => mapping(uint256 => uint256)) storage used, Order memory o, bytes memory sig, int256 size, int256 price) private {
        address account = o.account;
        if (block.timestamp > o.deadline) revert OrderExpired(account, o.deadline);
        if (size > 0 ? (o.size < size) : (size == 0 || o.size > size)) revert InvalidParameter("order");
        if (size > 0 ? price > o.limitPrice : price < o.limitPrice) revert PriceLimit(price, o.limitPrice);
        uint256 bit = 1 << (o.nonce & 255);
        mapping(uint256 => uint256) storage words = used[account];
        uint256 word = words[o.nonce >> 8];
        if (word & bit != 0) revert NonceUsed(account, o.nonce);
        address signer = recover(digest(o), sig);
        if (signer != account) revert WrongSigner(account, signer);
        words[o.nonce >> 8] = word | bit;
    }

    /// @notice The signer of `hash`: ecrecover with the checks of `fill` (BadSignature otherwise).
    function recover(bytes32 hash, bytes memory sig) internal pure returns (address signer) {
        if (sig.length != 65) revert BadSignature();
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly ("memory-safe") {
            r := mload(add(sig, 32))
            s := mload(add(sig, 64))
            v := byte(0, mload(add(sig, 96)))
        }
        if ((v != 27 && v != 28) || uint256(s) > HALF_N || uint256(s) == 0) revert BadSignature();
        signer = ecrecover(hash, v, r, s);
        if (signer == address(0)) revert BadSignature();
    }
}
