#include "src/core/yaml_tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <exception>
#include <sstream>
#include <utility>

namespace shadowdiff {
namespace {

SourceMark ToMark(const YAML::Mark& mark) {
  if (mark.is_null()) return SourceMark{};
  return SourceMark{mark.line + 1, mark.column + 1};
}

// Thrown by the builder to stop yaml-cpp's parse; caught in ParseYaml.
struct Abort {
  SourceMark mark;
  std::string message;
};

uint64_t SaturatingAdd(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

}  // namespace

class YamlTreeBuilder : public YAML::EventHandler {
 public:
  YamlTreeBuilder(YamlDocument& doc, const YamlLimits& limits) : doc_(doc), limits_(limits) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (documents_++ > 0) {
      throw Abort{ToMark(mark),
                  "a second YAML document (after `---`); endpoints.yaml holds exactly one"};
    }
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    YamlNode& node = NewNode(YamlNode::Kind::kNull, mark, anchor);
    Close(node);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    YamlNode& node = NewNode(YamlNode::Kind::kScalar, mark, anchor);
    node.scalar = value;
    node.plain = tag == "?";
    Close(node);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (++aliases_ > limits_.max_aliases) {
      throw Abort{ToMark(mark), "more than " + std::to_string(limits_.max_aliases) +
                                    " aliases; refusing the file (an alias bomb?)"};
    }
    if (anchor >= anchors_.size() || anchors_[anchor] == nullptr) {
      throw Abort{ToMark(mark), "alias to an unknown anchor"};
    }
    const YamlNode* target = anchors_[anchor];
    if (!closed_[anchor]) {
      throw Abort{ToMark(mark), "alias refers to a node that contains it (a cycle)"};
    }
    Attach(target);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value /*style*/) override {
    Open(NewNode(YamlNode::Kind::kSequence, mark, anchor), anchor);
  }
  void OnSequenceEnd() override { CloseTop(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override {
    Open(NewNode(YamlNode::Kind::kMap, mark, anchor), anchor);
  }
  void OnMapEnd() override { CloseTop(); }

  int documents() const { return documents_; }
  bool has_root() const { return doc_.root_ != nullptr; }

 private:
  YamlNode& NewNode(YamlNode::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
    YamlNode& node = doc_.nodes_.emplace_back();
    node.kind = kind;
    node.mark = ToMark(mark);
    Attach(&node);
    if (anchor != YAML::NullAnchor) {
      if (anchor >= anchors_.size()) {
        anchors_.resize(anchor + 1, nullptr);
        closed_.resize(anchor + 1, false);
      }
      anchors_[anchor] = &node;
      closed_[anchor] = kind == YamlNode::Kind::kNull || kind == YamlNode::Kind::kScalar;
    }
    return node;
  }

  void Attach(const YamlNode* node) {
    if (open_.empty()) {
      if (doc_.root_ == nullptr) doc_.root_ = node;
      return;
    }
    open_.back().node->items.push_back(node);
  }

  void Open(YamlNode& node, YAML::anchor_t anchor) {
    if (open_.size() >= limits_.max_depth) {
      throw Abort{node.mark, "nesting deeper than " + std::to_string(limits_.max_depth) +
                                 " levels; endpoints.yaml never needs that many"};
    }
    open_.push_back(OpenNode{&node, anchor});
  }

  void CloseTop() {
    OpenNode top = open_.back();
    open_.pop_back();
    Close(*top.node);
    if (top.anchor != YAML::NullAnchor) closed_[top.anchor] = true;
  }

  void Close(YamlNode& node) {
    uint64_t size = 1;
    for (const YamlNode* item : node.items) size = SaturatingAdd(size, item->expanded_size);
    node.expanded_size = size;
    if (size > limits_.max_expanded_nodes) {
      throw Abort{node.mark, "this node expands to more than " +
                                 std::to_string(limits_.max_expanded_nodes) +
                                 " nodes through aliases; refusing the file (an alias bomb?)"};
    }
  }

  struct OpenNode {
    YamlNode* node;
    YAML::anchor_t anchor;
  };

  YamlDocument& doc_;
  const YamlLimits& limits_;
  std::vector<OpenNode> open_;
  std::vector<const YamlNode*> anchors_;  // by yaml-cpp's anchor id
  std::vector<bool> closed_;              // by anchor id: the anchored node is complete
  size_t aliases_ = 0;
  int documents_ = 0;
};

std::unique_ptr<const YamlDocument> ParseYaml(std::string_view text, const YamlLimits& limits,
                                              ConfigErrors& errors) {
  auto doc = std::make_unique<YamlDocument>();
  try {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    YamlTreeBuilder builder(*doc, limits);
    while (parser.HandleNextDocument(builder)) {
    }
    if (builder.documents() == 0 || !builder.has_root()) {
      errors.Add(SourceMark{1, 1},
                 "the file is empty; expected a mapping with at least `endpoints:` (see the "
                 "example endpoints.yaml)");
      return nullptr;
    }
  } catch (const Abort& abort) {
    errors.Add(abort.mark, abort.message);
    return nullptr;
  } catch (const YAML::Exception& e) {
    std::string message = "YAML syntax error: " + e.msg;
    if (e.msg.find("map") != std::string::npos || e.msg.find("indent") != std::string::npos) {
      message +=
          " (check the indentation of this line against the lines above; YAML nests "
          "by indentation, with spaces only)";
    }
    errors.Add(ToMark(e.mark), std::move(message));
    return nullptr;
  } catch (const std::exception& e) {
    errors.Add(SourceMark{}, std::string("cannot parse the file: ") + e.what());
    return nullptr;
  }
  return doc;
}

}  // namespace shadowdiff
