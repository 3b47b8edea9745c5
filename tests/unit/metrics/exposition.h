// A strict little reader of the Prometheus text exposition format, for tests: sample lines
// become (name, labels, value), `# TYPE` lines a name -> type map. Lines it cannot read are
// collected in `errors` so a test fails on them instead of skipping them.
#ifndef SHADOWDIFF_TESTS_UNIT_METRICS_EXPOSITION_H_
#define SHADOWDIFF_TESTS_UNIT_METRICS_EXPOSITION_H_

#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace shadowdiff::testing {

using LabelMap = std::map<std::string, std::string>;

struct Sample {
  std::string name;
  LabelMap labels;
  double value = 0;
};

struct Exposition {
  std::vector<Sample> samples;
  std::map<std::string, std::string> types;  // family name -> counter|gauge|histogram|...
  std::vector<std::string> errors;           // unreadable lines

  // The value of the sample with exactly these labels, or nullopt.
  std::optional<double> Value(std::string_view name, const LabelMap& labels = {}) const {
    for (const Sample& s : samples) {
      if (s.name == name && s.labels == labels) return s.value;
    }
    return std::nullopt;
  }
  // Samples named `name` whose labels include every one of `subset`.
  std::vector<Sample> Matching(std::string_view name, const LabelMap& subset = {}) const {
    std::vector<Sample> out;
    for (const Sample& s : samples) {
      if (s.name != name) continue;
      bool all = true;
      for (const auto& [k, v] : subset) {
        auto it = s.labels.find(k);
        if (it == s.labels.end() || it->second != v) all = false;
      }
      if (all) out.push_back(s);
    }
    return out;
  }
};

inline bool ParseLabels(std::string_view text, LabelMap* labels) {
  size_t i = 0;
  while (i < text.size()) {
    size_t eq = text.find('=', i);
    if (eq == std::string_view::npos || eq + 1 >= text.size() || text[eq + 1] != '"') return false;
    std::string name(text.substr(i, eq - i));
    std::string value;
    size_t j = eq + 2;
    for (; j < text.size() && text[j] != '"'; ++j) {
      if (text[j] == '\\' && j + 1 < text.size()) {
        ++j;
        value.push_back(text[j] == 'n' ? '\n' : text[j]);
      } else {
        value.push_back(text[j]);
      }
    }
    if (j >= text.size()) return false;
    (*labels)[name] = value;
    i = j + 1;
    if (i < text.size()) {
      if (text[i] != ',') return false;
      ++i;
    }
  }
  return true;
}

inline Exposition ParseExposition(const std::string& text) {
  Exposition out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream words(line.substr(7));
      std::string name, type;
      words >> name >> type;
      out.types[name] = type;
      continue;
    }
    if (line[0] == '#') continue;
    Sample sample;
    size_t brace = line.find('{');
    size_t space;
    if (brace != std::string::npos) {
      size_t close = line.rfind('}');
      if (close == std::string::npos || close < brace ||
          !ParseLabels(std::string_view(line).substr(brace + 1, close - brace - 1),
                       &sample.labels)) {
        out.errors.push_back(line);
        continue;
      }
      sample.name = line.substr(0, brace);
      space = close + 1;
    } else {
      space = line.find(' ');
      sample.name = line.substr(0, space);
    }
    if (space >= line.size() || line[space] != ' ') {
      out.errors.push_back(line);
      continue;
    }
    std::string value = line.substr(space + 1);
    if (value == "+Inf") {
      sample.value = HUGE_VAL;
    } else {
      char* end = nullptr;
      sample.value = std::strtod(value.c_str(), &end);
      if (end == value.c_str()) {
        out.errors.push_back(line);
        continue;
      }
    }
    out.samples.push_back(std::move(sample));
  }
  return out;
}

}  // namespace shadowdiff::testing

#endif  // SHADOWDIFF_TESTS_UNIT_METRICS_EXPOSITION_H_
