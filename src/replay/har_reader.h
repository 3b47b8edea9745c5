// ReadHar: a HAR 1.2 file (as browsers, mitmproxy and Charles save it; plain or gzip) read as
// a stream of ReplayEntries. HAR is one JSON document, so it is parsed with RapidJSON's SAX
// reader: only the entry being read (log.entries[i]) is held in memory, never the document.
//
// Per entry: request.method, request.url (absolute: becomes an origin-form target plus a
// Host header), request.headers, request.postData.text (or .params, form-encoded;
// "encoding":"base64" honoured), startedDateTime; response.status, response.headers and
// response.content.text ("encoding":"base64" honoured). HAR stores response bodies decoded,
// so a recorded Content-Encoding is dropped unless the body still starts with the gzip magic.
// A response with status 0 (aborted, blocked) counts as no recorded response.
//
// An entry that cannot be used becomes BadEntry "FILE: entry N: what"; reading goes on. A
// document that breaks off (truncated) or stops being JSON ends the file with a BadEntry for
// the entry in progress (the rest of the file cannot be found again).
#ifndef SHADOWDIFF_REPLAY_HAR_READER_H_
#define SHADOWDIFF_REPLAY_HAR_READER_H_

#include <string_view>

#include <rapidjson/document.h>

#include "src/core/result.h"
#include "src/replay/input_stream.h"
#include "src/replay/replay_entry.h"

namespace shadowdiff {

// Streams `stream` (named `name` in locations) into `visitor`. Error only when the stream
// itself fails to read.
Status ReadHar(InputStream& stream, std::string_view name, EntryVisitor& visitor);

// One log.entries[] element as ReadHar converts it (for tests).
Result<ReplayEntry> ParseHarEntry(const rapidjson::Value& entry);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_REPLAY_HAR_READER_H_
