#include "chain/node.hpp"

namespace chain {
namespace {

std::string shown(const json& j) {
    std::string s = j.dump();
    return s.size() > 80 ? s.substr(0, 80) + "..." : s;
}

template <class T>
outcome<T> bad(std::string_view what, const std::string& why) {
    return outcome<T>::failure(error_code::RPC_BAD_RESPONSE, std::string(what), std::string(what) + ": " + why);
}

bool hex_digits(const std::string& s, std::size_t from) { return s.find_first_not_of("0123456789abcdefABCDEF", from) == std::string::npos; }

}  // namespace

outcome<abi::integer> read_u256(const json& q, std::string_view what) {
    if (!q.is_string()) return bad<abi::integer>(what, "not a hex quantity: " + shown(q));
    const auto& s = q.get_ref<const std::string&>();
    if (s.size() < 3 || s.size() > 66 || s.compare(0, 2, "0x") != 0 || !hex_digits(s, 2))
        return bad<abi::integer>(what, "not a hex quantity below 2^256: " + shown(q));
    return {abi::integer(s), std::nullopt};
}

outcome<std::uint64_t> read_u64(const json& q, std::string_view what, std::uint64_t max) {
    auto v = read_u256(q, what);
    if (!v.ok()) return outcome<std::uint64_t>::failure(*v.err);
    if (v.value > max) return bad<std::uint64_t>(what, shown(q) + " is above " + std::to_string(max));
    return {v.value.convert_to<std::uint64_t>(), std::nullopt};
}

outcome<std::string> read_hash(const json& h, std::string_view what) {
    if (!h.is_string() || h.get_ref<const std::string&>().size() != 66 || h.get_ref<const std::string&>().compare(0, 2, "0x") != 0 ||
        !hex_digits(h.get_ref<const std::string&>(), 2))
        return bad<std::string>(what, "not a 32-byte hash: " + shown(h));
    std::string s = h.get<std::string>();
    for (char& c : s)
        if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    return {s, std::nullopt};
}

outcome<block_header> read_block(const json& b, std::string_view what) {
    using out_t = outcome<block_header>;
    if (!b.is_object()) return bad<block_header>(what, "not a block: " + shown(b));
    block_header h;
    auto n = read_u64(b.contains("number") ? b["number"] : json(), std::string(what) + "/number", max_block_number);
    if (!n.ok()) return out_t::failure(*n.err);
    auto hash = read_hash(b.contains("hash") ? b["hash"] : json(), std::string(what) + "/hash");
    if (!hash.ok()) return out_t::failure(*hash.err);
    auto t = read_u64(b.contains("timestamp") ? b["timestamp"] : json(), std::string(what) + "/timestamp", std::uint64_t(1) << 40);
    if (!t.ok()) return out_t::failure(*t.err);
    h.number = n.value;
    h.hash = hash.value;
    h.timestamp = t.value;
    if (b.contains("baseFeePerGas") && !b["baseFeePerGas"].is_null()) {
        auto fee = read_u256(b["baseFeePerGas"], std::string(what) + "/baseFeePerGas");
        if (!fee.ok()) return out_t::failure(*fee.err);
        h.base_fee = fee.value;
    }
    return {h, std::nullopt};
}

outcome<log_entry> read_log(const json& log, std::string_view what) {
    using out_t = outcome<log_entry>;
    if (!log.is_object()) return bad<log_entry>(what, "not a log object: " + shown(log));
    log_entry e;
    auto a = log.contains("address") && log["address"].is_string() ? parse_address(log["address"].get_ref<const std::string&>())
                                                                   : outcome<address>::failure(error_code::BAD_ADDRESS, "", "");
    if (!a.ok()) return bad<log_entry>(what, "a log's address is not an address: " + shown(log.value("address", json())));
    e.contract = a.value;
    if (!log.contains("topics") || !log["topics"].is_array() || log["topics"].size() > 4)
        return bad<log_entry>(what, "a log's topics are not an array of at most 4: " + shown(log.value("topics", json())));
    for (const json& t : log["topics"]) {
        auto h = read_hash(t, std::string(what) + "/topics");
        if (!h.ok()) return out_t::failure(*h.err);
        e.topics.push_back(h.value);
    }
    if (!log.contains("data") || !log["data"].is_string() || !abi::from_hex(log["data"].get_ref<const std::string&>()).ok())
        return bad<log_entry>(what, "a log's data is not hex: " + shown(log.value("data", json())));
    auto n = read_u64(log.contains("blockNumber") ? log["blockNumber"] : json(), std::string(what) + "/blockNumber", max_block_number);
    if (!n.ok()) return out_t::failure(*n.err);
    e.block = n.value;
    if (log.contains("blockHash") && !log["blockHash"].is_null()) {
        auto h = read_hash(log["blockHash"], std::string(what) + "/blockHash");
        if (!h.ok()) return out_t::failure(*h.err);
        e.block_hash = h.value;
    }
    if (log.contains("removed")) {
        if (!log["removed"].is_boolean()) return bad<log_entry>(what, "a log's removed is not a boolean: " + shown(log["removed"]));
        e.removed = log["removed"].get<bool>();
    }
    return {e, std::nullopt};
}

outcome<receipt> read_receipt(const json& r, std::string_view what) {
    using out_t = outcome<receipt>;
    if (!r.is_object()) return bad<receipt>(what, "not a receipt: " + shown(r));
    receipt out;
    auto tx = read_hash(r.contains("transactionHash") ? r["transactionHash"] : json(), std::string(what) + "/transactionHash");
    if (!tx.ok()) return out_t::failure(*tx.err);
    auto bh = read_hash(r.contains("blockHash") ? r["blockHash"] : json(), std::string(what) + "/blockHash");
    if (!bh.ok()) return out_t::failure(*bh.err);
    auto n = read_u64(r.contains("blockNumber") ? r["blockNumber"] : json(), std::string(what) + "/blockNumber", max_block_number);
    if (!n.ok()) return out_t::failure(*n.err);
    auto st = read_u64(r.contains("status") ? r["status"] : json(), std::string(what) + "/status", 1);
    if (!st.ok()) return out_t::failure(*st.err);
    auto gas = read_u64(r.contains("gasUsed") ? r["gasUsed"] : json(), std::string(what) + "/gasUsed", std::uint64_t(1) << 40);
    if (!gas.ok()) return out_t::failure(*gas.err);
    if (r.contains("logs") && !r["logs"].is_array()) return bad<receipt>(what, "a receipt's logs are not an array");
    out.tx = tx.value;
    out.block_hash = bh.value;
    out.block = n.value;
    out.success = st.value == 1;
    out.gas_used = gas.value;
    return {out, std::nullopt};
}

}  // namespace chain
