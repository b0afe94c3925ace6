// D-Bus strings must be valid UTF-8 without NUL; services' output need not
// be. Shared so every place that puts captured text on D-Bus agrees.
#pragma once

#include <string>
#include <string_view>

namespace vermilion {

// `text` unchanged if it is valid UTF-8 without NUL bytes; otherwise every
// NUL byte and every byte not part of a valid sequence (overlong forms,
// surrogates, code points above U+10FFFF, truncated sequences) becomes
// "\xNN", and the rest is kept.
[[nodiscard]] std::string escape_invalid_utf8(std::string_view text);

// True when `text` is valid UTF-8 without NUL bytes (the rule above).
[[nodiscard]] bool is_valid_utf8(std::string_view text);

}  // namespace vermilion
