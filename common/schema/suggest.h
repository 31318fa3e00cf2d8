#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry {

// The candidate closest to `word` by edit distance, if it is close enough to be a likely
// typo (distance at most a third of the word's length, minimum 1). Used for "did you mean".
std::optional<std::string> closestMatch(std::string_view word,
                                        const std::vector<std::string>& candidates);

std::size_t editDistance(std::string_view a, std::string_view b);

}  // namespace ferry
