#include "chain/tx.hpp"

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <iterator>

#include "abi/keccak.hpp"

namespace chain {
namespace {

const secp256k1_context* context() {
    static secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_SIGN);
    return ctx;
}

void put_length(bytes& out, std::size_t n, std::uint8_t short_base, std::uint8_t long_base) {
    if (n < 56) {
        out.push_back(static_cast<std::uint8_t>(short_base + n));
        return;
    }
    bytes be;
    for (std::size_t v = n; v; v >>= 8) be.insert(be.begin(), static_cast<std::uint8_t>(v & 0xff));
    out.push_back(static_cast<std::uint8_t>(long_base + be.size()));
    out.insert(out.end(), be.begin(), be.end());
}

}  // namespace

rlp_item rlp_item::of(const integer& n) {
    bytes be;
    if (n > 0) export_bits(n, std::back_inserter(be), 8);
    return of(std::move(be));
}

bytes rlp_encode(const rlp_item& item) {
    bytes out;
    if (!item.is_list) {
        if (item.str.size() == 1 && item.str[0] < 0x80) return item.str;  // a single low byte is itself
        put_length(out, item.str.size(), 0x80, 0xb7);
        out.insert(out.end(), item.str.begin(), item.str.end());
        return out;
    }
    bytes body;
    for (const rlp_item& x : item.list) {
        const bytes e = rlp_encode(x);
        body.insert(body.end(), e.begin(), e.end());
    }
    put_length(out, body.size(), 0xc0, 0xf7);
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

margin::outcome<signer> signer::from_hex(std::string_view private_key_hex) {
    auto raw = abi::from_hex(private_key_hex);
    if (!raw.ok() || raw.value.size() != 32)
        return margin::outcome<signer>::failure(error_code::BAD_PRIVATE_KEY, "", "a private key is 32 bytes of hex");
    signer s;
    std::copy(raw.value.begin(), raw.value.end(), s.key_.begin());
    if (!secp256k1_ec_seckey_verify(context(), s.key_.data()))
        return margin::outcome<signer>::failure(error_code::BAD_PRIVATE_KEY, "",
                                                "not a valid secp256k1 private key (zero or not below the order)");
    secp256k1_pubkey pub;
    if (!secp256k1_ec_pubkey_create(context(), &pub, s.key_.data()))
        return margin::outcome<signer>::failure(error_code::BAD_PRIVATE_KEY, "", "no public key for this private key");
    std::array<std::uint8_t, 65> ser{};
    std::size_t len = ser.size();
    secp256k1_ec_pubkey_serialize(context(), ser.data(), &len, &pub, SECP256K1_EC_UNCOMPRESSED);
    const abi::hash256 h = abi::keccak256(std::span<const std::uint8_t>(ser.data() + 1, 64));  // without the 0x04 prefix
    std::copy(h.begin() + 12, h.end(), s.address_.begin());
    return {s, std::nullopt};
}

bytes signer::sign(const eip1559_tx& tx) const {
    std::vector<rlp_item> fields{rlp_item::of(integer(tx.chain_id)),
                                 rlp_item::of(integer(tx.nonce)),
                                 rlp_item::of(tx.max_priority_fee_per_gas),
                                 rlp_item::of(tx.max_fee_per_gas),
                                 rlp_item::of(integer(tx.gas_limit)),
                                 rlp_item::of(bytes(tx.to.begin(), tx.to.end())),
                                 rlp_item::of(tx.value),
                                 rlp_item::of(tx.data),
                                 rlp_item::of(std::vector<rlp_item>{})};
    bytes payload{0x02};
    const bytes unsigned_rlp = rlp_encode(rlp_item::of(fields));
    payload.insert(payload.end(), unsigned_rlp.begin(), unsigned_rlp.end());
    const abi::hash256 digest = abi::keccak256(payload);
    secp256k1_ecdsa_recoverable_signature sig;
    secp256k1_ecdsa_sign_recoverable(context(), &sig, digest.data(), key_.data(), nullptr, nullptr);  // RFC 6979, low-s
    std::array<std::uint8_t, 64> rs{};
    int recid = 0;
    secp256k1_ecdsa_recoverable_signature_serialize_compact(context(), rs.data(), &recid, &sig);
    integer r, s;
    import_bits(r, rs.begin(), rs.begin() + 32, 8);
    import_bits(s, rs.begin() + 32, rs.end(), 8);
    fields.push_back(rlp_item::of(integer(recid)));
    fields.push_back(rlp_item::of(r));
    fields.push_back(rlp_item::of(s));
    bytes out{0x02};
    const bytes signed_rlp = rlp_encode(rlp_item::of(fields));
    out.insert(out.end(), signed_rlp.begin(), signed_rlp.end());
    return out;
}

std::string to_hex(const address& a) { return abi::to_hex(a); }

margin::outcome<address> parse_address(std::string_view text) {
    auto raw = abi::from_hex(text);
    if (!raw.ok() || raw.value.size() != 20 || text.substr(0, 2) != "0x")
        return margin::outcome<address>::failure(error_code::BAD_ADDRESS, "",
                                                 "an address is 0x and 40 hex digits, got \"" + std::string(text) + "\"");
    address a{};
    std::copy(raw.value.begin(), raw.value.end(), a.begin());
    return {a, std::nullopt};
}

}  // namespace chain
