// RLP against the published examples of the Ethereum RLP specification
// (ethereum.org, "Recursive-length prefix"), and key -> address against the
// well-known development accounts (anvil / Hardhat accounts 0 and 1). That
// anvil accepts the keeper's signed transactions is the end-to-end check
// (contracts-interface/harness/keeper.js).
#include <catch2/catch.hpp>

#include "chain/tx.hpp"

using margin::error_code;

namespace {

using chain::rlp_item;

std::string rlp_hex(const rlp_item& x) { return abi::to_hex(chain::rlp_encode(x)); }
rlp_item text(std::string_view s) { return rlp_item::of(abi::bytes(s.begin(), s.end())); }

}  // namespace

TEST_CASE("rlp: the specification's examples", "[chain]") {
    CHECK(rlp_hex(text("dog")) == "0x83646f67");
    CHECK(rlp_hex(rlp_item::of(std::vector<rlp_item>{text("cat"), text("dog")})) == "0xc88363617483646f67");
    CHECK(rlp_hex(text("")) == "0x80");
    CHECK(rlp_hex(rlp_item::of(std::vector<rlp_item>{})) == "0xc0");
    CHECK(rlp_hex(rlp_item::of(abi::integer(0))) == "0x80");
    CHECK(rlp_hex(rlp_item::of(abi::bytes{0x00})) == "0x00");
    CHECK(rlp_hex(rlp_item::of(abi::bytes{0x0f})) == "0x0f");
    CHECK(rlp_hex(rlp_item::of(abi::integer(15))) == "0x0f");
    CHECK(rlp_hex(rlp_item::of(abi::integer(1024))) == "0x820400");
    // [ [], [[]], [ [], [[]] ] ]
    const rlp_item e = rlp_item::of(std::vector<rlp_item>{});
    const rlp_item ee = rlp_item::of(std::vector<rlp_item>{e});
    CHECK(rlp_hex(rlp_item::of(std::vector<rlp_item>{e, ee, rlp_item::of(std::vector<rlp_item>{e, ee})})) == "0xc7c0c1c0c3c0c1c0");
    const std::string lorem = "Lorem ipsum dolor sit amet, consectetur adipisicing elit";
    CHECK(rlp_hex(text(lorem)) == "0xb838" + abi::to_hex(abi::bytes(lorem.begin(), lorem.end())).substr(2));
}

TEST_CASE("signer: development keys and their addresses; bad keys", "[chain]") {
    auto k0 = chain::signer::from_hex("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    REQUIRE(k0.ok());
    CHECK(chain::to_hex(k0.value.addr()) == "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
    auto k1 = chain::signer::from_hex("59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    REQUIRE(k1.ok());
    CHECK(chain::to_hex(k1.value.addr()) == "0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
    for (const char* bad : {"0x00", "zz", "0x0000000000000000000000000000000000000000000000000000000000000000",
                            "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"}) {
        auto s = chain::signer::from_hex(bad);
        INFO(bad);
        REQUIRE_FALSE(s.ok());
        CHECK(s.err->code == error_code::BAD_PRIVATE_KEY);
    }
    // a signed type-2 transaction: 0x02, then an RLP list of 12 fields; deterministic (RFC 6979)
    chain::eip1559_tx tx;
    tx.chain_id = 31337;
    tx.nonce = 7;
    tx.max_priority_fee_per_gas = 1'000'000'000;
    tx.max_fee_per_gas = 3'000'000'000;
    tx.gas_limit = 500'000;
    tx.to = chain::parse_address("0x5fbdb2315678afecb367f032d93f642f64180aa3").value;
    tx.data = {0xde, 0xad};
    const auto raw = k0.value.sign(tx);
    CHECK(raw[0] == 0x02);
    CHECK(raw[1] >= 0xf8);  // a long list
    CHECK(k0.value.sign(tx) == raw);
    CHECK_FALSE(chain::parse_address("0x5fbdb2315678afecb367f032d93f642f64180aa").ok());
    CHECK_FALSE(chain::parse_address("5fbdb2315678afecb367f032d93f642f64180aa3").ok());
}
