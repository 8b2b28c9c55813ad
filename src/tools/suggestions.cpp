#include "tools/suggestions.h"

#include <algorithm>
#include <cctype>

namespace fleetmcp::tools {
namespace {

constexpr std::size_t kLongestName = 63;  // NAMEDATALEN - 1

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(previous, current);
  }
  return previous[b.size()];
}

}  // namespace

std::vector<std::string> close_matches(const std::string& wanted, const std::vector<std::string>& candidates,
                                       std::size_t limit) {
  // No name is longer than "schema.relation" at 63 bytes each: a longer guess
  // matches nothing, and each comparison costs its length squared.
  if (wanted.size() > 2 * kLongestName + 1) return {};
  const std::string target = lower(wanted);
  // Allow roughly one typo per four characters, at least two.
  const std::size_t tolerance = std::max<std::size_t>(2, target.size() / 4);
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const auto& candidate : candidates) {
    std::string name = lower(candidate);
    // Compare with the part after a "schema." prefix too, so "positions" finds "tracksolid.positions".
    std::string bare = name.substr(name.find('.') == std::string::npos ? 0 : name.find('.') + 1);
    // A qualified guess is compared whole; a bare one against bare names too.
    const bool qualified_guess = target.find('.') != std::string::npos;
    std::size_t distance = qualified_guess ? edit_distance(target, name)
                                           : std::min(edit_distance(target, name), edit_distance(target, bare));
    bool contains = !target.empty() && (bare.find(target) != std::string::npos ||
                                        (target.size() > 3 && target.find(bare) != std::string::npos));
    if (contains) distance = std::min<std::size_t>(distance, 1);
    if (distance <= tolerance) scored.emplace_back(distance, candidate);
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> best;
  for (std::size_t i = 0; i < scored.size() && i < limit; ++i) best.push_back(scored[i].second);
  return best;
}

std::string one_of(const std::vector<std::string>& names) {
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i)
    text += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  return text;
}

}  // namespace fleetmcp::tools
