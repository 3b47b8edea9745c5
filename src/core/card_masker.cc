#include "src/core/card_masker.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace shadowdiff {
namespace {

constexpr size_t kKeepFirst = 6;
constexpr size_t kKeepLast = 4;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Length of the separator starting at data[i] (0 when there is none).
size_t SeparatorLength(const char* data, size_t size, size_t i) {
  if (i >= size) return 0;
  const char c = data[i];
  if (c == ' ' || c == '-' || c == '+') return 1;
  if (c == '%' && i + 2 < size && data[i + 1] == '2' &&
      (data[i + 2] == '0' || data[i + 2] == 'D' || data[i + 2] == 'd')) {
    return 3;
  }
  return 0;
}

// Luhn contribution of `digit` at 1-based position `from_right` (the check digit is 1).
int LuhnTerm(int digit, size_t from_right) {
  if (from_right % 2 == 1) return digit;
  const int doubled = digit * 2;
  return doubled > 9 ? doubled - 9 : doubled;
}

// The digits of a run: byte offsets into the text, and where each separator-delimited group
// begins (indices into `at`). Reused across runs of one call.
struct Run {
  std::vector<size_t> at;
  std::vector<size_t> group_begin;  // plus a final entry == at.size() once complete
};

bool LuhnValidAt(const char* data, const Run& run, size_t begin, size_t end) {
  int sum = 0;
  for (size_t k = begin; k < end; ++k) sum += LuhnTerm(data[run.at[k]] - '0', end - k);
  return sum % 10 == 0;
}

// Sets data[run.at[check]] so that digits [begin, end) pass the Luhn check.
void FixLuhn(char* data, const Run& run, size_t begin, size_t end, size_t check) {
  int sum = 0;
  for (size_t k = begin; k < end; ++k) {
    if (k != check) sum += LuhnTerm(data[run.at[k]] - '0', end - k);
  }
  for (int d = 0; d <= 9; ++d) {
    if ((sum + LuhnTerm(d, end - check)) % 10 == 0) {
      data[run.at[check]] = static_cast<char>('0' + d);
      return;
    }
  }
}

// A Luhn-valid stretch of whole groups: digits [begin, end) of a run.
struct Stretch {
  size_t begin = 0;
  size_t end = 0;
};

// Masks one cluster of overlapping stretches (in `stretches`, at least one): the cluster's
// digits keep their first six and last four, the rest become zeros; then `target` (the whole
// cluster when it is 13-19 digits long, else its longest stretch) is made Luhn-valid again,
// and every stretch is made to differ from its original digits.
void MaskCluster(char* data, const Run& run, const std::vector<Stretch>& stretches,
                 std::string& original) {
  const size_t begin = stretches.front().begin;
  size_t end = begin;
  Stretch target = stretches.front();
  for (const Stretch& s : stretches) {
    end = std::max(end, s.end);
    if (s.end - s.begin > target.end - target.begin) target = s;
  }
  if (end - begin <= kMaxCardDigits) target = Stretch{begin, end};
  original.clear();
  for (size_t k = begin; k < end; ++k) original.push_back(data[run.at[k]]);
  for (size_t k = begin + kKeepFirst; k + kKeepLast < end; ++k) data[run.at[k]] = '0';
  // Every stretch's middle lies inside the cluster's hidden digits (its first six start no
  // earlier, its last four end no later), so only hidden digits change below.
  const size_t check = target.end - kKeepLast - 1;
  FixLuhn(data, run, target.begin, target.end, check);
  // A stretch whose middle was zeros (and check digit) already is still its original: change
  // a middle digit other than the target's check digit, and fix the check digit again. Each
  // change is permanent (the check digit is the only one changed later), so this ends.
  for (bool changed = true; changed;) {
    changed = false;
    for (const Stretch& s : stretches) {
      bool same = true;
      for (size_t k = s.begin; k < s.end && same; ++k) {
        same = data[run.at[k]] == original[k - begin];
      }
      if (!same) continue;
      size_t k = s.begin + kKeepFirst;
      if (k == check) ++k;  // a middle has at least three digits
      data[run.at[k]] = original[k - begin] == '1' ? '2' : '1';
      FixLuhn(data, run, target.begin, target.end, check);
      changed = true;
    }
  }
}

// Finds the Luhn-valid stretches of whole groups in `run` and masks them, cluster by cluster
// (stretches that overlap). Returns how many clusters were masked.
size_t MaskRun(char* data, const Run& run) {
  const size_t groups = run.group_begin.size() - 1;
  std::vector<Stretch> cluster;
  std::string original;
  size_t cluster_end = 0;
  size_t masked = 0;
  for (size_t a = 0; a < groups; ++a) {
    const size_t begin = run.group_begin[a];
    for (size_t b = a; b < groups; ++b) {
      const size_t end = run.group_begin[b + 1];
      if (end - begin > kMaxCardDigits) break;
      if (end - begin < kMinCardDigits || !LuhnValidAt(data, run, begin, end)) continue;
      // Digits before `begin` may be masked now: no later stretch reads them.
      if (!cluster.empty() && begin >= cluster_end) {
        MaskCluster(data, run, cluster, original);
        ++masked;
        cluster.clear();
      }
      cluster.push_back(Stretch{begin, end});
      cluster_end = std::max(cluster.size() == 1 ? end : cluster_end, end);
    }
  }
  if (!cluster.empty()) {
    MaskCluster(data, run, cluster, original);
    ++masked;
  }
  return masked;
}

}  // namespace

bool IsLuhnValid(std::string_view digits) {
  if (digits.empty()) return false;
  int sum = 0;
  for (size_t k = 0; k < digits.size(); ++k) {
    if (!IsDigit(digits[k])) return false;
    sum += LuhnTerm(digits[k] - '0', digits.size() - k);
  }
  return sum % 10 == 0;
}

bool MayHoldCardNumber(std::string_view text) {
  size_t count = 0;
  for (char c : text) {
    if (IsDigit(c) && ++count >= kMinCardDigits) return true;
  }
  return false;
}

size_t MaskCardNumbersInPlace(char* data, size_t size) {
  if (!MayHoldCardNumber(std::string_view(data, size))) return 0;
  Run run;
  size_t masked = 0;
  // Masks the groups collected so far (a run needs kMinCardDigits digits to hold a PAN).
  auto finish = [&] {
    if (run.at.size() >= kMinCardDigits) {
      run.group_begin.push_back(run.at.size());
      masked += MaskRun(data, run);
    }
    run.at.clear();
    run.group_begin.clear();
  };
  size_t i = 0;
  while (i < size) {
    if (data[i] == '%' && i + 2 < size && IsHex(data[i + 1]) && IsHex(data[i + 2])) {
      i += 3;  // an escape's hex digits are not digits of the text
      continue;
    }
    if (!IsDigit(data[i])) {
      ++i;
      continue;
    }
    // A run starts at i, after a non-digit. Collect its groups.
    for (;;) {
      const size_t group_start = i;
      while (i < size && IsDigit(data[i])) ++i;
      if (i - group_start > kMaxCardDigits) {
        // Too long to be in any PAN: it ends the run before it and begins none.
        finish();
      } else {
        run.group_begin.push_back(run.at.size());
        for (size_t k = group_start; k < i; ++k) run.at.push_back(k);
      }
      const size_t separator = SeparatorLength(data, size, i);
      if (separator == 0 || i + separator >= size || !IsDigit(data[i + separator])) break;
      i += separator;
    }
    finish();
  }
  return masked;
}

size_t MaskCardNumbersInPlace(std::string& text) {
  return MaskCardNumbersInPlace(text.data(), text.size());
}

std::string MaskCardNumbers(std::string_view text) {
  std::string out(text);
  MaskCardNumbersInPlace(out);
  return out;
}

}  // namespace shadowdiff
