// sha256 as lower-case hex (OpenSSL): cache keys and cache entry checksums.
#pragma once

#include <string>
#include <string_view>

namespace tally::codegen {

std::string Sha256Hex(std::string_view data);

}  // namespace tally::codegen
