#include "src/core/config_loader.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>

#include "src/core/config_schema.h"
#include "src/core/yaml_prescan.h"
#include "src/core/yaml_tree.h"

namespace shadowdiff {
namespace {

Result<std::shared_ptr<const Config>> Finish(const ConfigErrors& errors,
                                             std::shared_ptr<const Config> config,
                                             std::vector<ConfigError>* out) {
  if (out != nullptr) *out = errors.Sorted();
  if (!errors.empty() || config == nullptr) return Error{errors.Format()};
  return config;
}

std::string TooLarge(uint64_t size) {
  return "the file is " + std::to_string(size) + " bytes; a config may be at most " +
         std::to_string(kMaxConfigBytes) + " bytes (4 MiB) — is this the right file?";
}

}  // namespace

Result<std::shared_ptr<const Config>> LoadConfigString(std::string_view text,
                                                       std::string_view display_name,
                                                       std::vector<ConfigError>* errors) {
  ConfigErrors found{std::string(display_name)};
  if (text.size() > kMaxConfigBytes) {
    found.Add(SourceMark{}, TooLarge(text.size()));
    return Finish(found, nullptr, errors);
  }
  if (!PrescanYaml(text, YamlPrescanLimits{}, found)) return Finish(found, nullptr, errors);
  std::unique_ptr<const YamlDocument> doc = ParseYaml(text, YamlLimits{}, found);
  if (doc == nullptr) return Finish(found, nullptr, errors);
  std::shared_ptr<const Config> config = ReadConfig(doc->root(), found);
  return Finish(found, std::move(config), errors);
}

Result<std::shared_ptr<const Config>> LoadConfigFile(const std::string& path,
                                                     std::vector<ConfigError>* errors) {
  ConfigErrors found{path};
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  const bool missing = status.type() == std::filesystem::file_type::not_found;
  if (missing || ec) {
    found.Add(SourceMark{},
              "cannot read the config: " + (missing ? std::string("no such file") : ec.message()) +
                  " (pass the right path with -c)");
    return Finish(found, nullptr, errors);
  }
  if (!std::filesystem::is_regular_file(status)) {
    found.Add(SourceMark{}, "cannot read the config: not a regular file");
    return Finish(found, nullptr, errors);
  }
  // Size first: a huge file is refused without reading it.
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) {
    found.Add(SourceMark{}, "cannot read the config: " + ec.message());
    return Finish(found, nullptr, errors);
  }
  if (size > kMaxConfigBytes) {
    found.Add(SourceMark{}, TooLarge(size));
    return Finish(found, nullptr, errors);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    found.Add(SourceMark{}, std::string("cannot read the config: ") + std::strerror(errno));
    return Finish(found, nullptr, errors);
  }
  // Read at most one byte past the cap, in case the file grew since it was measured.
  std::string text(kMaxConfigBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (in.bad()) {
    found.Add(SourceMark{}, "cannot read the config: read error");
    return Finish(found, nullptr, errors);
  }
  return LoadConfigString(text, path, errors);
}

}  // namespace shadowdiff
