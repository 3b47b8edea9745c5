#include "comparators/json/json_scratch.h"

#include "comparators/json/json_scratch_state.h"

namespace shadowdiff {

JsonScratch::JsonScratch() : state_(std::make_unique<JsonScratchState>()) {}
JsonScratch::~JsonScratch() = default;
JsonScratch::JsonScratch(JsonScratch&&) noexcept = default;
JsonScratch& JsonScratch::operator=(JsonScratch&&) noexcept = default;

}  // namespace shadowdiff
