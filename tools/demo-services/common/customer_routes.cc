#include "tools/demo-services/common/customer_routes.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

#include "tools/demo-services/common/ids.h"
#include "tools/demo-services/common/json_body.h"
#include "tools/demo-services/common/merchant_lookup.h"
#include "tools/demo-services/common/money.h"
#include "tools/demo-services/common/page_request.h"
#include "tools/demo-services/common/sql_time.h"

namespace demo {
namespace {

namespace rollback = shadowdiff::rollback;
using rollback::Param;
using rollback::Rows;

// The columns of C, in output order; total_spent sums the customer's settled transactions.
// clang-format off
constexpr char kCustomerColumns[] =
    "c.token, c.merchant_id, c.first_name, c.last_name, c.email, c.phone, "
    DEMO_SQL_TIME("c.created_at") ", " DEMO_SQL_TIME("c.updated_at") ", "
    "COALESCE((SELECT sum(t.amount_cents) FROM transactions t"
    " WHERE t.customer_token = c.token AND t.status = 'settled'), 0)";
// clang-format on
enum Column {
  kToken,
  kMerchantId,
  kFirstName,
  kLastName,
  kEmail,
  kPhone,
  kCreated,
  kUpdated,
  kTotal
};

constexpr std::string_view kCustomerNotFound = "customer not found";
constexpr std::string_view kEmailTaken =
    "a customer with this email already exists for the merchant";

void WriteTextOrNull(JsonWriter& writer, const Rows& rows, int row, int column) {
  if (rows.is_null(row, column)) {
    writer.Null();
  } else {
    WriteString(writer, rows.get(row, column));
  }
}

void WriteCustomer(JsonWriter& writer, const Rows& rows, int row, const CustomerDialect& dialect) {
  static constexpr std::pair<std::string_view, Column> kTextColumns[] = {
      {"token", kToken},          {"merchant_id", kMerchantId},
      {"first_name", kFirstName}, {"last_name", kLastName},
      {"email", kEmail},          {"", kPhone},
      {"created_at", kCreated},   {"updated_at", kUpdated}};
  writer.StartObject();
  for (const auto& [key, column] : kTextColumns) {
    WriteKey(writer, column == kPhone ? dialect.phone_key : key);
    WriteTextOrNull(writer, rows, row, column);
  }
  std::string_view total = rows.get(row, kTotal);
  int64_t cents = 0;
  std::from_chars(total.data(), total.data() + total.size(), cents);
  WriteKey(writer, "total_spent");
  if (dialect.total_spent == AmountFormat::kTwoDecimalString) {
    WriteString(writer, FormatCentsTwoDecimals(cents));
  } else {
    WriteRawNumber(writer, FormatCentsAsJsonNumber(cents));
  }
  writer.EndObject();
}

shadowdiff::Result<Rows> SelectLiveCustomer(rollback::RequestTransaction& tx,
                                            std::string_view merchant_id, std::string_view token) {
  return tx.Exec(std::string("SELECT ") + kCustomerColumns +
                     " FROM customers c WHERE c.token = $1 AND c.merchant_id = $2"
                     " AND c.deleted_at IS NULL",
                 {std::string(token), std::string(merchant_id)});
}

// The writable fields of a request body, under the dialect's keys.
struct CustomerFields {
  StringField first_name;
  StringField last_name;
  StringField email;
  StringField phone;
  bool any_present() const {
    return first_name.present || last_name.present || email.present || phone.present;
  }
};

// Reads and checks the fields; returns the 422 message, or "" when they are valid. A present
// email must be a string containing '@'.
std::string ReadCustomerFields(const rapidjson::Value& body, const CustomerDialect& dialect,
                               CustomerFields* fields) {
  fields->first_name = GetStringField(body, "first_name");
  fields->last_name = GetStringField(body, "last_name");
  fields->email = GetStringField(body, "email");
  fields->phone = GetStringField(body, dialect.phone_key);
  if (!fields->phone.present && dialect.accept_legacy_phone) {
    fields->phone = GetStringField(body, "phone");
  }
  for (const StringField* field :
       {&fields->first_name, &fields->last_name, &fields->email, &fields->phone}) {
    if (!field->error.empty()) return field->error;
  }
  if (fields->email.present &&
      (!fields->email.value || fields->email.value->find('@') == std::string::npos)) {
    return "email must be a string containing '@'";
  }
  return "";
}

// Whether another live customer of the merchant has this e-mail address (case-insensitive).
shadowdiff::Result<bool> EmailTaken(rollback::RequestTransaction& tx, std::string_view merchant_id,
                                    const std::string& email, std::string_view except_token) {
  auto rows = tx.Exec(
      "SELECT 1 FROM customers WHERE merchant_id = $1 AND lower(email) = lower($2)"
      " AND deleted_at IS NULL AND token <> $3",
      {std::string(merchant_id), email, std::string(except_token)});
  if (!rows.ok()) return std::move(rows).error();
  return rows->size() > 0;
}

RouteResult CreateCustomer(const RouteContext& context, const CustomerDialect& dialect) {
  std::string merchant_id(context.Param("mid"));
  auto merchant = MerchantExists(context.tx, merchant_id);
  if (!merchant.ok()) return std::move(merchant).error();
  if (!*merchant) return context.Fail(404, kMerchantNotFound);

  ParsedBody body = ParseJsonObject(context.request.body);
  if (body.error_status) return context.Fail(body.error_status, body.error);
  CustomerFields fields;
  if (std::string invalid = ReadCustomerFields(*body.document, dialect, &fields);
      !invalid.empty()) {
    return context.Fail(422, invalid);
  }
  if (!fields.email.present) return context.Fail(422, "email is required");

  std::string token = NewCustomerToken();
  auto inserted = context.tx.Exec(
      "INSERT INTO customers (token, merchant_id, first_name, last_name, email, phone)"
      " VALUES ($1, $2, $3, $4, $5, $6)"
      " ON CONFLICT (merchant_id, lower(email)) WHERE deleted_at IS NULL DO NOTHING"
      " RETURNING token",
      {token, merchant_id, fields.first_name.value, fields.last_name.value, fields.email.value,
       fields.phone.value});
  if (!inserted.ok()) return std::move(inserted).error();
  if (inserted->size() == 0) return context.Fail(409, kEmailTaken);

  auto rows = SelectLiveCustomer(context.tx, merchant_id, token);
  if (!rows.ok()) return std::move(rows).error();
  if (rows->size() == 0) return shadowdiff::Error{"the inserted customer " + token + " vanished"};
  return context.Succeed(201, [&](JsonWriter& writer) {
    WriteKey(writer, "customer");
    WriteCustomer(writer, *rows, 0, dialect);
  });
}

RouteResult ListCustomers(const RouteContext& context, const CustomerDialect& dialect) {
  std::string merchant_id(context.Param("mid"));
  auto merchant = MerchantExists(context.tx, merchant_id);
  if (!merchant.ok()) return std::move(merchant).error();
  if (!*merchant) return context.Fail(404, kMerchantNotFound);

  auto page = ParsePageRequest(context.request.Query());
  if (!page.ok()) return context.Fail(400, page.error().message);

  bool newest_first = dialect.list_order == ListOrder::kNewestFirst;
  std::string sql = std::string("SELECT ") + kCustomerColumns +
                    " FROM customers c WHERE c.merchant_id = $1 AND c.deleted_at IS NULL";
  std::vector<Param> params = {merchant_id};
  if (page->after) {
    auto cursor = context.tx.Exec("SELECT 1 FROM customers WHERE token = $1 AND merchant_id = $2",
                                  {*page->after, merchant_id});
    if (!cursor.ok()) return std::move(cursor).error();
    if (cursor->size() == 0) {
      return context.Fail(400, "after: no customer with this token at this merchant");
    }
    params.push_back(*page->after);
    sql += newest_first ? " AND (c.created_at, c.token) < " : " AND (c.created_at, c.token) > ";
    sql += "(SELECT a.created_at, a.token FROM customers a WHERE a.token = $2)";
  }
  sql += newest_first ? " ORDER BY c.created_at DESC, c.token DESC"
                      : " ORDER BY c.created_at ASC, c.token ASC";
  params.push_back(std::to_string(page->limit + 1));
  sql += " LIMIT $" + std::to_string(params.size());

  auto rows = context.tx.Exec(sql, params);
  if (!rows.ok()) return std::move(rows).error();
  int shown = std::min(rows->size(), page->limit);
  bool more = rows->size() > page->limit;
  return context.Succeed(200, [&](JsonWriter& writer) {
    WriteKey(writer, "customers");
    writer.StartArray();
    for (int row = 0; row < shown; ++row) WriteCustomer(writer, *rows, row, dialect);
    writer.EndArray();
    WriteKey(writer, "next");
    if (more) {
      WriteString(writer, rows->get(shown - 1, kToken));
    } else {
      writer.Null();
    }
  });
}

RouteResult GetCustomer(const RouteContext& context, const CustomerDialect& dialect) {
  std::string merchant_id(context.Param("mid"));
  auto merchant = MerchantExists(context.tx, merchant_id);
  if (!merchant.ok()) return std::move(merchant).error();
  if (!*merchant) return context.Fail(404, kMerchantNotFound);

  auto rows = SelectLiveCustomer(context.tx, merchant_id, context.Param("token"));
  if (!rows.ok()) return std::move(rows).error();
  if (rows->size() == 0) return context.Fail(404, kCustomerNotFound);
  return context.Succeed(200, [&](JsonWriter& writer) {
    WriteKey(writer, "customer");
    WriteCustomer(writer, *rows, 0, dialect);
  });
}

RouteResult UpdateCustomer(const RouteContext& context, const CustomerDialect& dialect) {
  std::string merchant_id(context.Param("mid"));
  std::string token(context.Param("token"));
  auto merchant = MerchantExists(context.tx, merchant_id);
  if (!merchant.ok()) return std::move(merchant).error();
  if (!*merchant) return context.Fail(404, kMerchantNotFound);
  auto existing = SelectLiveCustomer(context.tx, merchant_id, token);
  if (!existing.ok()) return std::move(existing).error();
  if (existing->size() == 0) return context.Fail(404, kCustomerNotFound);

  ParsedBody body = ParseJsonObject(context.request.body);
  if (body.error_status) return context.Fail(body.error_status, body.error);
  CustomerFields fields;
  if (std::string invalid = ReadCustomerFields(*body.document, dialect, &fields);
      !invalid.empty()) {
    return context.Fail(422, invalid);
  }
  if (!fields.any_present()) {
    return context.Fail(422, "nothing to update: give any of first_name, last_name, email, " +
                                 std::string(dialect.phone_key));
  }
  if (fields.email.present) {
    auto taken = EmailTaken(context.tx, merchant_id, *fields.email.value, token);
    if (!taken.ok()) return std::move(taken).error();
    if (*taken) return context.Fail(409, kEmailTaken);
  }

  // Only whitelisted column names reach the SQL text; values are parameters.
  std::string sql = "UPDATE customers SET updated_at = now()";
  std::vector<Param> params = {token, merchant_id};
  for (const auto& [column, field] :
       {std::pair<const char*, const StringField*>{"first_name", &fields.first_name},
        {"last_name", &fields.last_name},
        {"email", &fields.email},
        {"phone", &fields.phone}}) {
    if (!field->present) continue;
    params.push_back(field->value);
    sql += std::string(", ") + column + " = $" + std::to_string(params.size());
  }
  sql += " WHERE token = $1 AND merchant_id = $2 AND deleted_at IS NULL";
  auto updated = context.tx.Exec(sql, params);
  if (!updated.ok()) return std::move(updated).error();

  auto rows = SelectLiveCustomer(context.tx, merchant_id, token);
  if (!rows.ok()) return std::move(rows).error();
  if (rows->size() == 0) return context.Fail(404, kCustomerNotFound);
  return context.Succeed(200, [&](JsonWriter& writer) {
    WriteKey(writer, "customer");
    WriteCustomer(writer, *rows, 0, dialect);
  });
}

RouteResult DeleteCustomer(const RouteContext& context) {
  std::string merchant_id(context.Param("mid"));
  std::string token(context.Param("token"));
  auto merchant = MerchantExists(context.tx, merchant_id);
  if (!merchant.ok()) return std::move(merchant).error();
  if (!*merchant) return context.Fail(404, kMerchantNotFound);

  auto deleted = context.tx.Exec(
      "UPDATE customers SET deleted_at = now(), updated_at = now()"
      " WHERE token = $1 AND merchant_id = $2 AND deleted_at IS NULL RETURNING token",
      {token, merchant_id});
  if (!deleted.ok()) return std::move(deleted).error();
  if (deleted->size() == 0) return context.Fail(404, kCustomerNotFound);
  return context.Succeed(200, [&](JsonWriter& writer) {
    WriteKey(writer, "deleted");
    writer.Bool(true);
    WriteKey(writer, "token");
    WriteString(writer, token);
  });
}

}  // namespace

void AddCustomerRoutes(Router& router, const CustomerDialect& dialect) {
  router.Add("POST", "/merchants/{mid}/customers",
             [dialect](const RouteContext& context) { return CreateCustomer(context, dialect); });
  router.Add("GET", "/merchants/{mid}/customers",
             [dialect](const RouteContext& context) { return ListCustomers(context, dialect); });
  router.Add("GET", "/merchants/{mid}/customers/{token}",
             [dialect](const RouteContext& context) { return GetCustomer(context, dialect); });
  router.Add("PUT", "/merchants/{mid}/customers/{token}",
             [dialect](const RouteContext& context) { return UpdateCustomer(context, dialect); });
  router.Add("DELETE", "/merchants/{mid}/customers/{token}",
             [](const RouteContext& context) { return DeleteCustomer(context); });
}

}  // namespace demo
