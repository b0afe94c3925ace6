// Text tables as systemctl list-units prints them: columns separated by one
// space, every column but the last padded to its widest cell (counted in
// characters, so UTF-8 descriptions line up), no trailing blanks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vermilion::ctl {

using TableRow = std::vector<std::string>;

// One line per row, the header first (no header line when it is empty). Rows
// shorter than the header get empty cells.
[[nodiscard]] std::string format_table(const TableRow& header, const std::vector<TableRow>& rows);

// Characters (UTF-8 code points) in `text`: the width a terminal gives it, for
// the scripts a unit description is likely to use.
[[nodiscard]] std::size_t display_width(std::string_view text);

}  // namespace vermilion::ctl
