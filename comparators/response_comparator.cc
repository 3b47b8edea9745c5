// How ResponseComparator reads bodies (the header states the contract):
//
//   1. Decode each side per its Content-Encoding (all field lines joined; see
//      body_codec/content_decoder.h). A side that cannot be decoded: BodyProblem::kDecodeError,
//      and the bodies are compared by length + hash (that side as received). A side that is
//      only a prefix (Response::body_truncated; not decoded, since a cut stream cannot be) or
//      larger than rules.max_body_bytes once decoded: BodyProblem::kTooLarge, compared by
//      length + hash of what is held. kDecodeError wins when the sides' problems differ.
//   2. Identical bytes are equal whatever the kind (the common case costs one memcmp; this
//      also means two identical too-deep JSON bodies are equal, not kTooDeep).
//   3. Pick the kind: JSON if either side's Content-Type says JSON (so an HTML error page
//      against JSON is the differ's invalid_json problem); form if both say form; else text
//      if both sides are text (by Content-Type, or sniffed when it says nothing), else
//      binary.
//   4. JSON where BOTH sides are invalid JSON is not a JSON question any more: the problem is
//      dropped and the bodies are compared as text (or binary), so two equal HTML error
//      pages are equal and two different ones show where they differ.
//
// CompareBodies (files, `shadowdiff diff`) with kAuto: JSON if either side parses as JSON or
// starts with `{` / `[` (so a broken JSON file is reported as invalid_json, and by rule 4 two
// non-JSON files still compare as text); else text if both are UTF-8 without NUL; else
// binary. Form is never sniffed: ask for BodyKind::kForm. Bodies over max_body_bytes are
// compared by length + hash with kTooLarge.
#include "comparators/response_comparator.h"

#include <string>

#include "comparators/body_codec/content_decoder.h"
#include "comparators/body_codec/content_type.h"
#include "comparators/compare_scratch.h"
#include "comparators/headers/header_comparator.h"
#include "comparators/json/json_differ.h"
#include "comparators/status/status_comparator.h"
#include "comparators/text/binary_comparator.h"
#include "comparators/text/form_comparator.h"
#include "comparators/text/text_comparator.h"

namespace shadowdiff {
namespace {

// One side's body, ready to compare.
struct PreparedBody {
  std::string_view bytes;
  bool prefix_only = false;  // bytes are the first part of a longer body
  BodyProblem problem = BodyProblem::kNone;
  std::string detail;
};

PreparedBody Prepare(const Response& response, size_t max_bytes, DecodeBuffers& buffers) {
  PreparedBody body;
  if (response.body_truncated) {
    // A prefix of an encoded stream cannot be decoded; compare what arrived.
    body.bytes = response.body;
    body.prefix_only = true;
    body.problem = BodyProblem::kTooLarge;
    body.detail = "body truncated at the buffering cap (" + std::to_string(response.body.size()) +
                  " bytes kept)";
    return body;
  }
  std::string encoding = JoinedHeaderValue(response.headers, "content-encoding").value_or("");
  DecodedBody decoded = DecodeContent(response.body, encoding, max_bytes, buffers);
  body.bytes = decoded.bytes;
  body.problem = decoded.problem;
  body.detail = std::move(decoded.detail);
  if (body.problem == BodyProblem::kTooLarge) {
    body.prefix_only = true;
  } else if (body.problem == BodyProblem::kNone && body.bytes.size() > max_bytes) {
    body.problem = BodyProblem::kTooLarge;
    body.detail = "body of " + std::to_string(body.bytes.size()) + " bytes exceeds the " +
                  std::to_string(max_bytes) + "-byte cap";
  }
  return body;
}

// Records `problem` for whichever sides have it, in the differ's "old: ...; new: ..." style.
void SetProblem(BodyProblem problem, const PreparedBody& old_body, const PreparedBody& new_body,
                Comparison* out) {
  bool on_old = old_body.problem == problem;
  bool on_new = new_body.problem == problem;
  out->problem = problem;
  out->problem_side = on_old && on_new ? "both" : on_old ? "old" : "new";
  out->problem_detail.clear();
  if (on_old) out->problem_detail = "old: " + old_body.detail;
  if (on_old && on_new) out->problem_detail += "; ";
  if (on_new) out->problem_detail += "new: " + new_body.detail;
}

bool IsTextual(MediaClass media, std::string_view bytes) {
  switch (media) {
    case MediaClass::kJson:
    case MediaClass::kForm:
    case MediaClass::kText:
      return true;
    case MediaClass::kUnknown:
      return LooksLikeText(bytes);
  }
  return false;
}

BodyKind KindFromContentTypes(const Response& old_response, std::string_view old_bytes,
                              const Response& new_response, std::string_view new_bytes) {
  const std::string_view old_type = FindHeader(old_response.headers, "content-type").value_or("");
  const std::string_view new_type = FindHeader(new_response.headers, "content-type").value_or("");
  const MediaClass old_media = ClassifyContentType(old_type);
  // The same header (the usual case) is classified once.
  const MediaClass new_media = new_type == old_type ? old_media : ClassifyContentType(new_type);
  if (old_media == MediaClass::kJson || new_media == MediaClass::kJson) return BodyKind::kJson;
  if (old_media == MediaClass::kForm && new_media == MediaClass::kForm) return BodyKind::kForm;
  if (IsTextual(old_media, old_bytes) && IsTextual(new_media, new_bytes)) return BodyKind::kText;
  return BodyKind::kBinary;
}

bool StartsLikeJsonContainer(std::string_view text) {
  size_t i = text.find_first_not_of(" \t\r\n");
  return i != std::string_view::npos && (text[i] == '{' || text[i] == '[');
}

// Compares decoded, different bodies as `kind` (never kAuto).
void CompareDecoded(const JsonDiffer& json, size_t max_diffs, std::string_view old_body,
                    std::string_view new_body, BodyKind kind, CompareScratch& scratch,
                    Comparison* out) {
  switch (kind) {
    case BodyKind::kJson: {
      size_t diffs_before = out->diffs.size();
      json.Compare(old_body, new_body, scratch.json(), out);
      if (out->problem == BodyProblem::kInvalidJson && out->problem_side == "both") {
        out->diffs.resize(diffs_before);
        out->problem = BodyProblem::kNone;
        out->problem_side.clear();
        out->problem_detail.clear();
        bool text = LooksLikeText(old_body) && LooksLikeText(new_body);
        CompareDecoded(json, max_diffs, old_body, new_body,
                       text ? BodyKind::kText : BodyKind::kBinary, scratch, out);
      }
      return;
    }
    case BodyKind::kForm:
      CompareForms(old_body, new_body, max_diffs, out);
      return;
    case BodyKind::kText:
      CompareText(old_body, new_body, out);
      return;
    case BodyKind::kBinary:
    case BodyKind::kAuto:  // resolved by the callers
      CompareBinary(old_body, false, new_body, false, out);
      return;
  }
}

}  // namespace

ResponseComparator::ResponseComparator(CompareRules rules)
    : rules_(std::move(rules)), json_(std::make_unique<const JsonDiffer>(rules_)) {}

ResponseComparator::~ResponseComparator() = default;

Comparison ResponseComparator::Compare(const Response& old_response, const Response& new_response,
                                       CompareScratch& scratch) const {
  Comparison out;
  if (rules_.status) CompareStatus(old_response.status, new_response.status, &out);
  CompareHeaders(old_response.headers, new_response.headers, rules_.headers, &out);

  PreparedBody old_body = Prepare(old_response, rules_.max_body_bytes, scratch.old_body());
  PreparedBody new_body = Prepare(new_response, rules_.max_body_bytes, scratch.new_body());
  for (BodyProblem problem : {BodyProblem::kDecodeError, BodyProblem::kTooLarge}) {
    if (old_body.problem == problem || new_body.problem == problem) {
      SetProblem(problem, old_body, new_body, &out);
      CompareBinary(old_body.bytes, old_body.prefix_only, new_body.bytes, new_body.prefix_only,
                    &out);
      return out;
    }
  }
  if (old_body.bytes == new_body.bytes) return out;
  BodyKind kind = KindFromContentTypes(old_response, old_body.bytes, new_response, new_body.bytes);
  CompareDecoded(*json_, rules_.max_diffs, old_body.bytes, new_body.bytes, kind, scratch, &out);
  return out;
}

Comparison ResponseComparator::CompareBodies(std::string_view old_body, std::string_view new_body,
                                             BodyKind kind, CompareScratch& scratch) const {
  Comparison out;
  if (old_body.size() > rules_.max_body_bytes || new_body.size() > rules_.max_body_bytes) {
    PreparedBody old_side{old_body, false, BodyProblem::kNone, ""};
    PreparedBody new_side{new_body, false, BodyProblem::kNone, ""};
    for (PreparedBody* side : {&old_side, &new_side}) {
      if (side->bytes.size() <= rules_.max_body_bytes) continue;
      side->problem = BodyProblem::kTooLarge;
      side->detail = "body of " + std::to_string(side->bytes.size()) + " bytes exceeds the " +
                     std::to_string(rules_.max_body_bytes) + "-byte cap";
    }
    SetProblem(BodyProblem::kTooLarge, old_side, new_side, &out);
    CompareBinary(old_body, false, new_body, false, &out);
    return out;
  }
  if (old_body == new_body) return out;
  if (kind == BodyKind::kAuto) {
    auto looks_like_json = [&](std::string_view text) {
      return StartsLikeJsonContainer(text) ||
             ValidateJson(text, rules_.max_depth, scratch.json()).ok();
    };
    if (looks_like_json(old_body) || looks_like_json(new_body)) {
      kind = BodyKind::kJson;
    } else if (LooksLikeText(old_body) && LooksLikeText(new_body)) {
      kind = BodyKind::kText;
    } else {
      kind = BodyKind::kBinary;
    }
  }
  CompareDecoded(*json_, rules_.max_diffs, old_body, new_body, kind, scratch, &out);
  return out;
}

}  // namespace shadowdiff
