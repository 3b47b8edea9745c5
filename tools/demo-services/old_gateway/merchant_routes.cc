#include "tools/demo-services/old_gateway/merchant_routes.h"

#include <charconv>
#include <cstdint>
#include <string>

#include "tools/demo-services/common/merchant_lookup.h"
#include "tools/demo-services/common/sql_time.h"

namespace demo {
namespace {

RouteResult GetMerchant(const RouteContext& context) {
  auto rows = context.tx.Exec(
      "SELECT m.id, m.name, " DEMO_SQL_TIME("m.created_at") ","
      " (SELECT count(*) FROM customers c WHERE c.merchant_id = m.id AND c.deleted_at IS NULL)"
      " FROM merchants m WHERE m.id = $1",
      {std::string(context.Param("mid"))});
  if (!rows.ok()) return std::move(rows).error();
  if (rows->size() == 0) return context.Fail(404, kMerchantNotFound);
  std::string_view count_text = rows->get(0, 3);
  int64_t count = 0;
  std::from_chars(count_text.data(), count_text.data() + count_text.size(), count);
  return context.Succeed(200, [&](JsonWriter& writer) {
    WriteKey(writer, "merchant");
    writer.StartObject();
    WriteKey(writer, "id");
    WriteString(writer, rows->get(0, 0));
    WriteKey(writer, "name");
    WriteString(writer, rows->get(0, 1));
    WriteKey(writer, "created_at");
    WriteString(writer, rows->get(0, 2));
    WriteKey(writer, "customer_count");
    writer.Int64(count);
    writer.EndObject();
  });
}

}  // namespace

void AddMerchantRoutes(Router& router) { router.Add("GET", "/merchants/{mid}", GetMerchant); }

}  // namespace demo
