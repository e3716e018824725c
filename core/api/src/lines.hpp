// Text split into lines, as the API's line-oriented inputs (price-history CSV, books of JSON
// lines) read it: "\n" ends a line, a "\r" before it is dropped, and a final "\n" ends the
// last line rather than starting an empty one.
#pragma once

#include <cstddef>
#include <string_view>

namespace margin::api::detail {

class line_reader {
public:
    explicit line_reader(std::string_view text) noexcept : text_(text) {}

    /// The next line into `line`; false after the last one.
    bool next(std::string_view& line) noexcept {
        if (at_ >= text_.size()) return false;
        std::size_t end = text_.find('\n', at_);
        if (end == std::string_view::npos) end = text_.size();
        line = text_.substr(at_, end - at_);
        at_ = end + 1;
        ++number_;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        return true;
    }
    /// The line `next` gave, counted from 1.
    std::size_t number() const noexcept { return number_; }
    /// Whether the line `next` gave was the text's last.
    bool at_end() const noexcept { return at_ >= text_.size(); }

private:
    std::string_view text_;
    std::size_t at_ = 0, number_ = 0;
};

}  // namespace margin::api::detail
