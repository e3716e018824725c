// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @notice Test probe: the EVM's own keccak256, for the cross-check of the C++
/// keccak256 (contracts-interface/harness/keccak.js).
contract AbiProbe {
    function hash(bytes calldata data) external pure returns (bytes32) { return keccak256(data); }
}
