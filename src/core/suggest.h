// Did-you-mean: the closest of a set of valid words to a misspelt one, for error messages
// such as "unknown key `sampel`, did you mean `sample`?". Pure functions, thread-safe.
#ifndef SHADOWDIFF_CORE_SUGGEST_H_
#define SHADOWDIFF_CORE_SUGGEST_H_

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace shadowdiff {

// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), ASCII
// case-insensitive. Inputs longer than 64 bytes are compared by their first 64 bytes.
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate nearest to `word`, if it is close enough to be a plausible typo: at most 1
// edit when the longer of the two has up to 4 bytes, 2 up to 8, 3 beyond. Ties go to the
// earlier candidate.
std::optional<std::string_view> Suggest(std::string_view word,
                                        std::span<const std::string_view> candidates);

// ", did you mean `X`?" when there is a suggestion, else "" — to append to a message.
std::string DidYouMean(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_SUGGEST_H_
