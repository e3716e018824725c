// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @notice Test ERC-20 (18 decimals) with open minting: the settlement token in tests.
/// `hook`, when set, is called on every transfer out of `hookFrom` (the reentrancy test's
/// malicious token: it calls back into the clearing house mid-transfer).
contract TestToken {
    string public constant name = "Test USD";
    string public constant symbol = "TUSD";
    uint8 public constant decimals = 18;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;
    address public hook;
    address public hookFrom;
    bytes public hookData;
    bool public hookSucceeded; // the reentrant call's outcome (it must fail)
    bytes public hookRevert; // its revert data

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    function mint(address to, uint256 amount) external {
        totalSupply += amount;
        balanceOf[to] += amount;
        emit Transfer(address(0), to, amount);
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _move(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        uint256 a = allowance[from][msg.sender];
        require(a >= amount, "allowance");
        if (a != type(uint256).max) allowance[from][msg.sender] = a - amount;
        _move(from, to, amount);
        return true;
    }

    /// @notice Arm the hook: on a transfer out of `from`, call `target` with `data`.
    function setHook(address target, address from, bytes calldata data) external {
        hook = target;
        hookFrom = from;
        hookData = data;
    }

    function _move(address from, address to, uint256 amount) private {
        require(balanceOf[from] >= amount, "balance");
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
        emit Transfer(from, to, amount);
        if (hook != address(0) && from == hookFrom) {
            address target = hook;
            hook = address(0); // once
            (bool ok, bytes memory ret) = target.call(hookData);
            hookSucceeded = ok;
            hookRevert = ret;
        }
    }
}
