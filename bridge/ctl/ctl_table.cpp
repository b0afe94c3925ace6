#include "ctl/ctl_table.h"

#include <algorithm>

namespace vermilion::ctl {

std::size_t display_width(std::string_view text) {
  // Every byte but UTF-8 continuation bytes (10xxxxxx) starts a character.
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string format_table(const TableRow& header, const std::vector<TableRow>& rows) {
  std::size_t columns = header.size();
  for (const auto& row : rows) columns = std::max(columns, row.size());
  std::vector<std::size_t> widths(columns, 0);
  auto measure = [&](const TableRow& row) {
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], display_width(row[i]));
  };
  measure(header);
  for (const auto& row : rows) measure(row);

  std::string out;
  auto emit = [&](const TableRow& row) {
    std::string line;
    for (std::size_t i = 0; i < columns; ++i) {
      std::string_view cell = i < row.size() ? std::string_view(row[i]) : std::string_view();
      if (i > 0) line += ' ';
      line += cell;
      if (i + 1 < columns) line.append(widths[i] - display_width(cell), ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  };
  if (!header.empty()) emit(header);
  for (const auto& row : rows) emit(row);
  return out;
}

}  // namespace vermilion::ctl
